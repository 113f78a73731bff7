import { z } from 'zod';
import { executeAnalyzer, listAnalyzers } from '../davis/analyzers';
import { defineEndpoint, ok } from '../endpoint';

// The Davis service: analyzers over numeric series (lib/platform/davis). Listing shows each
// analyzer's input as JSON Schema; a call with bad input gets a 400 naming the field.

export const listDavisAnalyzers = defineEndpoint({
  id: 'davis.analyzers.list',
  async handle() {
    const analyzers = listAnalyzers();
    return ok({ analyzers, totalCount: analyzers.length });
  },
});

export const executeDavisAnalyzer = defineEndpoint({
  id: 'davis.analyzers.execute',
  params: z.object({ name: z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters') }),
  body: z.unknown(),
  maxBodyBytes: 4 * 1024 * 1024,
  exampleBody: { series: [12, 15, 14, 18, 21, 20, 24], horizon: 3 },
  async handle({ params, body }) {
    return ok(executeAnalyzer(params.name, body));
  },
});

export const davisEndpoints = [listDavisAnalyzers, executeDavisAnalyzer];
