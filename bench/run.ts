// `npm run bench [-- <name>…]`: runs every bench/*.bench.ts (or those whose name contains one of
// the arguments) one after another, prints each one's ratios and then one summary of every ratio
// and figure; exits with 1 when one is over its limit.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Bench, BenchReport } from './measure';

const dir = path.join(process.cwd(), 'bench');

interface SummaryRow {
  bench: string;
  name: string;
  value: string;
  limit: string;
  verdict: string;
}

function summaryRows(report: BenchReport): SummaryRow[] {
  const rows: SummaryRow[] = report.ratios.map((r) => {
    const ratio = r.largeMs / r.smallMs;
    return {
      bench: report.title,
      name: `${r.name} (${report.large} / ${report.small})`,
      value: `${ratio.toFixed(2)}×`,
      limit: r.max === undefined ? '' : `≤ ${r.max}×`,
      verdict: r.max === undefined ? '' : ratio > r.max ? 'OVER' : 'ok',
    };
  });
  for (const f of report.figures ?? []) rows.push({ bench: report.title, name: f.name, value: f.value, limit: '', verdict: '' });
  return rows;
}

/** Every ratio and figure of the run in one table, for the README and for comparing runs. */
function printSummary(reports: BenchReport[]): void {
  const rows = reports.flatMap(summaryRows);
  const width = Math.max(...rows.map((r) => r.name.length), 10);
  console.log(`\nSummary (${new Date().toISOString()}, ${os.cpus().length} cores, Node ${process.version})`);
  let bench = '';
  for (const row of rows) {
    if (row.bench !== bench) console.log(`  ${(bench = row.bench)}`);
    console.log(`    ${row.name.padEnd(width)}  ${row.value.padStart(10)}  ${row.limit.padEnd(8)} ${row.verdict}`.trimEnd());
  }
}

function print(report: BenchReport): boolean {
  console.log(`\n${report.title}`);
  const width = Math.max(...report.ratios.map((r) => r.name.length), 8);
  console.log(`  ${'measure'.padEnd(width)}  ${report.small.padStart(16)}  ${report.large.padStart(16)}   ratio`);
  let ok = true;
  for (const r of report.ratios) {
    const ratio = r.largeMs / r.smallMs;
    const over = r.max !== undefined && ratio > r.max;
    if (over) ok = false;
    const limit = r.max === undefined ? '' : `  (limit ${r.max}×) ${over ? 'OVER' : 'ok'}`;
    console.log(
      `  ${r.name.padEnd(width)}  ${`${r.smallMs.toFixed(2)} ms`.padStart(16)}  ${`${r.largeMs.toFixed(2)} ms`.padStart(16)}   ${ratio.toFixed(2)}×${limit}`,
    );
  }
  for (const note of report.notes) console.log(`  ${note}`);
  return ok;
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
    .sort();
  if (files.length === 0) throw new Error(`No benchmark in bench/ matches ${wanted.join(', ')}.`);
  let ok = true;
  const reports: BenchReport[] = [];
  for (const file of files) {
    const mod = (await import(path.join(dir, file))) as { default: Bench };
    console.log(`Running ${file}…`);
    const report = await mod.default();
    reports.push(report);
    ok = print(report) && ok;
  }
  printSummary(reports);
  if (!ok) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
