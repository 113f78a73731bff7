import { and, count, desc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { workflowExecutions, workflows } from '@/lib/db/schema';
import type { Principal } from '@/lib/iam/effective-permissions';
import { STORAGE_TABLE_READ_SCOPES } from '../catalogue';
import { defineEndpoint, ok, type PlatformContext } from '../endpoint';
import { forbidden, notFound, PlatformError } from '../errors';
import { TASK_ACTIONS, taskName } from './automation-tasks';
import { notTakenParams, offsetPageQuery } from './pagination';
import { queryParameters } from '../query-parameters';

// Executions of workflows, in the original platform's shapes (the SDK's ExecutionsClient): an
// execution, its tasks' executions by name, and a task's result. An execution can hold data read
// with the runner's permissions, so only the identity that ran it reads it back, and reading a
// task's result needs what reading that data directly needs.

/** A task's outcome as runWorkflow stores it (lower-case states, kept as stored since the first release). */
export interface TaskResult {
  name: string;
  action: string;
  state: 'success' | 'error' | 'skipped';
  result?: unknown;
  error?: { status: number; message: string };
  durationMs?: number;
}

type ExecutionRow = typeof workflowExecutions.$inferSelect;

const STATE = { success: 'SUCCESS', error: 'ERROR', skipped: 'SKIPPED' } as const;

function ownerId(row: { ownerUserId: string | null; ownerServiceUserId: string | null }): string {
  return row.ownerUserId ?? row.ownerServiceUserId ?? '';
}

function storedTasks(row: ExecutionRow): TaskResult[] {
  // Stored by runWorkflow: a TaskResult per task, in the order they ran.
  return row.tasks as TaskResult[];
}

/** The execution in the original's shape, as lists show it. */
function executionSummary(row: ExecutionRow, title: string) {
  const failed = storedTasks(row).find((t) => t.state === 'error');
  const runner = ownerId(row);
  return {
    id: row.id,
    workflow: row.workflowId,
    title,
    state: STATE[row.state],
    stateInfo: failed ? `Task '${failed.name}' failed: ${failed.error?.message ?? 'unknown error'}` : null,
    // Stored by runWorkflow: its input object.
    input: row.input as Record<string, unknown>,
    params: {},
    startedAt: row.startedAt.toISOString(),
    endedAt: row.endedAt.toISOString(),
    runtime: Math.round((row.endedAt.getTime() - row.startedAt.getTime()) / 1000),
    trigger: null,
    schedule: null,
    eventTrigger: null,
    user: runner,
    actor: runner,
    triggerType: 'Manual' as const,
    workflowVersion: null,
    workflowType: 'STANDARD' as const,
    parentExecution: null,
    parentTaskName: null,
    rootExecution: null,
    isDraft: false as const,
    tokenId: row.tokenId,
  };
}

/** The execution with every task's result in the order they ran (`tasks`, this portal's own field). */
export function executionView(row: ExecutionRow, title: string) {
  return { ...executionSummary(row, title), tasks: storedTasks(row).map((t) => ({ ...t, state: STATE[t.state] })) };
}

/** Each task's execution by name, as the original's task executions: started one after another. */
function taskExecutionsView(row: ExecutionRow) {
  let clock = row.startedAt.getTime();
  return Object.fromEntries(
    storedTasks(row).map((task, i) => {
      const ran = task.state !== 'skipped';
      const startedAt = ran ? new Date(clock).toISOString() : null;
      if (ran) clock += task.durationMs ?? 0;
      const view = {
        id: task.name,
        execution: row.id,
        name: task.name,
        action: task.action,
        state: STATE[task.state],
        stateInfo: task.error?.message ?? null,
        startedAt,
        endedAt: ran ? new Date(clock).toISOString() : null,
        runtime: Math.round((task.durationMs ?? 0) / 1000),
        position: { x: 0, y: i },
        conditions: {},
        predecessors: i > 0 ? [storedTasks(row)[i - 1]!.name] : [],
        active: true as const,
        result: task.state === 'success' ? task.result : null,
      };
      return [task.name, view];
    }),
  );
}

/**
 * Reading a stored result back, possibly with another token of the same owner, needs what
 * reading that data directly needs.
 */
function authorizeResults(ctx: PlatformContext, tasks: readonly TaskResult[]): void {
  for (const task of tasks) {
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

const executionColumns = { execution: workflowExecutions, title: workflows.title };

/** The execution, if the caller's owner ran it in this environment; 404 otherwise. */
async function findOwnExecution(ctx: PlatformContext, id: string) {
  const [row] = await ctx.db
    .select(executionColumns)
    .from(workflowExecutions)
    .innerJoin(workflows, eq(workflows.id, workflowExecutions.workflowId))
    .where(and(eq(workflowExecutions.id, id), eq(workflowExecutions.environmentId, ctx.environmentId), ownerMatch(ctx.owner)));
  if (!row) throw notFound(`No execution with ID '${id}' in this environment that this token's owner ran.`);
  return row;
}

const taskResultSchema = z.object({
  name: z.string(),
  action: z.string(),
  state: z.enum(['SUCCESS', 'ERROR', 'SKIPPED']),
  result: z.unknown().optional(),
  error: z.object({ status: z.int(), message: z.string() }).optional(),
  durationMs: z.number().min(0).optional(),
});

const executionFields = {
  id: z.uuid(),
  workflow: z.uuid(),
  title: z.string(),
  state: z.enum(['SUCCESS', 'ERROR']),
  stateInfo: z.string().nullable(),
  input: z.record(z.string(), z.unknown()),
  params: z.object({}),
  startedAt: z.iso.datetime(),
  endedAt: z.iso.datetime(),
  runtime: z.int().min(0),
  trigger: z.null(),
  schedule: z.null(),
  eventTrigger: z.null(),
  user: z.string(),
  actor: z.string(),
  triggerType: z.literal('Manual'),
  workflowVersion: z.null(),
  workflowType: z.literal('STANDARD'),
  parentExecution: z.null(),
  parentTaskName: z.null(),
  rootExecution: z.null(),
  isDraft: z.literal(false),
  tokenId: z.string().meta({ description: 'The ID of the token that ran it.' }),
};

export const executionSchema = z
  .object({ ...executionFields, tasks: z.array(taskResultSchema).meta({ description: "Every task's result, in the order they ran." }) })
  .meta({ id: 'Execution' });
const executionListItem = z.object(executionFields).meta({ id: 'ExecutionSummary' });

const taskExecutionSchema = z
  .object({
    id: z.string(),
    execution: z.uuid(),
    name: z.string(),
    action: z.string(),
    state: z.enum(['SUCCESS', 'ERROR', 'SKIPPED']),
    stateInfo: z.string().nullable(),
    startedAt: z.iso.datetime().nullable(),
    endedAt: z.iso.datetime().nullable(),
    runtime: z.int().min(0),
    position: z.object({ x: z.number(), y: z.number() }),
    conditions: z.object({}),
    predecessors: z.array(z.string()),
    active: z.literal(true),
    result: z.unknown(),
  })
  .meta({ id: 'TaskExecution' });

const READS_FROM = ['storage:buckets:read', ...Object.values(STORAGE_TABLE_READ_SCOPES)] as const;
const READS_DESCRIPTION =
  "An execution holds its tasks' results: one with the records of a storage query also needs storage:buckets:read and the read scope of the queried table: storage:events:read, storage:bizevents:read or storage:logs:read.";
const executionId = z.uuid('must be an execution ID (a UUID)');

export const getExecution = defineEndpoint({
  id: 'automation.executions.get',
  service: 'automation',
  method: 'GET',
  path: '/automation/v1/executions/{id}',
  scopes: ['automation:workflows:read'],
  readsFrom: READS_FROM,
  summary: 'Get a workflow execution',
  description: READS_DESCRIPTION,
  params: z.object({ id: executionId }),
  responses: { 200: { description: 'The execution, with every task’s result.', schema: executionSchema } },
  async handle({ params }, ctx) {
    const { execution, title } = await findOwnExecution(ctx, params.id);
    authorizeResults(ctx, storedTasks(execution));
    return ok(executionView(execution, title));
  },
});

/** A query parameter of several values, separated by commas, as the SDK sends them. */
function commaList<T>(item: z.ZodType<T, string>) {
  return z
    .string()
    .max(10_000, 'is too long')
    .transform((text) => text.split(',').map((part) => part.trim()))
    .pipe(z.array(item).max(100, 'can name at most 100 values'))
    .optional();
}

/** The original's `adminAccess`: every identity's workflows and executions. Here nobody reads another's executions. */
export const ADMIN_ACCESS = z
  .enum(['false'], { error: "is not supported here: only 'false'; an execution is read only by the identity that ran it, a workflow changed only by its owner" })
  .optional();

export const listExecutions = defineEndpoint({
  id: 'automation.executions.list',
  service: 'automation',
  method: 'GET',
  path: '/automation/v1/executions',
  scopes: ['automation:workflows:read'],
  summary: 'List workflow executions',
  description: "The executions this token's owner ran in the environment, newest first, without their tasks' results (getExecution has them).",
  query: queryParameters(
    {
      ...offsetPageQuery,
      adminAccess: ADMIN_ACCESS,
      ...notTakenParams(
        ['ordering', 'parentExecution', 'parentWorkflow', 'schedule', 'search', 'startedAt__gte', 'startedAt__lte', 'subworkflowOfTask', 'trigger', 'triggerType', 'user'],
        'executions are filtered here by workflow and state only, newest first',
      ),
      workflow: commaList(z.uuid('must be workflow IDs (UUIDs), separated by commas')),
      state: commaList(z.enum(['SUCCESS', 'ERROR', 'CANCELLED', 'PAUSED', 'RUNNING', 'UNKNOWN'], { error: 'must be execution states (SUCCESS, ERROR, …), separated by commas' })),
    },
    { takes: ['limit', 'offset', 'workflow', 'state'] },
  ),
  responses: { 200: { description: 'A page of executions and how many there are in all.', schema: z.object({ count: z.int().min(0), results: z.array(executionListItem) }) } },
  async handle({ query }, ctx) {
    const states = query.state?.flatMap((s) => (s === 'SUCCESS' ? ['success' as const] : s === 'ERROR' ? ['error' as const] : []));
    const where = and(
      eq(workflowExecutions.environmentId, ctx.environmentId),
      ownerMatch(ctx.owner),
      query.workflow ? inArray(workflowExecutions.workflowId, query.workflow) : undefined,
      states ? inArray(workflowExecutions.state, states) : undefined,
    );
    if (states?.length === 0) return ok({ count: 0, results: [] });
    const [rows, [total]] = await Promise.all([
      ctx.db
        .select(executionColumns)
        .from(workflowExecutions)
        .innerJoin(workflows, eq(workflows.id, workflowExecutions.workflowId))
        .where(where)
        .orderBy(desc(workflowExecutions.startedAt), desc(workflowExecutions.id))
        .limit(query.limit)
        .offset(query.offset),
      ctx.db.select({ n: count() }).from(workflowExecutions).where(where),
    ]);
    return ok({ count: total?.n ?? 0, results: rows.map((r) => executionSummary(r.execution, r.title)) });
  },
});

export const getTaskExecutions = defineEndpoint({
  id: 'automation.executions.tasks.list',
  service: 'automation',
  method: 'GET',
  path: '/automation/v1/executions/{executionId}/tasks',
  scopes: ['automation:workflows:read'],
  readsFrom: READS_FROM,
  summary: "Get an execution's task executions",
  description: READS_DESCRIPTION,
  params: z.object({ executionId }),
  responses: { 200: { description: 'Each task’s execution, by task name, in the order they ran.', schema: z.record(z.string(), taskExecutionSchema) } },
  async handle({ params }, ctx) {
    const { execution } = await findOwnExecution(ctx, params.executionId);
    authorizeResults(ctx, storedTasks(execution));
    return ok(taskExecutionsView(execution));
  },
});

const taskParams = z.object({ executionId, id: taskName });

async function findTaskExecution(ctx: PlatformContext, executionId: string, name: string) {
  const { execution } = await findOwnExecution(ctx, executionId);
  const task = storedTasks(execution).find((t) => t.name === name);
  if (!task) throw notFound(`No task '${name}' in the execution '${executionId}'.`);
  // Every task's, as for the whole execution: a task's result may echo what an earlier one read
  // (an email's body made of a query's records, a state value set to them).
  authorizeResults(ctx, storedTasks(execution));
  return taskExecutionsView(execution)[name]!;
}

export const getTaskExecution = defineEndpoint({
  id: 'automation.executions.tasks.get',
  service: 'automation',
  method: 'GET',
  path: '/automation/v1/executions/{executionId}/tasks/{id}',
  scopes: ['automation:workflows:read'],
  readsFrom: READS_FROM,
  summary: "Get a task's execution",
  description: READS_DESCRIPTION,
  params: taskParams,
  responses: { 200: { description: 'The task’s execution, with its result.', schema: taskExecutionSchema } },
  async handle({ params }, ctx) {
    return ok(await findTaskExecution(ctx, params.executionId, params.id));
  },
});

export const getTaskExecutionResult = defineEndpoint({
  id: 'automation.executions.tasks.result',
  service: 'automation',
  method: 'GET',
  path: '/automation/v1/executions/{executionId}/tasks/{id}/result',
  scopes: ['automation:workflows:read'],
  readsFrom: READS_FROM,
  summary: "Get a task's result",
  description: `${READS_DESCRIPTION} A task that failed or was skipped has the result null.`,
  params: taskParams,
  responses: { 200: { description: 'What the task returned: a query’s { records, types, metadata }, a sent email, …', schema: z.unknown() } },
  async handle({ params }, ctx) {
    return ok((await findTaskExecution(ctx, params.executionId, params.id)).result);
  },
});

export const executionEndpoints = [listExecutions, getExecution, getTaskExecutions, getTaskExecution, getTaskExecutionResult];
