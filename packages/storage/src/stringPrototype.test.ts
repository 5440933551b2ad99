import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..', '..');

/**
 * Runs `script` in a fresh Node process (nothing loaded before it) that can
 * ask V8 whether an object's properties are in fast mode, and returns what
 * it printed. `fast(o)` is `%HasFastProperties(o)`.
 */
function inFreshNode(script: string): string {
  const prelude = "const fast = (() => { require('node:v8').setFlagsFromString('--allow-natives-syntax'); return new Function('o', 'return %HasFastProperties(o)'); })();";
  return execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', `${prelude}\n${script}`], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 }).trim();
}

describe('String.prototype after ioredis', () => {
  it('is left a dictionary by ioredis alone: the reason for the repair', () => {
    expect(inFreshNode("console.log(fast(String.prototype)); require('ioredis'); console.log(fast(String.prototype));")).toBe('true\nfalse');
  });

  it('is fast again once the storage package (which imports ioredis) has loaded, and stays fast', () => {
    const out = inFreshNode(
      "require('./packages/storage/src/index.ts'); console.log(fast(String.prototype)); class Later extends String {} console.log(fast(String.prototype));",
    );
    expect(out).toBe('true\ntrue');
  });

  it('is repaired by keepStringPrototypeFast after any String subclass', () => {
    const out = inFreshNode(
      "class Verbatim extends String { constructor(f, v) { super(v); this.format = f; } } console.log(fast(String.prototype)); require('./packages/storage/src/stringPrototype.ts').keepStringPrototypeFast(); console.log(fast(String.prototype));",
    );
    expect(out).toBe('false\ntrue');
  });
});
