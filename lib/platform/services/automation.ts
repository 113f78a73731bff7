import { performance } from 'node:perf_hooks';
import { and, asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { serviceUsers, users, workflowExecutions, workflows } from '@/lib/db/schema';
import type { Principal } from '@/lib/iam/effective-permissions';
import { AppError } from '@/lib/errors';
import { STORAGE_TABLE_READ_SCOPES } from '../catalogue';
import { created, defineEndpoint, ok, type PlatformContext } from '../endpoint';
import { badRequest, forbidden, notFound, PlatformError } from '../errors';
import { checkInternalInput, invokeEndpoint } from './automation-invoke';
import { ACTION_NAMES, hasReferences, references, resolveReferences, TASK_ACTIONS, taskName, TaskReferenceError } from './automation-tasks';
import { pageKey, pageQuery, readPageKey } from './pagination';
import { ownerColumns, ownerSchema, ownerView } from './principal';
import { storableJson, storableString } from './storage-json';

// The automation service: workflows are lists of tasks that call the platform's own services
// (automation-tasks.ts). "Run" executes the tasks in order with the permissions of the token
// that runs it — each task makes the checks a direct call would — and records an execution with
// every task's result. An execution can hold data read with the runner's permissions, so only
// the identity that ran it can read it back.

const MAX_TASKS = 20;
/** A task result larger than this (as JSON) is not kept; the task reports it instead. */
const MAX_TASK_RESULT_CHARS = 5_000_000;

const taskSchema = z.object({
  name: taskName,
  action: z.enum(ACTION_NAMES, { error: `must be one of ${ACTION_NAMES.join(', ')}` }),
  input: z.record(z.string(), z.unknown(), { error: 'must be a JSON object' }).default({}),
});

export type WorkflowTask = z.output<typeof taskSchema>;

export const workflowBody = z
  .object({
    title: storableString(z.string({ error: 'is required and must be a string' }).trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters')),
    description: storableString(z.string({ error: 'must be a string' }).max(2000, 'must be at most 2000 characters')).default(''),
    tasks: z.array(taskSchema, { error: 'is required and must be an array of tasks' }).min(1, 'needs at least one task').max(MAX_TASKS, `can have at most ${MAX_TASKS} tasks`),
  })
  .superRefine((w, ctx) => {
    const seen = new Set<string>();
    w.tasks.forEach((task, i) => {
      if (seen.has(task.name)) ctx.addIssue({ code: 'custom', path: ['tasks', i, 'name'], message: `repeats the task name '${task.name}'` });
      for (const ref of references(task.input)) {
        const [root, name] = ref.split('.');
        const known = root === 'input' || (root === 'tasks' && name !== undefined && seen.has(name));
        if (!known) {
          ctx.addIssue({ code: 'custom', path: ['tasks', i, 'input'], message: `refers to '${ref}', which is neither input.… nor the result of an earlier task` });
        }
      }
      seen.add(task.name);
    });
  });

const position = z.tuple([z.iso.datetime({ offset: true }), z.uuid()]);
const workflowColumns = {
  id: workflows.id,
  title: workflows.title,
  description: workflows.description,
  tasks: workflows.tasks,
  ownerUserId: workflows.ownerUserId,
  ownerServiceUserId: workflows.ownerServiceUserId,
  ownerUserEmail: users.email,
  ownerServiceUserEmail: serviceUsers.email,
  createdAt: workflows.createdAt,
  updatedAt: workflows.updatedAt,
};

interface WorkflowRow {
  id: string;
  title: string;
  description: string;
  tasks: unknown[];
  ownerUserId: string | null;
  ownerServiceUserId: string | null;
  ownerUserEmail: string | null;
  ownerServiceUserEmail: string | null;
  createdAt: Date;
  updatedAt: Date;
}

function workflowView(row: WorkflowRow) {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    // Stored as created (workflowBody), so each task has its name, action and input.
    tasks: row.tasks as WorkflowTask[],
    owner: ownerView(row),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function selectWorkflows(ctx: PlatformContext) {
  return ctx.db
    .select(workflowColumns)
    .from(workflows)
    .leftJoin(users, eq(users.id, workflows.ownerUserId))
    .leftJoin(serviceUsers, eq(serviceUsers.id, workflows.ownerServiceUserId));
}

async function findWorkflow(ctx: PlatformContext, id: string) {
  const [row] = await selectWorkflows(ctx).where(and(eq(workflows.id, id), eq(workflows.environmentId, ctx.environmentId)));
  if (!row) throw notFound(`No workflow with ID '${id}' in this environment.`);
  return row;
}

/** A task's input checked against its action's endpoint, unless it refers to results still to come. */
async function checkTasks(tasks: readonly WorkflowTask[]): Promise<void> {
  for (const [i, task] of tasks.entries()) {
    if (hasReferences(task.input)) continue;
    const action = TASK_ACTIONS[task.action]!;
    try {
      await checkInternalInput(action.endpoint, action.toRequest(task.input));
    } catch (error) {
      if (error instanceof PlatformError) throw badRequest(`Invalid request body field 'tasks.${i}.input': ${error.message}`);
      throw error;
    }
  }
}

export async function createWorkflow(ctx: PlatformContext, body: z.output<typeof workflowBody>) {
  await checkTasks(body.tasks);
  const [row] = await ctx.db
    .insert(workflows)
    .values({
      environmentId: ctx.environmentId,
      title: body.title,
      description: body.description,
      tasks: body.tasks,
      ...ownerColumns(ctx.owner),
      createdAt: ctx.now,
      updatedAt: ctx.now,
    })
    .returning({ id: workflows.id });
  return workflowView(await findWorkflow(ctx, row!.id));
}

export interface TaskResult {
  name: string;
  action: string;
  state: 'success' | 'error' | 'skipped';
  result?: unknown;
  error?: { status: number; message: string };
  durationMs?: number;
}

function taskError(error: unknown): { status: number; message: string } {
  if (error instanceof PlatformError) return { status: error.status, message: error.message };
  if (error instanceof TaskReferenceError) return { status: 400, message: error.message };
  if (error instanceof AppError) return { status: 400, message: error.message };
  console.error('[automation] task failed:', error instanceof Error ? (error.stack ?? error.message) : error);
  return { status: 500, message: 'Internal error in this task.' };
}

async function runTask(task: WorkflowTask, scope: { input: unknown; tasks: Record<string, unknown> }, ctx: PlatformContext): Promise<TaskResult> {
  const started = performance.now();
  const action = TASK_ACTIONS[task.action];
  const base = { name: task.name, action: task.action };
  try {
    if (!action) throw badRequest(`Unknown action '${task.action}'.`);
    const input = resolveReferences(task.input, scope) as Record<string, unknown>;
    const response = await invokeEndpoint(action.endpoint, action.toRequest(input), ctx);
    const result = action.toResult ? action.toResult(response.body) : response.body;
    const size = JSON.stringify(result)?.length ?? 0;
    const durationMs = Math.round(performance.now() - started);
    if (size > MAX_TASK_RESULT_CHARS) {
      return { ...base, state: 'error', error: { status: 413, message: `The result (${size} characters of JSON) is larger than the ${MAX_TASK_RESULT_CHARS} an execution keeps; narrow the task.` }, durationMs };
    }
    return { ...base, state: 'success', result, durationMs };
  } catch (error) {
    return { ...base, state: 'error', error: taskError(error), durationMs: Math.round(performance.now() - started) };
  }
}

function executionView(row: typeof workflowExecutions.$inferSelect) {
  return {
    id: row.id,
    workflowId: row.workflowId,
    state: row.state,
    // Stored by runWorkflow: its input object and a TaskResult per task.
    input: row.input as Record<string, unknown>,
    tasks: row.tasks as TaskResult[],
    tokenId: row.tokenId,
    startedAt: row.startedAt.toISOString(),
    endedAt: row.endedAt.toISOString(),
  };
}

export async function runWorkflow(ctx: PlatformContext, workflowId: string, input: Record<string, unknown>) {
  const workflow = await findWorkflow(ctx, workflowId);
  const tasks = z.array(taskSchema).parse(workflow.tasks);
  const started = performance.now();
  const results: TaskResult[] = [];
  const done: Record<string, unknown> = {};
  let failed = false;
  for (const task of tasks) {
    if (failed) {
      results.push({ name: task.name, action: task.action, state: 'skipped' });
      continue;
    }
    const result = await runTask(task, { input, tasks: done }, ctx);
    results.push(result);
    if (result.state === 'success') done[task.name] = result.result;
    else failed = true;
  }
  const [row] = await ctx.db
    .insert(workflowExecutions)
    .values({
      workflowId: workflow.id,
      environmentId: ctx.environmentId,
      state: failed ? 'error' : 'success',
      input,
      tasks: results,
      tokenId: ctx.token.tokenId,
      ...ownerColumns(ctx.owner),
      startedAt: ctx.now,
      endedAt: new Date(ctx.now.getTime() + Math.round(performance.now() - started)),
    })
    .returning();
  return executionView(row!);
}

/**
 * An execution keeps what its tasks read with the runner's token (a query's records); reading it
 * back, possibly with another token of the same owner, needs what reading that data directly needs.
 */
function authorizeResults(ctx: PlatformContext, tasks: unknown): void {
  const stored = Array.isArray(tasks) ? (tasks as Partial<TaskResult>[]) : [];
  for (const task of stored) {
    if (task.state !== 'success') continue;
    const action = TASK_ACTIONS[String(task.action)];
    // An action this release no longer knows: its result could hold anything, so nobody reads it.
    if (!action) throw forbidden(`The execution holds the result of task '${String(task.name)}', whose action '${String(task.action)}' is unknown.`);
    for (const { scope, attributes } of action.resultReads(task.result)) {
      try {
        ctx.authorize(scope, attributes);
      } catch (error) {
        if (!(error instanceof PlatformError)) throw error;
        throw new PlatformError(error.status, `${error.message} The execution holds what its task '${String(task.name)}' read.`, error.headers);
      }
    }
  }
}

function ownerMatch(owner: Principal) {
  return owner.kind === 'user' ? eq(workflowExecutions.ownerUserId, owner.userId) : eq(workflowExecutions.ownerServiceUserId, owner.serviceUserId);
}

const workflowSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    description: z.string(),
    tasks: z.array(z.object({ name: z.string(), action: z.string(), input: z.record(z.string(), z.unknown()) })),
    owner: ownerSchema,
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Workflow' });
const workflowList = z.object({ workflows: z.array(workflowSchema), nextPageKey: z.string().nullable() });
const taskResultSchema = z.object({
  name: z.string(),
  action: z.string(),
  state: z.enum(['success', 'error', 'skipped']),
  result: z.unknown().optional(),
  error: z.object({ status: z.int(), message: z.string() }).optional(),
  durationMs: z.number().min(0).optional(),
});
const executionSchema = z
  .object({
    id: z.uuid(),
    workflowId: z.uuid(),
    state: z.enum(['success', 'error']),
    input: z.record(z.string(), z.unknown()),
    tasks: z.array(taskResultSchema),
    tokenId: z.string(),
    startedAt: z.iso.datetime(),
    endedAt: z.iso.datetime(),
  })
  .meta({ id: 'Execution' });

export const listWorkflows = defineEndpoint({
  id: 'automation.workflows.list',
  service: 'automation',
  method: 'GET',
  path: '/automation/v1/workflows',
  scopes: ['automation:workflows:read'],
  summary: 'List workflows',
  query: z.object(pageQuery),
  responses: { 200: { description: 'A page of the workflows of the environment.', schema: workflowList } },
  async handle({ query }, ctx) {
    const after = readPageKey(query, position);
    const rows = await selectWorkflows(ctx)
      .where(
        and(
          eq(workflows.environmentId, ctx.environmentId),
          after ? sql`(${workflows.createdAt}, ${workflows.id}) > (${after[0]}::timestamptz, ${after[1]}::uuid)` : undefined,
        ),
      )
      .orderBy(asc(workflows.createdAt), asc(workflows.id))
      .limit(query.limit + 1);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return ok({
      workflows: page.map(workflowView),
      nextPageKey: rows.length > query.limit && last ? pageKey([last.createdAt.toISOString(), last.id]) : null,
    });
  },
});

export const createWorkflowEndpoint = defineEndpoint({
  id: 'automation.workflows.create',
  service: 'automation',
  method: 'POST',
  path: '/automation/v1/workflows',
  scopes: ['automation:workflows:write'],
  summary: 'Create a workflow',
  requestBody: 'JSON object with title, tasks (each with name, action and input) and optionally description',
  body: storableJson(workflowBody),
  exampleBody: {
    title: 'Nightly purchase export',
    tasks: [
      { name: 'export', action: 'storage.query', input: { query: 'fetch bizevents | filter event.type == "purchase" | limit 1000' } },
      { name: 'mail', action: 'email.send', input: { to: 'finance@example.com', subject: 'Purchases', body: '{{ tasks.export.records }}' } },
    ],
  },
  responses: { 201: { description: 'The new workflow.', schema: workflowSchema } },
  async handle({ body }, ctx) {
    return created(await createWorkflow(ctx, body));
  },
});

const idParams = z.object({ id: z.uuid('must be a workflow ID (a UUID)') });

export const runWorkflowEndpoint = defineEndpoint({
  id: 'automation.workflows.run',
  service: 'automation',
  method: 'POST',
  path: '/automation/v1/workflows/{id}/run',
  scopes: ['automation:workflows:run'],
  summary: 'Run a workflow',
  description: 'Each task also needs the scopes of the endpoint its action calls, as a direct call would.',
  requestBody: 'JSON object, optionally with input (send {} to run without)',
  params: idParams,
  body: storableJson(z.object({ input: z.record(z.string(), z.unknown(), { error: 'must be a JSON object' }).default({}) })),
  exampleBody: { input: {} },
  responses: { 201: { description: 'The execution, with every task’s result.', schema: executionSchema } },
  async handle({ params, body }, ctx) {
    return created(await runWorkflow(ctx, params.id, body.input));
  },
});

export const getExecution = defineEndpoint({
  id: 'automation.executions.get',
  service: 'automation',
  method: 'GET',
  path: '/automation/v1/executions/{id}',
  scopes: ['automation:workflows:read'],
  readsFrom: ['storage:buckets:read', ...Object.values(STORAGE_TABLE_READ_SCOPES)],
  summary: 'Get a workflow execution',
  description: "An execution holds its tasks' results: one with the records of a storage query also needs storage:buckets:read and the read scope of the queried table: storage:events:read, storage:bizevents:read or storage:logs:read.",
  params: z.object({ id: z.uuid('must be an execution ID (a UUID)') }),
  responses: { 200: { description: 'The execution, with every task’s result.', schema: executionSchema } },
  async handle({ params }, ctx) {
    const [row] = await ctx.db
      .select()
      .from(workflowExecutions)
      .where(and(eq(workflowExecutions.id, params.id), eq(workflowExecutions.environmentId, ctx.environmentId), ownerMatch(ctx.owner)));
    if (!row) throw notFound(`No execution with ID '${params.id}' in this environment that this token's owner ran.`);
    authorizeResults(ctx, row.tasks);
    return ok(executionView(row));
  },
});

export const automationEndpoints = [listWorkflows, createWorkflowEndpoint, runWorkflowEndpoint, getExecution];
