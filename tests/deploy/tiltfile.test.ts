/**
 * The Tiltfile is Starlark (it parses, and uses nothing Starlark lacks), and,
 * evaluated against stand-ins for Tilt's builtins with the kustomize output
 * (rendered by support/kustomize.ts, no kubectl needed), declares a
 * consistent dev environment in each scenario (plain, --mesh, --mesh
 * --mode=both): every object applied once, an image for every image the
 * manifests run, every object in exactly one resource, dependencies that
 * exist, the port-forwards the README's cluster section promises, one chaos button per
 * shipped experiment, and only paths that exist.
 *
 * Needs python3 (support/tiltfile_harness.py runs the Tiltfile); without it
 * these tests fail, saying so.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SERVICES } from '@govrnanza/topology';
import { afterAll, describe, expect, it } from 'vitest';
import { render } from './support/kustomize';
import { WORKLOAD_KINDS, configMapsReadBy, containersOf, find, idOf, podLabels } from './support/objects';
import { ROOT, abs, exists, filesUnder, read, readObjects, type K8sObject } from './support/repo';

const HARNESS = path.join(__dirname, 'support', 'tiltfile_harness.py');
/** The interpreter itself (a version manager's python3 shim costs a few hundred ms per start); undefined without python3. */
const PYTHON = ((): string | undefined => {
  const probe = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
})();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'tiltfile-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function python(args: string[]): unknown {
  if (PYTHON === undefined) {
    throw new Error('python3 is not on PATH: the Tiltfile tests need it to run tests/deploy/support/tiltfile_harness.py (install Python 3)');
  }
  const run = spawnSync(PYTHON, [HARNESS, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000, maxBuffer: 64 << 20 });
  if (run.status !== 0) throw new Error(`tiltfile_harness.py ${args[0]}: ${run.stderr || run.error?.message}`);
  return JSON.parse(run.stdout);
}

interface Call {
  args: unknown[];
  kwargs: Record<string, unknown>;
}
interface Declared {
  failed?: string;
  local_resource: Call[];
  docker_build: Call[];
  k8s_resource: Call[];
  k8s_yaml: K8sObject[];
  paths: string[];
  local: string[];
}

const PLAIN = 'deploy';
const LOAD_JOB = 'deploy/k8s/load-job.yaml';
const rendered = new Map<string, K8sObject[]>();
function renderedOnce(entry: string): K8sObject[] {
  if (!rendered.has(entry)) rendered.set(entry, render(entry));
  return rendered.get(entry)!;
}

const declared = new Map<string, Declared>();
/** The Tiltfile run with `tilt up -- <args>`, given what it reads: the plain stack, with --mesh its mode's entry, and the load Job. */
function evaluate(args: Record<string, unknown>): Declared {
  const key = JSON.stringify(args);
  if (declared.has(key)) return declared.get(key)!;
  const mode = typeof args.mode === 'string' ? args.mode : 'code';
  const entries = [PLAIN, ...(args.mesh && /^[a-z]+$/.test(mode) && exists(`deploy/istio/modes/${mode}`) ? [`deploy/istio/modes/${mode}`] : [])];
  const scenario = {
    root: ROOT,
    args,
    rendered: Object.fromEntries(entries.map((e) => [e, renderedOnce(e)])),
    files: { [LOAD_JOB]: readObjects(LOAD_JOB) },
  };
  const file = path.join(tmp, `scenario-${declared.size}.json`);
  writeFileSync(file, JSON.stringify(scenario));
  const result = python(['run', abs('Tiltfile'), file]) as Declared;
  declared.set(key, result);
  return result;
}

const nameOf = (c: Call): string => String(c.args[0] ?? c.kwargs.new_name ?? c.kwargs.workload);
const stringsOf = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);
const isWorkload = (o: K8sObject): boolean => WORKLOAD_KINDS.includes(o.kind);
const imageRepo = (image: string): string => image.replace(/:[^/:]+$/, '');

/** A Tilt object selector (`name:kind[:namespace]`, case-insensitive, exact) matches an object. */
function selects(selector: string, o: K8sObject): boolean {
  const [name, kind, namespace] = selector.toLowerCase().split(':');
  return (
    name === o.metadata.name.toLowerCase() &&
    (kind === undefined || kind === o.kind.toLowerCase()) &&
    (namespace === undefined || namespace === (o.metadata.namespace ?? '').toLowerCase())
  );
}

