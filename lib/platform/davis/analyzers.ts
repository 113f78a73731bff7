// The Davis analyzers (PRODUCT.md §7): each one names its input as a zod schema, which both
// validates a call (a 400 naming the bad field) and is listed as JSON Schema.

import { z } from 'zod';
import { NotFoundError, ValidationError } from '@/lib/errors';
import { linearForecast } from './linear-forecast';
import { findOutliers } from './outliers';
import { seriesSchema } from './series';
import { computeStatistics } from './statistics';

interface Analyzer<I> {
  name: string;
  title: string;
  description: string;
  input: z.ZodType<I>;
  run(input: I): unknown;
}

function analyzer<I>(definition: Analyzer<I>): Analyzer<unknown> {
  return definition as Analyzer<unknown>;
}

const statisticsInput = z.strictObject({ series: seriesSchema(1) });

const forecastInput = z.strictObject({
  series: seriesSchema(2),
  horizon: z.number().int('must be a whole number').min(1, 'must be at least 1').max(1000, 'can be at most 1000').default(10),
  confidence: z.number().gt(0, 'must be above 0').lt(1, 'must be below 1').default(0.95),
});

const outliersInput = z.strictObject({
  series: seriesSchema(2),
  threshold: z.number().positive('must be positive').max(100, 'can be at most 100').default(3),
});

export const ANALYZERS: readonly Analyzer<unknown>[] = [
  analyzer({
    name: 'statistics',
    title: 'Statistics',
    description: 'Count, sum, minimum, maximum, mean, median, sample variance and standard deviation, and percentiles of a numeric series.',
    input: statisticsInput,
    run: ({ series }) => computeStatistics(series),
  }),
  analyzer({
    name: 'linear-forecast',
    title: 'Linear forecast',
    description:
      'Fits a least-squares line through the series (one value per step) and continues it for `horizon` steps, with a prediction interval at `confidence`.',
    input: forecastInput,
    run: ({ series, horizon, confidence }) => linearForecast(series, horizon, confidence),
  }),
  analyzer({
    name: 'outliers',
    title: 'Outliers',
    description: 'Values further than `threshold` standard deviations from the mean of the series.',
    input: outliersInput,
    run: ({ series, threshold }) => findOutliers(series, threshold),
  }),
];

export interface AnalyzerSummary {
  name: string;
  title: string;
  description: string;
  /** JSON Schema of the request body of `:execute`. */
  input: unknown;
}

export function listAnalyzers(): AnalyzerSummary[] {
  return ANALYZERS.map((a) => ({
    name: a.name,
    title: a.title,
    description: a.description,
    input: z.toJSONSchema(a.input, { io: 'input', unrepresentable: 'any' }),
  }));
}

/** Runs the analyzer on the input; an unknown name is a 404, bad input a 400 naming the field. */
export function executeAnalyzer(name: string, input: unknown): { analyzer: string; result: unknown } {
  const found = ANALYZERS.find((a) => a.name === name);
  if (!found) {
    throw new NotFoundError(`There is no analyzer '${name.slice(0, 100)}'. Known analyzers: ${ANALYZERS.map((a) => a.name).join(', ')}.`);
  }
  const parsed = found.input.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : null;
    const message = issue?.message ?? 'invalid value';
    throw field
      ? ValidationError.field(field, `Invalid request body field '${field}': ${message}`)
      : new ValidationError(`Invalid request body: ${message}`);
  }
  return { analyzer: found.name, result: found.run(parsed.data) };
}
