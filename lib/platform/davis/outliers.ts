import { mean, sampleVariance } from './series';

export interface Outlier {
  index: number;
  value: number;
  /** How many standard deviations from the mean. */
  zScore: number;
}

export interface OutlierResult {
  mean: number;
  standardDeviation: number;
  threshold: number;
  outliers: Outlier[];
}

/** Values further than `threshold` standard deviations from the mean (none in a constant series). */
export function findOutliers(series: readonly number[], threshold: number): OutlierResult {
  const m = mean(series);
  const sd = Math.sqrt(sampleVariance(series));
  const outliers =
    sd === 0
      ? []
      : series
          .map((value, index) => ({ index, value, zScore: (value - m) / sd }))
          .filter((o) => Math.abs(o.zScore) > threshold);
  return { mean: m, standardDeviation: sd, threshold, outliers };
}
