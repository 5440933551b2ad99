/**
 * `npm run bench -- …`: the cost of the stack against bare grpc-js on the
 * same call paths, in one invocation, configurations interleaved over rounds.
 * See `npm run bench -- --help` and README.md ("Performance").
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BENCH_USAGE, BenchUsageError, parseBenchArgs } from './bench/benchOptions';
import { benchMarkdown } from './bench/benchMarkdown';
import type { BenchResult } from './bench/benchResult';
import { instructionsMarkdown, runInstructions, summarizeInstructions, type InstructionsResult } from './bench/instructionsRun';
import { runBench } from './bench/runBench';
import { runSerializers, serializersMarkdown, type SerializersResult } from './bench/serializersRun';
import { checkTargets, summarizeAll } from './bench/summarize';

async function main(argv: string[]): Promise<number> {
  // `--render FILE.json`: the Markdown of a result written earlier (e.g. a .partial.json).
  // Summaries and targets are computed again from the runs, so an older result shows every current column.
  if (argv[0] === '--render' && argv[1]) {
    const result = JSON.parse(readFileSync(argv[1], 'utf8')) as BenchResult | InstructionsResult | SerializersResult;
    if (!Array.isArray(result?.runs) || !result.settings) {
      console.error(`bench: ${argv[1]} is not a result of npm run bench (no runs and settings)`);
      return 2;
    }
    if (isSerializersResult(result)) {
      console.log(serializersMarkdown(result));
      return 0;
    }
    if ('dumps' in result) {
      console.log(instructionsMarkdown({ ...result, summaries: summarizeInstructions(result.runs, result.settings.configs, result.settings.paths) }));
      return 0;
    }
    const summaries = summarizeAll(result.runs, result.settings.configs, result.settings.paths);
    console.log(benchMarkdown({ ...result, summaries, targets: checkTargets(summaries, result.soak) }));
    return 0;
  }
  let parsed;
  try {
    parsed = parseBenchArgs(argv);
  } catch (err) {
    if (!(err instanceof BenchUsageError)) throw err;
    console.error(`bench: ${err.message}\n\n${BENCH_USAGE}`);
    return 2;
  }
  if (parsed.help) {
    console.log(BENCH_USAGE);
    return 0;
  }
  const { options } = parsed;
  const command = ['npm run bench', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' ');
  mkdirSync(path.dirname(path.resolve(options.out)), { recursive: true });
  if (options.serializers) {
    const result = runSerializers(options, command, (line) => console.log(line));
    writeResult(options.out, result, serializersMarkdown(result));
    return 0;
  }
  if (options.instructions) {
    const result = await runInstructions(options, command, (line) => console.log(line));
    writeResult(options.out, result, instructionsMarkdown(result));
    return 0;
  }
  const partial = `${options.out}.partial.json`;
  const result = await runBench(options, command, (line) => console.log(line), (sofar) => writeFileSync(partial, `${JSON.stringify(sofar, null, 2)}\n`));
  rmSync(partial, { force: true });
  writeResult(options.out, result, benchMarkdown(result));
  return 0;
}

function isSerializersResult(result: object): result is SerializersResult {
  const runs = (result as { runs: unknown[] }).runs;
  return runs.length > 0 && typeof runs[0] === 'object' && runs[0] !== null && 'variant' in runs[0] && Array.isArray((result as { summaries?: unknown }).summaries);
}

/** `<out>.json` and `<out>.md`, and the Markdown on stdout. */
function writeResult(out: string, result: unknown, markdown: string): void {
  writeFileSync(`${out}.json`, `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(`${out}.md`, `${markdown}\n`);
  console.log(`\n${markdown}\nwrote ${out}.json and ${out}.md`);
}

// Exit through process.exit on Ctrl-C or SIGTERM, so the 'exit' hooks stop every process the bench started.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  },
);
