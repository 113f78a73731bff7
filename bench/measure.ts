// What a benchmark in bench/*.bench.ts exports and the helpers to measure with. A benchmark
// compares a cost at a small and a large size; the runner prints each ratio and fails when one
// is over its limit.

export interface Ratio {
  name: string;
  smallMs: number;
  largeMs: number;
  /** The largest acceptable large/small ratio, if there is one. */
  max?: number;
}

export interface BenchReport {
  title: string;
  /** What "small" and "large" mean here, e.g. "1,000 tokens". */
  small: string;
  large: string;
  ratios: Ratio[];
  /** Further findings, one line each. */
  notes: string[];
  /** Figures that are not ratios (rates, memory), repeated in the summary of `npm run bench`. */
  figures?: { name: string; value: string }[];
}

export type Bench = () => Promise<BenchReport>;

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/**
 * Median times of two variants, measured alternately after a warm-up, so that a busy machine
 * slows both alike instead of whichever happened to run during the busy moment.
 */
export async function compare(
  small: () => Promise<unknown>,
  large: () => Promise<unknown>,
  { repetitions = 31, warmUp = 5 } = {},
): Promise<{ smallMs: number; largeMs: number }> {
  for (let i = 0; i < warmUp; i++) {
    await small();
    await large();
  }
  const s: number[] = [];
  const l: number[] = [];
  for (let i = 0; i < repetitions; i++) {
    s.push(await timed(small));
    l.push(await timed(large));
  }
  return { smallMs: median(s), largeMs: median(l) };
}

/** Prints a report, for a benchmark file run on its own. */
export function printReport(report: BenchReport): void {
  console.log(report.title);
  for (const r of report.ratios) {
    const ratio = r.largeMs / r.smallMs;
    const verdict = r.max === undefined ? '' : ` (limit ${r.max}×) ${ratio > r.max ? 'OVER' : 'ok'}`;
    console.log(`  ${r.name}: ${(r.smallMs * 1000).toFixed(2)} µs vs ${(r.largeMs * 1000).toFixed(2)} µs = ${ratio.toFixed(2)}×${verdict}`);
  }
  for (const note of report.notes) console.log(`  ${note}`);
  for (const figure of report.figures ?? []) console.log(`  ${figure.name}: ${figure.value}`);
}

/** Runs a benchmark file on its own (`npx tsx bench/<name>.bench.ts`): prints its report, exits with 1 on an error. */
export function runAlone(bench: Bench): void {
  bench().then(printReport, (error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
