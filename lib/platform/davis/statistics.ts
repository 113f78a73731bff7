import { percentile, sampleVariance, sum } from './series';

export interface Statistics {
  count: number;
  sum: number;
  min: number;
  max: number;
  mean: number;
  median: number;
  /** Sample variance and standard deviation (n − 1); 0 for a single value. */
  variance: number;
  standardDeviation: number;
  percentiles: { p25: number; p75: number; p90: number; p95: number; p99: number };
}

export function computeStatistics(series: readonly number[]): Statistics {
  const sorted = [...series].sort((a, b) => a - b);
  const total = sum(series);
  const variance = sampleVariance(series);
  return {
    count: series.length,
    sum: total,
    min: sorted[0] ?? 0,
    max: sorted.at(-1) ?? 0,
    mean: total / series.length,
    median: percentile(sorted, 0.5),
    variance,
    standardDeviation: Math.sqrt(variance),
    percentiles: {
      p25: percentile(sorted, 0.25),
      p75: percentile(sorted, 0.75),
      p90: percentile(sorted, 0.9),
      p95: percentile(sorted, 0.95),
      p99: percentile(sorted, 0.99),
    },
  };
}
