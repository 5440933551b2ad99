/** The committed deploy/ files are what tools/gen-deploy.ts makes of the topology today. */
import { describe, expect, it } from 'vitest';
import { GENERATED_DIRS, diff, generate } from '../../tools/gen-deploy';
import { GENERATED_HEADER } from '../../tools/gen-deploy/render';
import { ROOT, filesUnder } from './support/repo';

describe('generated deploy files', () => {
  it('are up to date (run `npm run gen:deploy` after changing the topology, the generator or the observability files)', () => {
    expect(diff(ROOT)).toEqual({ changed: [], stale: [] });
  });

  it('say they are generated', () => {
    for (const [file, text] of generate(ROOT)) expect(text.startsWith(GENERATED_HEADER), file).toBe(true);
  });

  it('own their directories: every file there is generated', () => {
    const generated = new Set(generate(ROOT).keys());
    for (const file of GENERATED_DIRS.flatMap(filesUnder)) expect(generated.has(file), file).toBe(true);
  });
});
