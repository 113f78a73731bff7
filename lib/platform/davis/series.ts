import { z } from 'zod';

/** Largest magnitude a series value may have; keeps sums and squares far from overflowing. */
export const MAX_ABS_VALUE = 1e15;
export const MAX_SERIES_LENGTH = 100_000;

export const seriesValue = z
  .number({ error: 'must be a number' })
  .refine((v) => Number.isFinite(v) && Math.abs(v) <= MAX_ABS_VALUE, `must be a finite number between -1e15 and 1e15`);

export function seriesSchema(minLength: number) {
  return z
    .array(seriesValue, { error: 'must be an array of numbers' })
    .min(minLength, `needs at least ${minLength} value${minLength === 1 ? '' : 's'}`)
    .max(MAX_SERIES_LENGTH, `can have at most ${MAX_SERIES_LENGTH} values`);
}

/** Sum with Neumaier's compensation, so long series of mixed magnitudes add up exactly enough. */
export function sum(values: readonly number[]): number {
  let total = 0;
  let compensation = 0;
  for (const v of values) {
    const t = total + v;
    compensation += Math.abs(total) >= Math.abs(v) ? total - t + v : v - t + total;
    total = t;
  }
  return total + compensation;
}

export function mean(values: readonly number[]): number {
  return sum(values) / values.length;
}

/** Percentile by linear interpolation between closest ranks (the common "type 7"). */
export function percentile(sorted: readonly number[], p: number): number {
  const rank = (sorted.length - 1) * p;
  const lower = Math.floor(rank);
  const upper = Math.ceil(rank);
  const a = sorted[lower] ?? 0;
  const b = sorted[upper] ?? a;
  return a + (b - a) * (rank - lower);
}

/** Sample variance (divides by n − 1); 0 for a single value. Two-pass for accuracy. */
export function sampleVariance(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  return sum(values.map((v) => (v - m) ** 2)) / (values.length - 1);
}
