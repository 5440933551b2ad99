/**
 * The Dockerfile, .dockerignore, tools/build.ts, the manifests and the
 * Tiltfile agree: stage names, what is built and where it lands, which
 * bundle runs, under which user, with which image name.
 */
import { describe, expect, it } from 'vitest';
import { LOAD, OUT_DIR, PRELOAD, entries, imageEntries, imageRef } from '../../tools/build';
import { RUN_AS_USER } from '../../tools/gen-deploy/cluster';
import { deployYamlFiles, read, readObjects } from './support/repo';

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  name: string;
  from: string;
  body: Instruction[];
}

/** Global ARGs and stages of a Dockerfile (continuation lines joined, comments dropped). */
function parseDockerfile(text: string): { directives: string[]; args: Map<string, string>; stages: Stage[] } {
  const directives = text.split('\n').filter((l) => /^#\s*\w+=/.test(l));
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const line of lines) {
    const [op, ...rest] = line.split(/\s+/);
    const ins = { op: op!.toUpperCase(), args: rest.join(' ') };
    if (ins.op === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args)!;
      stages.push({ from: m[1]!, name: m[2] ?? String(stages.length), body: [] });
    } else if (stages.length === 0 && ins.op === 'ARG') {
      const [k, v = ''] = ins.args.split('=');
      args.set(k!, v);
    } else {
      stages.at(-1)!.body.push(ins);
    }
  }
  return { directives, args, stages };
}

const dockerfile = parseDockerfile(read('Dockerfile'));
const stage = (name: string): Stage => {
  const s = dockerfile.stages.find((x) => x.name === name);
  expect(s, `stage ${name}`).toBeDefined();
  return s!;
};
const ops = (s: Stage, op: string): string[] => s.body.filter((i) => i.op === op).map((i) => i.args);
const runtime = dockerfile.stages.at(-1)!;

describe('Dockerfile', () => {
  it('uses BuildKit syntax (cache mounts) and names its stages', () => {
    expect(dockerfile.directives[0]).toMatch(/^# syntax=docker\/dockerfile:1/);
    expect(dockerfile.stages.map((s) => s.name)).toEqual(['manifests', 'deps', 'build', 'prebuilt', 'dist', 'prod-deps', 'runtime']);
  });

  it('takes dist/ from the in-image build by default, or from the host (Tilt) with DIST_SOURCE=prebuilt', () => {
    expect(dockerfile.args.get('DIST_SOURCE')).toBe('build');
    expect(stage('dist').from).toBe('${DIST_SOURCE}');
    for (const source of ['build', 'prebuilt']) stage(source);
    expect(ops(stage('prebuilt'), 'COPY')).toEqual([`${OUT_DIR} /src/${OUT_DIR}`]);
    expect(ops(runtime, 'COPY')).toContain(`--from=dist --chown=${RUN_AS_USER}:${RUN_AS_USER} /src/${OUT_DIR} ./${OUT_DIR}`);
  });

  it('builds with tools/build.ts from the directories every entry lives in', () => {
    const build = stage('build');
    expect(build.from).toBe('deps');
    expect(ops(build, 'RUN')).toEqual(['node --require tsx/cjs tools/build.ts']);
    const copied = ops(build, 'COPY').map((c) => c.split(' ')[0]);
    for (const e of entries()) expect(copied, e.source).toContain(e.source.split('/')[0]);
  });

  it('installs dependencies from the lockfile, and ships production dependencies only', () => {
    expect(ops(stage('deps'), 'RUN').join(' ')).toMatch(/npm ci\b/);
    expect(ops(stage('prod-deps'), 'RUN').join(' ')).toMatch(/npm prune --omit=dev/);
    expect(ops(runtime, 'COPY')).toContain('--from=prod-deps /src/node_modules ./node_modules');
    expect(ops(runtime, 'ENV')).toContain('NODE_ENV=production');
  });

  it('runs the chosen bundle behind the tracing preload, as a numeric non-root user', () => {
    expect(runtime.from).toBe('${NODE_IMAGE}');
    expect(ops(runtime, 'WORKDIR')).toEqual(['/app']);
    expect(ops(runtime, 'ARG')).toEqual(['SERVICE=gateway']);
    expect(ops(runtime, 'RUN').join(' ')).toContain('ln -s "${SERVICE}.js" dist/main.js');
    expect(JSON.parse(ops(runtime, 'ENTRYPOINT')[0]!)).toEqual(['node', '--enable-source-maps', '--require', `./${OUT_DIR}/${PRELOAD.name}.js`]);
    expect(JSON.parse(ops(runtime, 'CMD')[0]!)).toEqual([`./${OUT_DIR}/main.js`]);
    expect(ops(runtime, 'USER')).toEqual([`${RUN_AS_USER}:${RUN_AS_USER}`]);
    const order = runtime.body.map((i) => i.op);
    expect(order.indexOf('USER')).toBeLessThan(order.indexOf('ENTRYPOINT'));
  });
});

describe('.dockerignore', () => {
  const patterns = read('.dockerignore').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));

  it('keeps what the image build copies, and dist/ for the prebuilt path', () => {
    for (const kept of ['package.json', 'package-lock.json', 'tsconfig.json', 'packages', 'services', 'tools', OUT_DIR]) {
      expect(patterns.filter((p) => p === kept || p === `${kept}/` || p === `/${kept}`), kept).toEqual([]);
    }
  });

  it('leaves out node_modules, git, manifests and tests', () => {
    expect(patterns).toEqual(expect.arrayContaining(['**/node_modules', '.git', 'deploy', 'tests']));
  });
});

describe('images', () => {
  it('exist for every service and the load generator, each with a bundle', () => {
    const bundles = entries().map((e) => e.name);
    for (const e of imageEntries()) expect(bundles).toContain(e.name);
    expect(imageEntries().map((e) => e.name)).toContain(LOAD.name);
  });

  it('are what the manifests run', () => {
    const images = new Set(imageEntries().map((e) => imageRef(e.name)));
    const used = deployYamlFiles()
      .filter((f) => !f.endsWith('kustomization.yaml'))
      .flatMap(readObjects)
      .filter((o) => o.kind === 'Deployment' || o.kind === 'Job')
      .flatMap((o) => {
        const pod = (o.spec as { template: { spec: { containers: { image: string }[]; initContainers?: { image: string }[] } } }).template.spec;
        return [...pod.containers, ...(pod.initContainers ?? [])].map((c) => c.image);
      })
      .filter((image) => image.startsWith('govrnanza/'));
    expect(used.length).toBeGreaterThan(0);
    for (const image of used) expect(images.has(image), image).toBe(true);
  });

  it('are live-updated by Tilt where the Dockerfile puts the bundles', () => {
    const tiltfile = read('Tiltfile');
    expect(tiltfile).toContain(`sync('${OUT_DIR}', '${ops(runtime, 'WORKDIR')[0]}/${OUT_DIR}')`);
    expect(tiltfile).toContain("'DIST_SOURCE': 'prebuilt'");
  });
});
