import { describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '@/lib/errors';
import { executeAnalyzer, listAnalyzers } from './analyzers';
import { linearForecast, normalQuantile } from './linear-forecast';
import { computeStatistics } from './statistics';

function refusal(name: string, input: unknown): Error {
  try {
    executeAnalyzer(name, input);
  } catch (error) {
    return error as Error;
  }
  throw new Error('accepted');
}

describe('statistics', () => {
  it('computes the summary of a series', () => {
    const s = computeStatistics([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(s).toMatchObject({ count: 8, sum: 40, min: 2, max: 9, mean: 5, median: 4.5 });
    expect(s.variance).toBeCloseTo(32 / 7, 12);
    expect(s.standardDeviation).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(s.percentiles.p25).toBe(4);
    expect(s.percentiles.p75).toBe(5.5);
    expect(s.percentiles.p90).toBeCloseTo(7.6, 12);
  });

  it('handles one value and keeps precision on large offsets', () => {
    expect(computeStatistics([3])).toMatchObject({ count: 1, min: 3, max: 3, mean: 3, median: 3, variance: 0, standardDeviation: 0 });
    const shifted = computeStatistics([1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16]);
    expect(shifted.variance).toBeCloseTo(30, 6);
  });
});

describe('linear forecast', () => {
  it('continues a perfect line exactly, with a zero-width interval', () => {
    const f = linearForecast([1, 3, 5, 7], 3, 0.95);
    expect(f.slope).toBeCloseTo(2, 12);
    expect(f.intercept).toBeCloseTo(1, 12);
    expect(f.rSquared).toBeCloseTo(1, 12);
    expect(f.forecast.map((p) => p.index)).toEqual([4, 5, 6]);
    expect(f.forecast.map((p) => p.value)).toEqual([9, 11, 13].map((v) => expect.closeTo(v, 9)));
    expect(f.forecast[0]!.upper - f.forecast[0]!.lower).toBeCloseTo(0, 9);
  });

  it('widens the interval with noise and distance', () => {
    const f = linearForecast([1, 2.5, 2.9, 4.2, 5.1, 5.8, 7.4], 5, 0.9);
    expect(f.slope).toBeGreaterThan(0.9);
    expect(f.rSquared).toBeGreaterThan(0.95);
    const widths = f.forecast.map((p) => p.upper - p.lower);
    expect(widths[0]).toBeGreaterThan(0);
    expect(widths[4]).toBeGreaterThan(widths[0]!);
  });

  it('uses the normal quantile of the confidence', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.005)).toBeCloseTo(-2.575829, 5);
  });
});

describe('executeAnalyzer', () => {
  it('lists every analyzer with its input schema', () => {
    const list = listAnalyzers();
    expect(list.map((a) => a.name)).toEqual(['statistics', 'linear-forecast', 'outliers']);
    expect(list[0]!.input).toMatchObject({ type: 'object', properties: { series: { type: 'array', items: { type: 'number' } } }, required: ['series'] });
    expect(list[1]!.input).toMatchObject({ properties: { horizon: { type: 'integer', default: 10 } } });
  });

  it('runs an analyzer and applies defaults', () => {
    const out = executeAnalyzer('linear-forecast', { series: [1, 2, 3] });
    expect(out.analyzer).toBe('linear-forecast');
    expect((out.result as { forecast: unknown[] }).forecast).toHaveLength(10);
    expect(executeAnalyzer('outliers', { series: [...Array<number>(19).fill(1), 50] }).result).toMatchObject({
      outliers: [{ index: 19, value: 50 }],
    });
  });

  it.each([
    ['statistics', { series: [] }, "field 'series': needs at least 1 value"],
    ['statistics', { series: [1, 'x'] }, "field 'series.1': must be a number"],
    ['statistics', { series: [1, 1e16] }, "field 'series.1': must be a finite number"],
    ['statistics', {}, "field 'series'"],
    ['statistics', { series: [1], extra: 1 }, 'Unrecognized key'],
    ['statistics', [1, 2], 'Invalid request body'],
    ['linear-forecast', { series: [1] }, "field 'series': needs at least 2 values"],
    ['linear-forecast', { series: [1, 2], horizon: 1.5 }, "field 'horizon': must be a whole number"],
    ['linear-forecast', { series: [1, 2], confidence: 1 }, "field 'confidence': must be below 1"],
    ['outliers', { series: [1, 2], threshold: 0 }, "field 'threshold': must be positive"],
  ])('refuses bad input to %s: %j', (name, input, message) => {
    const error = refusal(name, input);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain(message);
  });

  it('says which analyzers exist when the name is unknown', () => {
    const error = refusal('magic', { series: [1] });
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toContain('statistics, linear-forecast, outliers');
  });
});