/** The ports the README's cluster section says open on localhost ("What opens where"), with their description. */
function documentedPorts(): Map<number, string> {
  const section = read('README.md').split('What opens where:')[1]!.split('\n\n')[1]!;
  return new Map([...section.matchAll(/^\| http:\/\/localhost:(\d+) \| (.*) \|$/gm)].map((m) => [Number(m[1]), m[2]!]));
}

interface Scenario {
  title: string;
  args: Record<string, unknown>;
  /** The entry whose services are deployed: the plain stack's, or the mesh mode's. */
  entry: string;
  mode: string;
  faults?: string;
  upstream: string;
}
const SCENARIOS: Scenario[] = [
  { title: 'plain (tilt up)', args: {}, entry: PLAIN, mode: 'code', upstream: 'gateway:8080' },
  {
    title: 'mesh, resilience in code (tilt up -- --mesh)',
    args: { mesh: true },
    entry: 'deploy/istio/modes/code',
    mode: 'code',
    faults: 'deploy/istio/faults',
    upstream: 'istio-ingressgateway.istio-system:80',
  },
  {
    title: 'mesh, resilience in both (tilt up -- --mesh --mode=both)',
    args: { mesh: true, mode: 'both' },
    entry: 'deploy/istio/modes/both',
    mode: 'both',
    faults: 'deploy/istio/modes/mesh/faults',
    upstream: 'istio-ingressgateway.istio-system:80',
  },
];

describe('Tiltfile syntax', () => {
  it('is Starlark: parses, and uses no Python-only construct', () => {
    expect(python(['lint', abs('Tiltfile')])).toEqual([]);
  });
});

describe('Tiltfile arguments', () => {
  it('refuses a mode that does not exist, and a mode without --mesh', () => {
    expect(evaluate({ mesh: true, mode: 'sometimes' }).failed).toMatch(/--mode must be one of/);
    expect(evaluate({ mode: 'both' }).failed).toMatch(/needs --mesh/);
  });
});

