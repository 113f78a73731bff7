import type { AnyEndpointDefinition, PlatformContext } from '../endpoint';
import { checkBodySize, readInput, type InputSource, type InputWording } from '../input';
import { runEndpoint } from '../pipeline';

// Calls an endpoint of the platform from inside the platform (a workflow task) with the calling
// token's context, through the same pipeline as a direct call (pipeline.ts): the same scope
// checks, input checks and limits, and permission checks, in the same order.

export interface InternalInput {
  params?: Record<string, unknown>;
  query?: Record<string, unknown>;
  body?: unknown;
}

/** A task's input is one object: its fields are named as such, wherever the endpoint takes them. */
const TASK_WORDING: InputWording = { params: 'input field', query: 'input field', body: 'input field', wholeBody: 'input' };

function internalSource(input: InternalInput): InputSource {
  return {
    params: input.params ?? {},
    query: () => input.query ?? {},
    body: async (max) => {
      checkBodySize(input.body, max);
      return input.body;
    },
    wording: TASK_WORDING,
  };
}

/** Checks input without running anything (no permissions either): a workflow's tasks at creation. */
export async function checkInternalInput(definition: AnyEndpointDefinition, input: InternalInput): Promise<void> {
  await readInput(definition, internalSource(input));
}

export async function invokeEndpoint(definition: AnyEndpointDefinition, input: InternalInput, ctx: PlatformContext): Promise<{ status: number; body: unknown }> {
  return runEndpoint(definition, internalSource(input), ctx);
}
