import { mean, sum } from './series';

export interface ForecastPoint {
  /** Position in the series: the input occupies 0 … n − 1, the forecast follows. */
  index: number;
  value: number;
  /** Prediction interval at the requested confidence. */
  lower: number;
  upper: number;
}

export interface LinearForecast {
  slope: number;
  intercept: number;
  /** Share of the variance the line explains (1 for a perfect fit; 1 for a constant series). */
  rSquared: number;
  /** Standard deviation of the residuals (n − 2 degrees of freedom; 0 for two values). */
  residualStandardDeviation: number;
  confidence: number;
  forecast: ForecastPoint[];
}

/**
 * Inverse of the standard normal distribution (Acklam's rational approximation, relative error
 * below 1.2e-9), for the two-sided interval's quantile.
 */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  const poly = (coefficients: number[], x: number) => coefficients.reduce((acc, k) => acc * x + k, 0);
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return poly(c, q) / (poly(d, q) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (poly(a, r) * q) / (poly(b, r) * r + 1);
}

/** Least-squares line through (i, series[i]) and its continuation for `horizon` steps. */
export function linearForecast(series: readonly number[], horizon: number, confidence: number): LinearForecast {
  const n = series.length;
  const xMean = (n - 1) / 2;
  const yMean = mean(series);
  const sxx = sum(series.map((_, i) => (i - xMean) ** 2));
  const sxy = sum(series.map((y, i) => (i - xMean) * (y - yMean)));
  const slope = sxy / sxx;
  const intercept = yMean - slope * xMean;
  const residuals = series.map((y, i) => y - (intercept + slope * i));
  const sse = sum(residuals.map((r) => r * r));
  const sst = sum(series.map((y) => (y - yMean) ** 2));
  const s = n > 2 ? Math.sqrt(sse / (n - 2)) : 0;
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const forecast = Array.from({ length: horizon }, (_, k) => {
    const index = n + k;
    const value = intercept + slope * index;
    const margin = z * s * Math.sqrt(1 + 1 / n + (index - xMean) ** 2 / sxx);
    return { index, value, lower: value - margin, upper: value + margin };
  });
  return {
    slope,
    intercept,
    rSquared: sst === 0 ? 1 : Math.max(0, 1 - sse / sst),
    residualStandardDeviation: s,
    confidence,
    forecast,
  };
}