describe.each(SCENARIOS)('Tiltfile, $title', (s) => {
  const run = (): Declared => {
    const d = evaluate(s.args);
    expect(d.failed, 'the Tiltfile called fail()').toBeUndefined();
    return d;
  };
  const applied = (): K8sObject[] => run().k8s_yaml;
  const workloads = (): K8sObject[] => applied().filter(isWorkload);
  const k8sNames = (): string[] => run().k8s_resource.map(nameOf);
  const localNames = (): string[] => run().local_resource.map(nameOf);

  it('evaluates without failing', () => {
    run();
  });

  it('applies each object once: the plain stack, with --mesh the services replaced by the mode\'s, and the load Job', () => {
    const objects = applied();
    const ids = objects.map(idOf);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i), 'applied twice').toEqual([]);
    const entry = renderedOnce(s.entry);
    for (const o of entry) expect(ids, `${s.entry}: ${idOf(o)}`).toContain(idOf(o));
    // Of the plain stack, all but what the mode's entry replaces (its services' ConfigMaps have other names).
    for (const o of renderedOnce(PLAIN)) {
      if (o.kind === 'ConfigMap' || find(entry, o.kind, o.metadata.name)) continue;
      expect(ids, `deploy: ${idOf(o)}`).toContain(idOf(o));
    }
    for (const o of readObjects(LOAD_JOB)) expect(ids).toContain(idOf(o));
    const known = new Set([...entry, ...renderedOnce(PLAIN), ...readObjects(LOAD_JOB)].map(idOf));
    expect(ids.filter((id) => !known.has(id)), 'from nowhere').toEqual([]);
  });

  it('applies exactly the ConfigMaps the workloads read, with RESILIENCE as the mode has it', () => {
    const objects = applied();
    const read = new Set(workloads().flatMap(configMapsReadBy));
    const configMaps = objects.filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.name);
    expect(configMaps.sort()).toEqual([...read].sort());
    for (const name of Object.keys(SERVICES)) {
      const refs = configMapsReadBy(find(objects, 'Deployment', name)!);
      expect((find(objects, 'ConfigMap', refs[0]!)!.data as Record<string, string>).RESILIENCE, name).toBe(s.mode);
    }
  });

  it('points the load Job at the front door of the scenario', () => {
    const job = find(applied(), 'Job', 'load')!;
    const upstream = containersOf(job).flatMap((c) => c.env ?? []).find((e) => e.name === 'UPSTREAM');
    expect(upstream?.value).toBe(s.upstream);
  });

  it('builds an image for every govrnanza/* image the manifests run, and no other', () => {
    const running = new Set(workloads().flatMap((w) => containersOf(w).map((c) => imageRepo(c.image))).filter((i) => i.startsWith('govrnanza/')));
    const built = run().docker_build.map((c) => String(c.args[0]));
    expect(built.filter((b, i) => built.indexOf(b) !== i), 'built twice').toEqual([]);
    expect([...built].sort()).toEqual([...running].sort());
    for (const c of run().docker_build) expect((c.kwargs.build_args as Record<string, string>).SERVICE).toBe(String(c.args[0]).replace('govrnanza/', ''));
  });

  it('puts every object in exactly one resource, and every selector matches', () => {
    const objects = applied();
    const selectors = run().k8s_resource.flatMap((c) => stringsOf(c.kwargs.objects).map((sel) => ({ resource: nameOf(c), sel })));
    for (const { resource, sel } of selectors) expect(objects.some((o) => selects(sel, o)), `${resource}: ${sel} matches nothing`).toBe(true);
    const owners = (o: K8sObject): string[] => {
      if (isWorkload(o)) return [o.metadata.name];
      // Tilt puts a Service in the resource of the workload its selector picks.
      const bySelector =
        o.kind === 'Service'
          ? workloads()
              .filter((w) => Object.entries((o.spec as { selector?: Record<string, string> }).selector ?? { none: '' }).every(([k, v]) => podLabels(w)[k] === v))
              .map((w) => w.metadata.name)
          : [];
      return [...bySelector, ...selectors.filter((x) => selects(x.sel, o)).map((x) => x.resource)];
    };
    const wrong = objects.map((o) => ({ id: idOf(o), owners: owners(o) })).filter((x) => x.owners.length !== 1);
    expect(wrong).toEqual([]);
  });

  it('names each resource once, configures only workloads that exist, and depends only on resources that exist, without a cycle', () => {
    const k8s = k8sNames();
    const local = localNames();
    const all = [...k8s, ...local];
    expect(all.filter((n, i) => all.indexOf(n) !== i), 'declared twice').toEqual([]);
    const workloadNames = workloads().map((w) => w.metadata.name);
    for (const c of run().k8s_resource) if (!c.kwargs.new_name) expect(workloadNames, `k8s_resource(${nameOf(c)})`).toContain(nameOf(c));
    const resources = new Set([...all, ...workloadNames]);
    const deps = new Map([...run().k8s_resource, ...run().local_resource].map((c) => [nameOf(c), stringsOf(c.kwargs.resource_deps)]));
    for (const [name, ds] of deps) for (const d of ds) expect(resources.has(d), `${name} depends on ${d}`).toBe(true);
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (n: string, chain: string[]): void => {
      if (done.has(n)) return;
      expect(visiting.has(n), `cycle: ${[...chain, n].join(' -> ')}`).toBe(false);
      visiting.add(n);
      for (const d of deps.get(n) ?? []) visit(d, [...chain, n]);
      visiting.delete(n);
      done.add(n);
    };
    for (const n of deps.keys()) visit(n, []);
    // Each service starts after the services it calls.
    for (const name of Object.keys(SERVICES)) {
      const calls = (find(applied(), 'Deployment', name)!.metadata.annotations?.['govrnanza.io/calls'] ?? '').split(',').filter(Boolean);
      expect(deps.get(name), name).toEqual(expect.arrayContaining(calls));
    }
  });

  it('forwards the ports the README cluster section promises, each to a port its workload listens on', () => {
    const promised: Record<string, number> = { gateway: 8080, grafana: 3000, jaeger: 16686, prometheus: 9090 };
    const forwards = new Map<number, { resource: string; remote: number }>();
    for (const c of run().k8s_resource) {
      for (const f of stringsOf(c.kwargs.port_forwards)) {
        const [local, remote = local] = f.split(':').map(Number) as [number, number?];
        expect(forwards.has(local), `localhost:${local} forwarded twice`).toBe(false);
        forwards.set(local, { resource: nameOf(c), remote: remote! });
      }
    }
    for (const [resource, port] of Object.entries(promised)) {
      expect(forwards.get(port)?.resource, `localhost:${port}`).toBe(resource);
      const listens = containersOf(find(applied(), 'Deployment', resource)!).flatMap((c) => (c.ports ?? []).map((p) => p.containerPort));
      expect(listens, `${resource} listens on ${forwards.get(port)!.remote}`).toContain(forwards.get(port)!.remote);
    }
    const ingress = run().local_resource.find((c) => nameOf(c) === 'ingress');
    if (s.entry === PLAIN) expect(ingress, 'no ingress without the mesh').toBeUndefined();
    else expect(String(ingress?.kwargs.serve_cmd)).toMatch(/port-forward svc\/istio-ingressgateway 8081:80\b/);
    // And the documentation promises no port Tilt does not open.
    const opened = [...forwards.keys(), ...(ingress ? [8081] : [])];
    for (const [port, what] of documentedPorts()) {
      if (s.entry === PLAIN && what.includes('--mesh')) continue;
      expect(opened, `README: localhost:${port} (${what})`).toContain(port);
    }
  });

  it('has one chaos button per shipped experiment of the mode, and one to clear them (none without the mesh)', () => {
    const chaos = run().local_resource.filter((c) => nameOf(c).startsWith('chaos:'));
    if (!s.faults) {
      expect(chaos).toEqual([]);
      return;
    }
    const files = filesUnder(s.faults).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(0);
    const buttons = chaos.filter((c) => nameOf(c) !== 'chaos:clear');
    expect(buttons.map(nameOf).sort()).toEqual(files.map((f) => `chaos:${path.basename(f, '.yaml')}`).sort());
    for (const c of buttons) {
      expect(c.kwargs.cmd).toBe(`kubectl apply -f ${s.faults}/${nameOf(c).slice('chaos:'.length)}.yaml`);
      expect(c.kwargs.trigger_mode).toBe('manual');
    }
    expect(chaos.map(nameOf)).toContain('chaos:clear');
  });

  it('names only paths that exist (dist/, the bundles, is built by the Tiltfile itself)', () => {
    const d = run();
    const topLevel = new Set(readdirSync(ROOT));
    const commands = [...d.local, ...[...d.local_resource, ...d.k8s_resource].flatMap((c) => [c.kwargs.cmd, c.kwargs.serve_cmd].filter((x) => typeof x === 'string') as string[])];
    // Words of a command that are repository paths: with a file extension, or under a top-level directory.
    const inCommands = commands
      .flatMap((cmd) => cmd.split(/[\s'"|;&<>()]+/))
      .filter((w) => /^[\w.-]+(\/[\w.-]+)+$/.test(w) && (/\.\w+$/.test(w) || topLevel.has(w.split('/')[0]!)));
    const named = [
      ...d.paths.map((p) => (path.isAbsolute(p) ? path.relative(ROOT, p) : p)),
      ...d.local_resource.flatMap((c) => stringsOf(c.kwargs.deps)),
      ...d.docker_build.flatMap((c) => {
        const context = String(c.args[1]);
        const liveUpdate = (c.kwargs.live_update as Record<string, string[]>[] | undefined) ?? [];
        return [
          context,
          path.join(context, String(c.kwargs.dockerfile ?? 'Dockerfile')),
          ...stringsOf(c.kwargs.only).map((o) => path.join(context, o)),
          ...liveUpdate.flatMap((step) => [...(step.sync ? [step.sync[0]!] : []), ...(step.fall_back_on ?? [])]),
        ];
      }),
      ...inCommands,
    ];
    expect(named.length).toBeGreaterThan(10);
    const missing = [...new Set(named)].filter((p) => p !== 'dist' && !p.startsWith('dist/') && !exists(p));
    expect(missing).toEqual([]);
    expect(inCommands, 'the commands name the fault files and tools/build.ts').toContain('tools/build.ts');
  });
});
