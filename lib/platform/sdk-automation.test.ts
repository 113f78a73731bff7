import { ErrorEnvelopeError, ExecutionsClient, WorkflowsClient } from '@dynatrace-sdk/client-automation';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { emailMessages, serviceUsers, users } from '@/lib/db/schema';
import { SDK_DOMAIN as DOMAIN, sdkClient as client, sdkRefusal as statusOf, startSdkPlatform } from './sdk-testing';
import { insertTestToken } from './testing';

// @dynatrace-sdk/client-automation's WorkflowsClient and ExecutionsClient, unchanged, against the
// portal (README, "Scripts written with the official platform SDK").

const platform = startSdkPlatform();

const AUTHOR = ['automation:workflows:read', 'automation:workflows:write', 'automation:workflows:run', 'storage:buckets:read', 'storage:logs:read', 'storage:logs:write'];
const RUNNER = ['automation:workflows:read', 'automation:workflows:run', 'storage:buckets:read', 'storage:logs:read', 'email:emails:send'];

async function clients(scopes: string[], owner?: { owner: string; creator: string }) {
  const { token } = await insertTestToken(platform.database.db, { scopes, environmentIds: ['acme-prod'], ...owner });
  const http = client(`http://acme-prod.${DOMAIN}:${platform.port}`, token);
  return { http, workflows: new WorkflowsClient(http), executions: new ExecutionsClient(http) };
}

const exporter = { owner: 'exporter@service.example.com', creator: 'admin@example.com' };

async function userId(email: string): Promise<string> {
  const [row] = await platform.database.db.select({ id: users.id }).from(users).where(eq(users.email, email));
  return row!.id;
}

async function serviceUserId(email: string): Promise<string> {
  const [row] = await platform.database.db.select({ id: serviceUsers.id }).from(serviceUsers).where(eq(serviceUsers.email, email));
  return row!.id;
}

describe('@dynatrace-sdk/client-automation WorkflowsClient', () => {
  it('creates, reads, lists with limit and offset, changes and deletes a workflow in the original shapes', async () => {
    const { workflows } = await clients(AUTHOR);
    const alice = await userId('alice@example.com');
    const made = await workflows.createWorkflow({
      body: {
        title: 'SDK errors',
        description: 'Errors of the night',
        tasks: {
          errors: { action: 'storage.query', input: { query: 'fetch logs | filter loglevel == "ERROR" | fields content' } },
          keep: { action: 'notification.send', input: { title: 'Errors', message: '{{ tasks.errors.records }}' }, predecessors: ['errors'] },
        },
        throttle: { isLimitHit: false },
      },
    });
    expect(made).toMatchObject({
      title: 'SDK errors',
      description: 'Errors of the night',
      isDeployed: true,
      triggerType: 'Manual',
      owner: alice,
      ownerType: 'USER',
      lastExecution: null,
      version: 1,
      modificationInfo: { createdBy: alice, lastModifiedBy: alice },
    });
    expect(Object.keys(made.tasks!)).toEqual(['errors', 'keep']);
    expect(made.tasks!.keep).toMatchObject({ name: 'keep', action: 'notification.send', predecessors: ['errors'] });
    // The SDK turns the times into Dates.
    expect(made.modificationInfo.createdTime).toBeInstanceOf(Date);

    const read = await workflows.getWorkflow({ id: made.id });
    expect(read.tasks).toEqual(made.tasks);

    const second = await workflows.createWorkflow({ body: { title: 'SDK second' } });
    const all = await workflows.getWorkflows();
    expect(all.count).toBeGreaterThanOrEqual(2);
    const ids = all.results.map((w) => w.id);
    expect(ids).toEqual(expect.arrayContaining([made.id, second.id]));
    const page = await workflows.getWorkflows({ limit: 1, offset: ids.indexOf(second.id) });
    expect(page).toMatchObject({ count: all.count, results: [{ id: second.id, title: 'SDK second' }] });

    const changed = await workflows.updateWorkflow({ id: made.id, body: { title: 'SDK errors, renamed' } });
    expect(changed).toMatchObject({ title: 'SDK errors, renamed', description: 'Errors of the night', version: 2 });
    expect(Object.keys(changed.tasks!)).toEqual(['errors', 'keep']);
    expect(changed.modificationInfo.lastModifiedTime.getTime()).toBeGreaterThanOrEqual(made.modificationInfo.lastModifiedTime.getTime());

    await expect(workflows.deleteWorkflow({ id: second.id })).resolves.toBeUndefined();
    const gone = workflows.getWorkflow({ id: second.id });
    await expect(gone).rejects.toBeInstanceOf(ErrorEnvelopeError);
    await expect(gone).rejects.toMatchObject({ name: '404', message: `No workflow with ID '${second.id}' in this environment.` });
  });

  it('refuses a bad body with the typed 400 carrying the portal’s message, naming the task, and stores nothing', async () => {
    const { workflows } = await clients(AUTHOR);
    const before = (await workflows.getWorkflows()).count;
    const badAction = workflows.createWorkflow({ body: { title: 'Bad', tasks: { export: { action: 'shell.exec', input: {} } } } });
    await expect(badAction).rejects.toBeInstanceOf(ErrorEnvelopeError);
    await expect(badAction).rejects.toMatchObject({
      name: '400',
      message: "Invalid request body field 'tasks.export.action': must be one of storage.query, state.set, email.send, notification.send",
    });
    await expect(workflows.createWorkflow({ body: { title: 'Bad', tasks: { export: { action: 'storage.query', input: { query: 'fetch logz' } } } } })).rejects.toMatchObject({
      name: '400',
      message: expect.stringContaining("Invalid request body field 'tasks.export.input': Invalid input field 'query': Query error at line 1, column 7") as unknown,
    });
    await expect(
      workflows.createWorkflow({ body: { title: 'Bad', tasks: { mail: { action: 'email.send', input: { to: 'a@example.com', subject: 's', body: 'b' }, predecessors: ['later'] } } } }),
    ).rejects.toMatchObject({ message: "Invalid request body field 'tasks.mail.predecessors': names 'later', which is not an earlier task (tasks run in the order given)" });
    await expect(workflows.createWorkflow({ body: { title: '   ' } })).rejects.toMatchObject({ name: '400', message: "Invalid request body field 'title': must not be empty" });
    expect((await workflows.getWorkflows()).count).toBe(before);
  });

  it('lets only the owner change or delete a workflow: another identity gets the typed 403', async () => {
    const { workflows } = await clients(AUTHOR);
    const made = await workflows.createWorkflow({ body: { title: 'Owned', tasks: { note: { action: 'notification.send', input: { title: 'hi' } } } } });
    const other = await clients(['automation:workflows:read', 'automation:workflows:write'], { owner: 'bob@example.com', creator: 'bob@example.com' });
    const message = `The workflow '${made.id}' belongs to another identity: only its owner can change or delete it.`;
    await expect(other.workflows.updateWorkflow({ id: made.id, body: { title: 'Taken over' } })).rejects.toMatchObject({ name: '403', message });
    await expect(other.workflows.deleteWorkflow({ id: made.id })).rejects.toMatchObject({ name: '403', message });
    expect((await workflows.getWorkflow({ id: made.id })).title).toBe('Owned');
  });
});

