/**
 * Writes the Prometheus rules and Grafana dashboards derived from the
 * topology. Run from the repository root: `npm run gen:observability`.
 * With `--check`, writes nothing and exits 1 when a committed file is stale.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { renderFiles } from './render';
import { REPO_ROOT } from './repoRoot';

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function main(check: boolean): number {
  let stale = 0;
  for (const [rel, content] of renderFiles()) {
    const path = join(REPO_ROOT, rel);
    if (read(path) === content) continue;
    if (check) {
      console.error(`stale: ${rel}`);
      stale++;
      continue;
    }
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    console.log(`wrote ${rel}`);
  }
  if (stale) console.error('run `npm run gen:observability` and commit the result');
  return stale ? 1 : 0;
}

process.exitCode = main(process.argv.includes('--check'));
