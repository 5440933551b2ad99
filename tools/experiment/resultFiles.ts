import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderChart } from './chart';
import { chartInputOf } from './chartData';
import { renderReport } from './report';
import type { ExperimentResult } from './resultTypes';

/** Writes result.json, report.md and chart.svg into `dir` (created if needed); returns their paths. */
export function writeResults(dir: string, result: ExperimentResult): string[] {
  mkdirSync(dir, { recursive: true });
  const files: [string, string][] = [
    ['result.json', `${JSON.stringify(result, null, 2)}\n`],
    ['report.md', renderReport(result, 'chart.svg')],
    ['chart.svg', renderChart(chartInputOf(result))],
  ];
  return files.map(([name, text]) => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  });
}