describe('@dynatrace-sdk/client-automation ExecutionsClient', () => {
  it('runs a workflow, then reads the execution, the list, the task executions and a task result', async () => {
    const { http, workflows } = await clients(AUTHOR);
    const runner = await clients(RUNNER, exporter);
    const run = `sdk-automation-${Date.now()}`;
    await http.send({ url: '/platform/storage/ingest/v1/logs', method: 'POST', body: [{ loglevel: 'ERROR', content: 'disk full', run }, { loglevel: 'INFO', content: 'ok', run }] });
    const workflow = await workflows.createWorkflow({
      body: {
        title: 'SDK export',
        tasks: {
          errors: { action: 'storage.query', input: { query: `fetch logs | filter run == "{{ input.run }}" and loglevel == "ERROR" | fields content` } },
          mail: { action: 'email.send', input: { to: 'oncall@example.com', subject: 'Errors {{ input.run }}', body: '{{ tasks.errors.records }}' }, predecessors: ['errors'] },
        },
      },
    });

    const execution = await runner.workflows.runWorkflow({ id: workflow.id, body: { input: { run } } });
    const exporterId = await serviceUserId('exporter@service.example.com');
    expect(execution).toMatchObject({ workflow: workflow.id, title: 'SDK export', state: 'SUCCESS', triggerType: 'Manual', workflowType: 'STANDARD', input: { run } });
    expect(execution.startedAt).toBeInstanceOf(Date);
    expect(execution.endedAt).toBeInstanceOf(Date);
    expect(execution.actor).toBe(exporterId);

    const read = await runner.executions.getExecution({ id: execution.id });
    expect(read).toMatchObject({ id: execution.id, state: 'SUCCESS', workflow: workflow.id });

    const listed = await runner.executions.getExecutions({ workflow: [workflow.id], limit: 10 });
    expect(listed).toMatchObject({ count: 1, results: [{ id: execution.id, state: 'SUCCESS' }] });
    expect((await runner.executions.getExecutions({ workflow: [workflow.id], state: ['ERROR'] })).count).toBe(0);
    // The author did not run it: executions are their runner's.
    expect((await new ExecutionsClient(http).getExecutions({ workflow: [workflow.id] })).count).toBe(0);

    const tasks = await runner.executions.getTaskExecutions({ executionId: execution.id });
    expect(Object.keys(tasks)).toEqual(['errors', 'mail']);
    expect(tasks.errors).toMatchObject({ name: 'errors', execution: execution.id, state: 'SUCCESS', action: 'storage.query' });
    expect(tasks.mail).toMatchObject({ state: 'SUCCESS', predecessors: ['errors'] });
    expect(tasks.mail!.startedAt).toBeInstanceOf(Date);
    const result = (await runner.executions.getTaskExecutionResult({ executionId: execution.id, id: 'errors' })) as { records: unknown[] };
    expect(result.records).toEqual([{ content: 'disk full' }]);
    expect((await runner.executions.getTaskExecution({ executionId: execution.id, id: 'mail' })).result).toMatchObject({ status: 'stored', subject: `Errors ${run}` });
    await expect(runner.executions.getTaskExecutionResult({ executionId: execution.id, id: 'nope' })).rejects.toMatchObject({
      name: '404',
      message: `No task 'nope' in the execution '${execution.id}'.`,
    });
  });

  it('a failed task makes the execution ERROR; the later tasks are SKIPPED with a null result', async () => {
    const { workflows } = await clients(AUTHOR);
    const workflow = await workflows.createWorkflow({
      body: {
        title: 'SDK failing',
        tasks: {
          mail: { action: 'email.send', input: { to: 'oncall@example.com', subject: 's', body: 'b' } },
          note: { action: 'notification.send', input: { title: 'after' } },
        },
      },
    });
    const { workflows: runnerWorkflows, executions } = await clients(['automation:workflows:read', 'automation:workflows:run', 'notification:self-notifications:write']);
    const execution = await runnerWorkflows.runWorkflow({ id: workflow.id, body: {} });
    expect(execution.state).toBe('ERROR');
    expect(execution.stateInfo).toContain("Task 'mail' failed: Missing scope 'email:emails:send'");
    const tasks = await executions.getTaskExecutions({ executionId: execution.id });
    expect(tasks.mail).toMatchObject({ state: 'ERROR', result: null });
    expect(tasks.note).toMatchObject({ state: 'SKIPPED', result: null, startedAt: null });
  });
});

