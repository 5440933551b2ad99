import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..', '..');
const GENERATED = join(ROOT, 'packages', 'contracts', 'src', 'gen');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

describe('generated contracts', () => {
  it('are exactly what `npm run proto` makes from proto/ (run it and commit when this fails)', () => {
    const out = mkdtempSync(join(tmpdir(), 'govrnanza-proto-'));
    try {
      execFileSync(join(ROOT, 'node_modules', '.bin', 'buf'), ['generate', '--output', out], {
        cwd: ROOT,
        env: { ...process.env, PATH: `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH}` },
        stdio: 'pipe',
      });
      const fresh = join(out, 'packages', 'contracts', 'src', 'gen');
      const names = (dir: string) => files(dir).map((f) => relative(dir, f)).sort();
      expect(names(GENERATED)).toEqual(names(fresh));
      for (const name of names(fresh)) {
        expect(readFileSync(join(GENERATED, name), 'utf8'), `${name} is stale`).toBe(readFileSync(join(fresh, name), 'utf8'));
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});
