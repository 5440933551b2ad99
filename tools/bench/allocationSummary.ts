/**
 * Summarizes the allocation profiles of `npm run bench -- --allocations DIR`:
 * bytes each process allocated per request on each path, in every session
 * (round and configuration) side by side, and by package (the code that made
 * the allocation, bundle positions mapped back through the bundles' source
 * maps when they are still there).
 *
 *   node --require tsx/cjs tools/bench/allocationSummary.ts DIR [--functions 15]
 *
 * The figures are samples (about one allocation per KiB) over a few
 * thousand requests: good to a few per cent, enough to tell what a layer
 * allocates. `--functions N` also lists each process's N functions of this
 * repository that allocate most.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { originOf } from './profileSummary';

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  selfSize: number;
  children?: HeapNode[];
}

/** A V8 sampling heap profile (.heapprofile). */
export interface HeapProfile {
  head: HeapNode;
}

/** Bytes per request, in all and by the package or function that allocated them. */
export interface Allocations {
  bytesPerRequest: number;
  byPackage: Map<string, number>;
  byFunction: Map<string, number>;
}

export function summarizeAllocations(profile: HeapProfile, requests: number): Allocations {
  if (!(requests > 0)) throw new Error(`no requests to divide by (${requests})`);
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  const add = (t: Map<string, number>, k: string, v: number): void => void t.set(k, (t.get(k) ?? 0) + v / requests);
  const stack = [profile.head];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.selfSize > 0) {
      const { pkg, where } = originOf(node.callFrame);
      total += node.selfSize;
      add(byPackage, pkg, node.selfSize);
      add(byFunction, `${node.callFrame.functionName || '(anonymous)'} ${where}`, node.selfSize);
    }
    stack.push(...(node.children ?? []));
  }
  return { bytesPerRequest: total / requests, byPackage, byFunction };
}

/** One sampled window: a session's process on one path. */
export interface Window {
  session: string;
  name: string;
  service: string;
  allocations: Allocations;
}

/**
 * Every window under `dir` (`<session>/<name>.json` with the requests,
 * `<session>/<service>-<name>.heapprofile`); `skipped` names those with no
 * request to divide by.
 */
export function readWindows(dir: string, skipped: string[] = []): Window[] {
  const windows: Window[] = [];
  for (const session of readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    const sessionDir = path.join(dir, session.name);
    for (const file of readdirSync(sessionDir).filter((f) => f.endsWith('.json'))) {
      const name = file.slice(0, -'.json'.length);
      const { requests } = JSON.parse(readFileSync(path.join(sessionDir, file), 'utf8')) as { requests: number };
      if (!(requests > 0)) {
        skipped.push(`${session.name}/${name}: ${requests} requests completed`);
        continue;
      }
      for (const profile of readdirSync(sessionDir).filter((f) => f.endsWith(`-${name}.heapprofile`))) {
        const service = profile.slice(0, -`-${name}.heapprofile`.length);
        const parsed = JSON.parse(readFileSync(path.join(sessionDir, profile), 'utf8')) as HeapProfile;
        windows.push({ session: session.name, name, service, allocations: summarizeAllocations(parsed, requests) });
      }
    }
  }
  return windows;
}

const kib = (bytes: number | undefined): string => (bytes === undefined ? '' : (bytes / 1024).toFixed(1));

/** A Markdown table, the first column left-aligned and the others right-aligned. */
export function table(header: string[], rows: string[][]): string[] {
  return [`| ${header.join(' | ')} |`, `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

/** Markdown: for each path, KiB per request of each process in each session, then by package. */
export function allocationTables(windows: Window[], packages = 8, functions = 0): string {
  const out: string[] = [];
  // Rounds in order: 2-bare before 10-bare.
  const sessions = [...new Set(windows.map((w) => w.session))].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  for (const name of [...new Set(windows.map((w) => w.name))].sort()) {
    const onPath = windows.filter((w) => w.name === name);
    const services = [...new Set(onPath.map((w) => w.service))].sort();
    const find = (session: string, service: string): Window | undefined => onPath.find((w) => w.session === session && w.service === service);
    out.push(`### ${name}: KiB allocated per request`, '');
    out.push(...table(['process', ...sessions], services.map((svc) => [svc, ...sessions.map((s) => kib(find(s, svc)?.allocations.bytesPerRequest))])), '');
    for (const svc of services) {
      const totals = new Map<string, number>();
      for (const s of sessions) for (const [pkg, b] of find(s, svc)?.allocations.byPackage ?? []) totals.set(pkg, Math.max(totals.get(pkg) ?? 0, b));
      const top = [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, packages).map(([pkg]) => pkg);
      out.push(`${svc}, by package (KiB per request):`, '');
      // A session without this process stays blank; a package it did not allocate in shows 0.
      const cell = (s: string, pkg: string): string => {
        const w = find(s, svc);
        return w ? kib(w.allocations.byPackage.get(pkg) ?? 0) : '';
      };
      out.push(...table(['package', ...sessions], top.map((pkg) => [pkg, ...sessions.map((s) => cell(s, pkg))])), '');
      if (functions > 0) {
        for (const s of sessions) {
          const own = [...(find(s, svc)?.allocations.byFunction ?? [])].filter(([k]) => / (packages|services|bench)\//.test(k));
          if (own.length === 0) continue;
          out.push(`${svc}, ${s}: functions of this repository (bytes per request):`, '');
          out.push(...own.sort((a, b) => b[1] - a[1]).slice(0, functions).map(([k, b]) => `- ${b.toFixed(0)} ${k}`), '');
        }
      }
    }
  }
  return out.join('\n');
}

function main(argv: string[]): number {
  const dir = argv.find((a, i) => !a.startsWith('--') && argv[i - 1] !== '--functions');
  const functions = argv.includes('--functions') ? Number(argv[argv.indexOf('--functions') + 1]) : 0;
  if (!dir || !existsSync(dir)) {
    console.error('usage: allocationSummary.ts DIR [--functions N]   (DIR as given to npm run bench -- --allocations DIR)');
    return 2;
  }
  const skipped: string[] = [];
  const windows = readWindows(dir, skipped);
  for (const s of skipped) console.error(`skipped ${s}`);
  if (windows.length === 0) {
    console.error(`${dir}: no allocation profiles (run npm run bench -- --allocations ${dir})`);
    return 1;
  }
  console.log(allocationTables(windows, 8, functions));
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
