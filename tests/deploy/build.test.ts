/**
 * tools/build.ts bundles every entry that exists (services, the tracing
 * preload, the load generator) into CommonJS with the root dependencies left
 * external, and the preload then registers the tracer provider every bundle's
 * spans use (and, with TRACE_CONTEXT=async, instruments ioredis as it loads).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRELOAD, build, entries, externals, type BuildResult } from '../../tools/build';
import { ROOT, exists } from './support/repo';

// Inside the repository's node_modules, so the bundles resolve the externals as they do in the image.
const cacheDir = path.join(ROOT, 'node_modules', '.cache');
let outdir = '';
let result: BuildResult;

beforeAll(async () => {
  mkdirSync(cacheDir, { recursive: true });
  outdir = mkdtempSync(path.join(cacheDir, 'govrnanza-build-test-'));
  result = await build({ outdir, allowMissing: true });
}, 60_000);

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

/** Bare package names a bundle requires at run time. */
function requiredPackages(file: string): Set<string> {
  const text = readFileSync(file, 'utf8');
  const names = [...text.matchAll(/require\("([^".][^"]*)"\)/g)].map((m) => m[1]!);
  return new Set(
    names
      .filter((n) => !n.startsWith('node:') && !builtinModules.includes(n.split('/')[0]!))
      .map((n) => (n.startsWith('@') ? n.split('/').slice(0, 2).join('/') : n.split('/')[0]!)),
  );
}

describe('tools/build.ts', () => {
  it('bundles every entry whose source exists, one dist/<name>.js each', () => {
    const present = entries().filter((e) => exists(e.source));
    expect(result.built.map((e) => e.name)).toEqual(present.map((e) => e.name));
    for (const e of present) expect(existsSync(path.join(outdir, `${e.name}.js`)), e.name).toBe(true);
    expect(result.missing.map((e) => e.source), 'entries not written yet').toEqual(entries().filter((e) => !exists(e.source)).map((e) => e.source));
  });

  it('produces the preload bundle', () => {
    expect(existsSync(path.join(outdir, 'preload.js'))).toBe(true);
  });

  it('inlines workspace code and no package from node_modules', () => {
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((i) => i.includes('node_modules/'))).toEqual([]);
    expect(inputs.some((i) => i.startsWith('packages/'))).toBe(true);
  });

  it('requires at run time only root dependencies (what the image installs)', () => {
    const allowed = new Set(externals());
    for (const e of result.built) {
      const extra = [...requiredPackages(path.join(outdir, `${e.name}.js`))].filter((p) => !allowed.has(p));
      expect(extra, e.name).toEqual([]);
    }
  });

  it('keeps @grpc/grpc-js and ioredis external, so the ioredis require hook sees it and every bundle shares one grpc-js', () => {
    expect(externals()).toEqual(expect.arrayContaining(['@grpc/grpc-js', 'ioredis']));
    const grpcUsers = result.built.filter((e) => requiredPackages(path.join(outdir, `${e.name}.js`)).has('@grpc/grpc-js'));
    expect(grpcUsers.length).toBeGreaterThan(0);
  });

  it('the preload bundle registers the tracer provider, and instruments ioredis when it is required afterwards with TRACE_CONTEXT=async', () => {
    const probe = [
      "const api = require('@opentelemetry/api');",
      "const span = api.trace.getTracer('probe').startSpan('probe');",
      "const wrapped = Boolean(require('ioredis').prototype.sendCommand.__wrapped);",
      'process.stdout.write(JSON.stringify({ recording: span.isRecording(), wrapped }));',
    ].join(' ');
    const tmp = mkdtempSync(path.join(cacheDir, 'preload-probe-'));
    const run = (extra: Record<string, string>) =>
      spawnSync(process.execPath, ['--require', path.join(outdir, 'preload.js'), '-e', probe], {
        cwd: outdir,
        encoding: 'utf8',
        timeout: 20_000,
        env: { PATH: process.env.PATH, OTEL_SERVICE_NAME: 'build-test', OTEL_TRACES_FILE: path.join(tmp, 'spans.jsonl'), ...extra },
      });
    try {
      for (const [mode, wrapped] of [['explicit', false], ['async', true]] as const) {
        const r = run({ TRACE_CONTEXT: mode });
        expect(r.stderr, mode).toBe('');
        expect(JSON.parse(r.stdout), mode).toEqual({ recording: true, wrapped });
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
