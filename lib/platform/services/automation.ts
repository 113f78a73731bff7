import { performance } from 'node:perf_hooks';
import { and, asc, count, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { workflowExecutions, workflows } from '@/lib/db/schema';
import type { Principal } from '@/lib/iam/effective-permissions';
import { AppError } from '@/lib/errors';
import { created, defineEndpoint, noContent, ok, type PlatformContext } from '../endpoint';
import { badRequest, forbidden, notFound, PlatformError } from '../errors';
import { maxBodyBytes } from '../input';
import { executionEndpoints, executionSchema, executionView, type TaskResult } from './automation-executions';
import { checkInternalInput, invokeEndpoint } from './automation-invoke';
import { ACTION_NAMES, hasReferences, references, resolveReferences, TASK_ACTIONS, taskName, TaskReferenceError } from './automation-tasks';
import { ADMIN_ACCESS } from './automation-executions';
import { notTakenParams, offsetPageQuery } from './pagination';
import { ownerColumns } from './principal';
import { storableJson, storableString } from './storage-json';
import { queryParameters } from '../query-parameters';

// The automation service: workflows are lists of tasks that call the platform's own services
// (automation-tasks.ts). "Run" executes the tasks in order with the permissions of the token
// that runs it — each task makes the checks a direct call would — and records an execution with
// every task's result. An execution can hold data read with the runner's permissions, so only
// the identity that ran it can read it back.

const MAX_TASKS = 20;
/** A task result larger than this (as JSON) is not kept; the task reports it instead. */
const MAX_TASK_RESULT_CHARS = 5_000_000;

const TASK_KEYS = ['name', 'action', 'description', 'input', 'predecessors', 'position', 'active'];
const NOT_RUN_HERE = 'tasks here run once each, in order, without conditions, loops, retries, waits or timeouts';

const taskFields = {
  action: z.enum(ACTION_NAMES, { error: `must be one of ${ACTION_NAMES.join(', ')}` }),
  description: storableString(z.string({ error: 'must be a string' }).max(2000, 'must be at most 2000 characters')).nullish(),
  input: z.preprocess((v) => v ?? {}, z.record(z.string(), z.unknown(), { error: 'must be a JSON object' })),
  predecessors: z.array(taskName, { error: 'must be an array of task names' }).max(MAX_TASKS, `can name at most ${MAX_TASKS} tasks`).nullish(),
  position: z.object({ x: z.number({ error: 'must be a number' }), y: z.number({ error: 'must be a number' }) }, { error: 'must be an object { x, y }' }).nullish(),
  active: z.literal(true, { error: 'must be true: every task of a workflow runs here' }).optional(),
};
const taskOptions = {
  error: (issue: { code?: string; keys?: string[] }) =>
    issue.code === 'unrecognized_keys' ? `has ${issue.keys?.map((k) => `'${k}'`).join(', ')}, which this portal does not take (${NOT_RUN_HERE}); a task takes ${TASK_KEYS.join(', ')}` : undefined,
};
/** A task in a list, each naming itself (this portal's first form). */
const listedTask = z.strictObject({ name: taskName, ...taskFields }, taskOptions);
/** A task in an object by name (the original platform's form); a name inside, if any, is the key. */
const namedTask = z.strictObject({ name: taskName.nullish(), ...taskFields }, taskOptions);

/** A task as a workflow keeps it (in order: the tasks run one after another). */
export interface WorkflowTask {
  name: string;
  action: string;
  input: Record<string, unknown>;
  description?: string;
  predecessors?: string[];
  position?: { x: number; y: number };
}

const storedTask = (name: string, t: z.output<typeof namedTask>): WorkflowTask => ({
  name,
  action: t.action,
  input: t.input,
  ...(t.description ? { description: t.description } : {}),
  ...(t.predecessors ? { predecessors: t.predecessors } : {}),
  ...(t.position ? { position: t.position } : {}),
});

type Issues = { path: (string | number)[]; message: string }[];

/** The tasks in the order they run, and where each was in the request body (`tasks.0`, `tasks.export`). */
interface ReadTasks {
  list: WorkflowTask[];
  fields: string[];
}

/** The tasks in the order they run, from a list of tasks or an object of tasks by name, with the problems found. */
function readTasks(value: unknown): { tasks: ReadTasks; issues: Issues } {
  const tasks: ReadTasks = { list: [], fields: [] };
  const issues: Issues = [];
  const entries: [string | number, string | undefined, unknown][] = Array.isArray(value)
    ? value.map((t, i) => [i, undefined, t])
    : value !== null && typeof value === 'object'
      ? Object.entries(value).map(([k, t]) => [k, k, t])
      : [];
  if (!Array.isArray(value) && (value === null || typeof value !== 'object')) {
    return { tasks, issues: [{ path: [], message: 'must be an object of tasks by name (or an array of tasks)' }] };
  }
  if (entries.length > MAX_TASKS) return { tasks, issues: [{ path: [], message: `can have at most ${MAX_TASKS} tasks` }] };
  const seen = new Set<string>();
  for (const [at, key, raw] of entries) {
    if (key !== undefined) {
      const name = taskName.safeParse(key);
      if (!name.success) {
        issues.push({ path: [at], message: `is not a task name: ${name.error.issues[0]?.message}` });
        continue;
      }
    }
    const parsed = (key === undefined ? listedTask : namedTask).safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) issues.push({ path: [at, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))], message: issue.message });
      continue;
    }
    const name = key ?? parsed.data.name!;
    if (key !== undefined && parsed.data.name && parsed.data.name !== key) issues.push({ path: [at, 'name'], message: `must be the task's key '${key}'` });
    if (seen.has(name)) issues.push({ path: [at, 'name'], message: `repeats the task name '${name}'` });
    for (const ref of references(parsed.data.input)) {
      const [root, earlier] = ref.split('.');
      const known = root === 'input' || (root === 'tasks' && earlier !== undefined && seen.has(earlier));
      if (!known) issues.push({ path: [at, 'input'], message: `refers to '${ref}', which is neither input.… nor the result of an earlier task` });
    }
    for (const predecessor of parsed.data.predecessors ?? []) {
      if (!seen.has(predecessor)) issues.push({ path: [at, 'predecessors'], message: `names '${predecessor}', which is not an earlier task (tasks run in the order given)` });
    }
    seen.add(name);
    tasks.list.push(storedTask(name, parsed.data));
    tasks.fields.push(`tasks.${at}`);
  }
  return { tasks, issues };
}

