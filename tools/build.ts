/**
 * Bundles every deployable with esbuild into `dist/`, and with `--images`
 * builds one container image per deployable.
 *
 *   npm run build                 dist/<service>.js, dist/preload.js, dist/load.js
 *   npm run build -- --allow-missing   skip entries whose source does not exist yet
 *   npm run images                bundle, then `docker build` govrnanza/<name>:dev per image
 *
 * (`npm run build` is `node --require tsx/cjs tools/build.ts`.)
 *
 * Every dependency in the root package.json stays external (a `require` in the
 * bundle, resolved from node_modules at run time): the ioredis instrumentation
 * patches it through a require hook, so it must be loaded by name, after the
 * preload, never inlined; and @opentelemetry/api must be one copy, shared by
 * the preload (which registers the tracer provider) and the service bundle
 * (which makes the spans).
 * Workspace packages (@govrnanza/*) are not dependencies and are bundled in.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build as esbuild, type Metafile } from 'esbuild';
import { SERVICES, type ServiceName } from '@govrnanza/topology';

/** One bundle: `source` (relative to the repository root) becomes `dist/<name>.js`. */
export interface Entry {
  name: string;
  source: string;
}

/** The repository root. */
export const ROOT = path.resolve(__dirname, '..');

/** Output directory of the bundles, relative to the root; the Dockerfile copies it from here. */
export const OUT_DIR = 'dist';

/** The tracing preload: loaded with `node --require` before any instrumented module. */
export const PRELOAD: Entry = { name: 'preload', source: 'packages/telemetry/src/preload.ts' };

/** The load generator CLI, run in-cluster as a Job from its own image. */
export const LOAD: Entry = { name: 'load', source: 'tools/load.ts' };

/** The entry of one service: `services/<name>/src/main.ts`. */
export function serviceEntry(name: ServiceName): Entry {
  return { name, source: `services/${name}/src/main.ts` };
}

/** Every entry the build bundles: the services (from @govrnanza/topology), the preload and the load generator. */
export function entries(): Entry[] {
  const services = (Object.keys(SERVICES) as ServiceName[]).map(serviceEntry);
  return [...services, PRELOAD, LOAD];
}

/** The entries that become images (everything but the preload, which every image carries). */
export function imageEntries(): Entry[] {
  return entries().filter((e) => e.name !== PRELOAD.name);
}

/** Tag of the image of one entry, e.g. `govrnanza/registry:dev`. */
export function imageRef(name: string, tag = 'dev'): string {
  return `govrnanza/${name}:${tag}`;
}

/** The packages a bundle must `require` at run time: the root package.json's dependencies. */
export function externals(root = ROOT): string[] {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  return Object.keys(pkg.dependencies ?? {});
}

export interface BuildOptions {
  /** Repository root; default {@link ROOT}. */
  root?: string;
  /** Output directory (absolute or relative to root); default `dist`. Emptied first. */
  outdir?: string;
  /** Entries to bundle; default {@link entries}. */
  entries?: Entry[];
  /** Skip entries whose source is missing instead of failing; default false. */
  allowMissing?: boolean;
}

export interface BuildResult {
  built: Entry[];
  missing: Entry[];
  outdir: string;
  metafile: Metafile;
}

/** Bundles the entries into `outdir` (platform node, CommonJS, node20, source maps). */
export async function build(options: BuildOptions = {}): Promise<BuildResult> {
  const root = options.root ?? ROOT;
  const outdir = path.resolve(root, options.outdir ?? OUT_DIR);
  const all = options.entries ?? entries();
  const missing = all.filter((e) => !existsSync(path.join(root, e.source)));
  if (missing.length > 0 && !options.allowMissing) {
    throw new Error(`build: missing entry sources: ${missing.map((e) => e.source).join(', ')}`);
  }
  const built = all.filter((e) => !missing.includes(e));
  rmSync(outdir, { recursive: true, force: true });
  const result = await esbuild({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(built.map((e) => [e.name, e.source])),
    outdir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: externals(root),
    sourcemap: true,
    // No keepNames: it calls a helper defining `name` on every function and class as it is
    // created, closures made per call included. Error classes set their `name` themselves.
    metafile: true,
    logLevel: 'warning',
    // CommonJS output has no import.meta: esbuild would silently make it `{}`.
    logOverride: { 'empty-import-meta': 'error' },
  });
  return { built, missing, outdir, metafile: result.metafile };
}

/** Builds `govrnanza/<name>:dev` for every image entry with the Dockerfile at the root. */
export function buildImages(root = ROOT): void {
  for (const entry of imageEntries()) {
    const args = ['build', '--build-arg', `SERVICE=${entry.name}`, '-t', imageRef(entry.name), '.'];
    console.log(`docker ${args.join(' ')}`);
    const run = spawnSync('docker', args, { cwd: root, stdio: 'inherit' });
    if (run.status !== 0) throw new Error(`docker build of ${entry.name} failed`);
  }
}

async function main(argv: string[]): Promise<void> {
  const result = await build({ allowMissing: argv.includes('--allow-missing') });
  for (const e of result.missing) console.warn(`skipped ${e.name}: ${e.source} does not exist`);
  console.log(`bundled ${result.built.map((e) => e.name).join(', ')} into ${path.relative(ROOT, result.outdir)}/`);
  if (argv.includes('--images')) buildImages();
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
