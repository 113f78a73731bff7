import { z } from 'zod';
import { executeAnalyzer, listAnalyzers } from '../davis/analyzers';
import { defineEndpoint, ok } from '../endpoint';

// The Davis service: analyzers over numeric series (lib/platform/davis). Listing shows each
// analyzer's input as JSON Schema; a call with bad input gets a 400 naming the field.

export const listDavisAnalyzers = defineEndpoint({
  id: 'davis.analyzers.list',
  service: 'davis',
  method: 'GET',
  path: '/davis/analyzers/v1/analyzers',
  scopes: ['davis:analyzers:read'],
  summary: 'List analyzers',
  responses: {
    200: {
      description: 'Every analyzer, with its input as JSON Schema.',
      schema: z.object({
        analyzers: z.array(z.object({ name: z.string(), title: z.string(), description: z.string(), input: z.unknown() })),
        totalCount: z.int().min(0),
      }),
    },
  },
  async handle() {
    const analyzers = listAnalyzers();
    return ok({ analyzers, totalCount: analyzers.length });
  },
});

export const executeDavisAnalyzer = defineEndpoint({
  id: 'davis.analyzers.execute',
  service: 'davis',
  method: 'POST',
  path: '/davis/analyzers/v1/analyzers/{name}:execute',
  scopes: ['davis:analyzers:execute'],
  summary: 'Run an analyzer',
  requestBody: "JSON object with series (an array of numbers) and the analyzer's options",
  params: z.object({ name: z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters') }),
  body: z.unknown(),
  maxBodyBytes: 4 * 1024 * 1024,
  exampleBody: { series: [12, 15, 14, 18, 21, 20, 24], horizon: 3 },
  responses: {
    200: {
      description: "The analyzer's result (the list describes each).",
      schema: z.object({ analyzer: z.string(), result: z.unknown() }),
    },
  },
  async handle({ params, body }) {
    return ok(executeAnalyzer(params.name, body));
  },
});

export const davisEndpoints = [listDavisAnalyzers, executeDavisAnalyzer];
