import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderFiles } from '../../tools/observability/render';

const ROOT = resolve(__dirname, '..', '..');

describe('generated observability files', () => {
  for (const [rel, content] of renderFiles()) {
    it(`${rel} is up to date (else run npm run gen:observability)`, () => {
      let committed: string;
      try {
        committed = readFileSync(join(ROOT, rel), 'utf8');
      } catch {
        throw new Error(`${rel} is missing: run npm run gen:observability`);
      }
      expect(committed === content, `${rel} is stale: run npm run gen:observability`).toBe(true);
    });
  }
});