describe("the seed's nightly export, written as the SDK's documentation shows it", () => {
  it('an author defines the workflow; the exporter runs it and mails the errors it queried', async () => {
    const author = await clients(AUTHOR);
    const nightly = await clients(RUNNER, exporter);
    const run = `sdk-nightly-${Date.now()}`;
    await author.http.send({
      url: '/platform/storage/ingest/v1/logs',
      method: 'POST',
      body: [
        { loglevel: 'ERROR', service: 'payments', content: 'timeout', run },
        { loglevel: 'ERROR', service: 'checkout', content: 'boom', run },
      ],
    });
    const workflow = await author.workflows.createWorkflow({
      body: {
        title: 'Nightly error export',
        tasks: {
          errors: { action: 'storage.query', input: { query: `fetch logs | filter run == "${run}" and loglevel == "ERROR" | sort service | fields service, content` } },
          mail: { action: 'email.send', input: { to: 'oncall@example.com', subject: `Nightly errors ${run}`, body: '{{ tasks.errors.records }}' }, predecessors: ['errors'] },
        },
      },
    });
    const { results } = await nightly.workflows.getWorkflows();
    const found = results.find((w) => w.title === 'Nightly error export' && w.id === workflow.id)!;
    const execution = await nightly.workflows.runWorkflow({ id: found.id, body: { input: {} } });
    expect(execution.state).toBe('SUCCESS');
    const errors = (await nightly.executions.getTaskExecutionResult({ executionId: execution.id, id: 'errors' })) as { records: unknown[] };
    expect(errors.records).toEqual([
      { service: 'checkout', content: 'boom' },
      { service: 'payments', content: 'timeout' },
    ]);
    const mail = (await nightly.executions.getTaskExecutionResult({ executionId: execution.id, id: 'mail' })) as { id: string };
    const [sent] = await platform.database.db.select({ body: emailMessages.body }).from(emailMessages).where(eq(emailMessages.id, mail.id));
    expect(JSON.parse(sent!.body)).toEqual(errors.records);
  });
});