const tasksField = z
  .unknown()
  .optional()
  .transform((value, ctx): ReadTasks => {
    const { tasks, issues } = readTasks(value ?? {});
    for (const issue of issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    return tasks;
  })
  .meta({
    description:
      'The tasks, in the order they run: an object of tasks by name, { "<name>": { action, input, description?, predecessors? } }, as the original platform takes them, or an array of tasks each with its name.',
  });

/** A schedule or event trigger would have the workflow run by itself, which this portal does not do. */
const triggerField = z
  .unknown()
  .optional()
  .superRefine((trigger, ctx) => {
    if (trigger === undefined || trigger === null) return;
    const t = trigger as Record<string, unknown>;
    const empty = typeof trigger === 'object' && !Array.isArray(trigger) && Object.values(t).every((v) => v === null || v === undefined);
    if (!empty) ctx.addIssue({ code: 'custom', message: 'is not supported here: a workflow runs when a script runs it (runWorkflow); schedules and event triggers are not kept' });
  });

const title = storableString(z.string({ error: 'is required and must be a string' }).trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'));
const description = storableString(z.string({ error: 'must be a string' }).max(2000, 'must be at most 2000 characters'));
const workflowType = z.literal('STANDARD', { error: "must be 'STANDARD': workflows here keep their executions" }).optional();

export const workflowBody = z.object({
  title,
  description: description.default(''),
  tasks: tasksField,
  trigger: triggerField,
  type: workflowType,
});

/** A change of a workflow: the fields given replace the workflow's, the others stay. */
const workflowChange = z.object({
  title: title.optional(),
  description: description.optional(),
  tasks: tasksField.optional(),
  trigger: triggerField,
  type: workflowType,
});

const workflowColumns = {
  id: workflows.id,
  title: workflows.title,
  description: workflows.description,
  tasks: workflows.tasks,
  version: workflows.version,
  ownerUserId: workflows.ownerUserId,
  ownerServiceUserId: workflows.ownerServiceUserId,
  createdAt: workflows.createdAt,
  updatedAt: workflows.updatedAt,
};

interface WorkflowRow {
  id: string;
  title: string;
  description: string;
  tasks: unknown[];
  version: number;
  ownerUserId: string | null;
  ownerServiceUserId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The workflow in the original platform's shape; only its owner changes it, so it is also who last did. */
function workflowView(row: WorkflowRow) {
  const owner = row.ownerUserId ?? row.ownerServiceUserId;
  // Stored as read by readTasks, in the order they run.
  const tasks = row.tasks as WorkflowTask[];
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    tasks: Object.fromEntries(tasks.map((t) => [t.name, { ...t, predecessors: t.predecessors ?? [] }])),
    isDeployed: true as const,
    type: 'STANDARD' as const,
    triggerType: 'Manual' as const,
    trigger: {},
    ...(owner ? { owner } : {}),
    ownerType: 'USER' as const,
    actor: null,
    isPrivate: false as const,
    // Executions are visible only to who ran them; getExecutions lists the caller's own.
    lastExecution: null,
    modificationInfo: {
      createdBy: owner,
      createdTime: row.createdAt.toISOString(),
      lastModifiedBy: owner,
      lastModifiedTime: row.updatedAt.toISOString(),
    },
    workflowLimit: { isActive: false as const },
    throttle: { isLimitHit: false as const, limitEvents: [] as never[] },
    version: row.version,
    input: {},
  };
}

function selectWorkflows(ctx: PlatformContext) {
  return ctx.db.select(workflowColumns).from(workflows);
}

async function findWorkflow(ctx: PlatformContext, id: string) {
  const [row] = await selectWorkflows(ctx).where(and(eq(workflows.id, id), eq(workflows.environmentId, ctx.environmentId)));
  if (!row) throw notFound(`No workflow with ID '${id}' in this environment.`);
  return row;
}

function workflowOwnerMatch(owner: Principal) {
  return owner.kind === 'user' ? eq(workflows.ownerUserId, owner.userId) : eq(workflows.ownerServiceUserId, owner.serviceUserId);
}

/** The workflow, if the caller's owner owns it: a workflow runs with its runners' permissions, so only its owner changes what it does. */
async function findOwnWorkflow(ctx: PlatformContext, id: string) {
  const row = await findWorkflow(ctx, id);
  const mine = ctx.owner.kind === 'user' ? row.ownerUserId === ctx.owner.userId : row.ownerServiceUserId === ctx.owner.serviceUserId;
  if (!mine) throw forbidden(`The workflow '${id}' belongs to another identity: only its owner can change or delete it.`);
  return row;
}

/** A task's input checked against its action's endpoint, unless it refers to results still to come. */
async function checkTasks(tasks: ReadTasks): Promise<void> {
  for (const [i, task] of tasks.list.entries()) {
    if (hasReferences(task.input)) continue;
    const action = TASK_ACTIONS[task.action]!;
    try {
      await checkInternalInput(action.endpoint, action.toRequest(task.input));
    } catch (error) {
      if (error instanceof PlatformError) throw badRequest(`Invalid request body field '${tasks.fields[i]}.input': ${error.message}`);
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
      tasks: body.tasks.list,
      ...ownerColumns(ctx.owner),
      createdAt: ctx.now,
      updatedAt: ctx.now,
    })
    .returning(workflowColumns);
  return workflowView(row!);
}

async function updateWorkflow(ctx: PlatformContext, id: string, change: z.output<typeof workflowChange>) {
  await findOwnWorkflow(ctx, id);
  if (change.tasks) await checkTasks(change.tasks);
  const [row] = await ctx.db
    .update(workflows)
    .set({
      ...(change.title !== undefined ? { title: change.title } : {}),
      ...(change.description !== undefined ? { description: change.description } : {}),
      ...(change.tasks ? { tasks: change.tasks.list } : {}),
      version: sql`${workflows.version} + 1`,
      updatedAt: ctx.now,
    })
    .where(and(eq(workflows.id, id), eq(workflows.environmentId, ctx.environmentId), workflowOwnerMatch(ctx.owner)))
    .returning(workflowColumns);
  // Deleted meanwhile.
  if (!row) throw notFound(`No workflow with ID '${id}' in this environment.`);
  return workflowView(row);
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
    const input = resolveReferences(task.input, scope, { task: task.name, maxBytes: maxBodyBytes(action.endpoint) }) as Record<string, unknown>;
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

export async function runWorkflow(ctx: PlatformContext, workflowId: string, input: Record<string, unknown>) {
  const workflow = await findWorkflow(ctx, workflowId);
  // Stored as read by readTasks.
  const tasks = workflow.tasks as WorkflowTask[];
  const started = performance.now();
  const results: TaskResult[] = [];
  // Without a prototype, a task named like one of its properties (`__proto__`) is a key like any other.
  const done: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
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
  return executionView(row!, workflow.title);
}

const workflowSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    description: z.string(),
    tasks: z.record(
      z.string(),
      z.object({
        name: z.string(),
        action: z.string(),
        input: z.record(z.string(), z.unknown()),
        description: z.string().optional(),
        predecessors: z.array(z.string()),
        position: z.object({ x: z.number(), y: z.number() }).optional(),
      }),
    ),
    isDeployed: z.literal(true),
    type: z.literal('STANDARD'),
    triggerType: z.literal('Manual'),
    trigger: z.object({}),
    owner: z.uuid().optional().meta({ description: 'The ID of the user or service user that owns it; absent when that identity no longer exists.' }),
    ownerType: z.literal('USER'),
    actor: z.null(),
    isPrivate: z.literal(false),
    lastExecution: z.null(),
    modificationInfo: z.object({
      createdBy: z.uuid().nullable(),
      createdTime: z.iso.datetime(),
      lastModifiedBy: z.uuid().nullable(),
      lastModifiedTime: z.iso.datetime(),
    }),
    workflowLimit: z.object({ isActive: z.literal(false) }),
    throttle: z.object({ isLimitHit: z.literal(false), limitEvents: z.array(z.never()) }),
    version: z.int().min(1),
    input: z.object({}),
  })
  .meta({ id: 'Workflow' });

const workflowId = z.object({ id: z.uuid('must be a workflow ID (a UUID)') });
const WORKFLOW_BODY_FIELDS = 'title, tasks (an object of tasks by name, each with action and input, or an array of tasks with their names) and optionally description';

export const listWorkflows = defineEndpoint({
  id: 'automation.workflows.list',
  service: 'automation',
  method: 'GET',
  path: '/automation/v1/workflows',
  scopes: ['automation:workflows:read'],
  summary: 'List workflows',
  description: 'The workflows of the environment, oldest first: `limit` of them from position `offset`, and how many there are in all.',
  query: queryParameters(
    {
      ...offsetPageQuery,
      adminAccess: ADMIN_ACCESS,
      ...notTakenParams(
        ['id', 'isDeployed', 'lastExecution__state__in', 'modificationInfo__lastModifiedBy', 'ordering', 'owner', 'ownerType', 'search', 'throttle__isLimitHit', 'triggerType', 'trigger__schedule__isFaulty', 'type', 'unacknowledgedSkippedScheduleAt__gte', 'unacknowledgedSkippedScheduleAt__lte'],
        'this list is filtered by nothing; it pages with limit and offset',
      ),
    },
    { takes: ['limit', 'offset'] },
  ),
  responses: { 200: { description: 'A page of the workflows of the environment.', schema: z.object({ count: z.int().min(0), results: z.array(workflowSchema) }) } },
  async handle({ query }, ctx) {
    const where = eq(workflows.environmentId, ctx.environmentId);
    const [rows, [total]] = await Promise.all([
      selectWorkflows(ctx).where(where).orderBy(asc(workflows.createdAt), asc(workflows.id)).limit(query.limit).offset(query.offset),
      ctx.db.select({ n: count() }).from(workflows).where(where),
    ]);
    return ok({ count: total?.n ?? 0, results: rows.map(workflowView) });
  },
});

export const getWorkflowEndpoint = defineEndpoint({
  id: 'automation.workflows.get',
  service: 'automation',
  method: 'GET',
  path: '/automation/v1/workflows/{id}',
  scopes: ['automation:workflows:read'],
  summary: 'Get a workflow',
  params: workflowId,
  responses: { 200: { description: 'The workflow.', schema: workflowSchema } },
  async handle({ params }, ctx) {
    return ok(workflowView(await findWorkflow(ctx, params.id)));
  },
});

export const createWorkflowEndpoint = defineEndpoint({
  id: 'automation.workflows.create',
  service: 'automation',
  method: 'POST',
  path: '/automation/v1/workflows',
  scopes: ['automation:workflows:write'],
  summary: 'Create a workflow',
  requestBody: `JSON object with ${WORKFLOW_BODY_FIELDS}`,
  body: storableJson(workflowBody),
  exampleBody: {
    title: 'Nightly purchase export',
    tasks: {
      export: { action: 'storage.query', input: { query: 'fetch bizevents | filter event.type == "purchase" | limit 1000' } },
      mail: { action: 'email.send', input: { to: 'finance@example.com', subject: 'Purchases', body: '{{ tasks.export.records }}' }, predecessors: ['export'] },
    },
  },
  responses: { 201: { description: 'The new workflow.', schema: workflowSchema } },
  async handle({ body }, ctx) {
    return created(await createWorkflow(ctx, body));
  },
});

export const updateWorkflowEndpoint = defineEndpoint({
  id: 'automation.workflows.update',
  service: 'automation',
  method: 'PUT',
  path: '/automation/v1/workflows/{id}',
  scopes: ['automation:workflows:write'],
  summary: 'Change a workflow',
  description: "Only the workflow's owner changes it. The fields given replace the workflow's; the others stay.",
  requestBody: `JSON object with any of ${WORKFLOW_BODY_FIELDS}`,
  params: workflowId,
  body: storableJson(workflowChange),
  exampleBody: { title: 'Nightly purchase export (EUR)' },
  responses: { 200: { description: 'The workflow as changed, its version one more.', schema: workflowSchema } },
  async handle({ params, body }, ctx) {
    return ok(await updateWorkflow(ctx, params.id, body));
  },
});

export const deleteWorkflowEndpoint = defineEndpoint({
  id: 'automation.workflows.delete',
  service: 'automation',
  method: 'DELETE',
  path: '/automation/v1/workflows/{id}',
  scopes: ['automation:workflows:write'],
  summary: 'Delete a workflow',
  description: "Only the workflow's owner deletes it; its executions go with it.",
  params: workflowId,
  responses: { 204: { description: 'Deleted, with its executions.' } },
  async handle({ params }, ctx) {
    await findOwnWorkflow(ctx, params.id);
    const deleted = await ctx.db
      .delete(workflows)
      .where(and(eq(workflows.id, params.id), eq(workflows.environmentId, ctx.environmentId), workflowOwnerMatch(ctx.owner)))
      .returning({ id: workflows.id });
    if (deleted.length === 0) throw notFound(`No workflow with ID '${params.id}' in this environment.`);
    return noContent();
  },
});

export const runWorkflowEndpoint = defineEndpoint({
  id: 'automation.workflows.run',
  service: 'automation',
  method: 'POST',
  path: '/automation/v1/workflows/{id}/run',
  scopes: ['automation:workflows:run'],
  summary: 'Run a workflow',
  description: 'Each task also needs the scopes of the endpoint its action calls, as a direct call would. The execution has ended when this answers.',
  requestBody: 'JSON object, optionally with input (send {} to run without)',
  params: workflowId,
  body: storableJson(
    z.object({
      input: z.record(z.string(), z.unknown(), { error: 'must be a JSON object' }).default({}),
      // The original's execution parameters and de-duplication: refused rather than ignored.
      params: z
        .record(z.string(), z.unknown(), { error: 'must be a JSON object' })
        .optional()
        .refine((p) => !p || Object.keys(p).length === 0, 'is not supported here: tasks take the run’s input as {{ input.<name> }}'),
      uniqueQualifier: z.null({ error: 'is not supported here: every run makes an execution' }).optional(),
    }),
  ),
  exampleBody: { input: {} },
  responses: { 201: { description: 'The execution, with every task’s result.', schema: executionSchema } },
  async handle({ params, body }, ctx) {
    return created(await runWorkflow(ctx, params.id, body.input));
  },
});

export const automationEndpoints = [
  listWorkflows,
  getWorkflowEndpoint,
  createWorkflowEndpoint,
  updateWorkflowEndpoint,
  deleteWorkflowEndpoint,
  runWorkflowEndpoint,
  ...executionEndpoints,
];
