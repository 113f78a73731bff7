// `npm run bench [-- <name>…]`: runs every bench/*.bench.ts (or those whose name contains one of
// the arguments) one after another and prints its ratios; exits with 1 when one is over its limit.
import fs from 'node:fs';
import path from 'node:path';
import type { Bench, BenchReport } from './measure';

const dir = path.join(process.cwd(), 'bench');

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
  for (const file of files) {
    const mod = (await import(path.join(dir, file))) as { default: Bench };
    console.log(`Running ${file}…`);
    ok = print(await mod.default()) && ok;
  }
  if (!ok) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