describe('@dynatrace-sdk/client-automation calls this portal does not support (README, "Platform API")', () => {
  it('schedules and event triggers: a 400 saying a workflow runs when a script runs it', async () => {
    const { workflows } = await clients(AUTHOR);
    await expect(
      workflows.createWorkflow({ body: { title: 'Nightly', trigger: { schedule: { trigger: { type: 'cron', cron: '0 2 * * *' } } } } }),
    ).rejects.toMatchObject({
      name: '400',
      message: "Invalid request body field 'trigger': is not supported here: a workflow runs when a script runs it (runWorkflow); schedules and event triggers are not kept",
    });
  });

  it("the original's app actions and task options that change how a task runs: a 400 naming the task", async () => {
    const { workflows } = await clients(AUTHOR);
    await expect(
      workflows.createWorkflow({ body: { title: 'JS', tasks: { script: { action: 'dynatrace.automations:run-javascript', input: { script: 'export default () => 1' } } } } }),
    ).rejects.toMatchObject({ name: '400', message: expect.stringContaining("Invalid request body field 'tasks.script.action': must be one of storage.query") as unknown });
    await expect(
      workflows.createWorkflow({ body: { title: 'Retry', tasks: { q: { action: 'storage.query', input: { query: 'fetch logs' }, retry: { count: 3 } } } } }),
    ).rejects.toMatchObject({ name: '400', message: expect.stringContaining("Invalid request body field 'tasks.q': has 'retry', which this portal does not take") as unknown });
  });

  it('list filters other than limit and offset (and workflow and state for executions): a 400 naming the parameter', async () => {
    const { workflows, executions } = await clients(AUTHOR);
    await expect(workflows.getWorkflows({ search: 'Nightly' })).rejects.toMatchObject({
      name: '400',
      message: "Invalid query parameter 'search': is not supported here: this list is filtered by nothing; it pages with limit and offset",
    });
    await expect(workflows.getWorkflows({ adminAccess: true })).rejects.toMatchObject({ name: '400', message: expect.stringContaining("Invalid query parameter 'adminAccess'") as unknown });
    await expect(executions.getExecutions({ startedAtGte: '2026-01-01T00:00:00Z' })).rejects.toMatchObject({
      name: '400',
      message: "Invalid query parameter 'startedAt__gte': is not supported here: executions are filtered here by workflow and state only, newest first",
    });
  });

  it('cancel, pause and resume, logs and history: no such endpoint (404), as an execution has ended when runWorkflow answers', async () => {
    const { workflows, executions } = await clients(AUTHOR);
    const workflow = await workflows.createWorkflow({ body: { title: 'Short', tasks: { note: { action: 'notification.send', input: { title: 'x' } } } } });
    const { token } = await insertTestToken(platform.database.db, { scopes: [...AUTHOR, 'notification:self-notifications:write'], environmentIds: ['acme-prod'] });
    const execution = await new WorkflowsClient(client(`http://acme-prod.${DOMAIN}:${platform.port}`, token)).runWorkflow({ id: workflow.id, body: {} });
    const noEndpoint = { name: '404', message: 'No such endpoint. GET /api/openapi.json lists every endpoint.' };
    await expect(executions.cancelExecution({ id: execution.id })).rejects.toMatchObject(noEndpoint);
    await expect(executions.pauseExecution({ id: execution.id })).rejects.toMatchObject(noEndpoint);
    await expect(executions.getExecutionLog({ id: execution.id })).rejects.toMatchObject(noEndpoint);
    await expect(workflows.getWorkflowHistoryRecords({ id: workflow.id })).rejects.toMatchObject(noEndpoint);
    expect(await statusOf(workflows.patchWorkflow({ id: workflow.id, body: { title: 'x' } }))).toMatchObject({ status: 405 });
  });

  it("runWorkflow's params and uniqueQualifier: a 400 naming them, and nothing runs", async () => {
    const { workflows, executions } = await clients(AUTHOR);
    const workflow = await workflows.createWorkflow({ body: { title: 'Once', tasks: { note: { action: 'notification.send', input: { title: 'x' } } } } });
    await expect(workflows.runWorkflow({ id: workflow.id, body: { input: {}, params: { day: 'monday' } } })).rejects.toMatchObject({
      name: '400',
      message: "Invalid request body field 'params': is not supported here: tasks take the run’s input as {{ input.<name> }}",
    });
    await expect(workflows.runWorkflow({ id: workflow.id, body: { uniqueQualifier: 'nightly-2026-12-01' } })).rejects.toMatchObject({
      name: '400',
      message: "Invalid request body field 'uniqueQualifier': is not supported here: every run makes an execution",
    });
    expect((await executions.getExecutions({ workflow: [workflow.id] })).count).toBe(0);
  });
});
