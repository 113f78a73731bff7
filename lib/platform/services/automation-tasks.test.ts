import { describe, expect, it } from 'vitest';
import { PlatformError } from '../errors';
import { resolveReferences, TaskReferenceError } from './automation-tasks';

const limits = { task: 'mail', maxBytes: 1024 * 1024 };

function refusal(run: () => unknown): { name: string; status?: number; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof PlatformError) return { name: error.name, status: error.status, message: error.message };
    if (error instanceof TaskReferenceError) return { name: error.name, message: error.message };
    throw error;
  }
  throw new Error('not refused');
}

describe('resolveReferences', () => {
  it('gives a whole reference the value itself and writes one in text as JSON', () => {
    const records = [{ amount: 20 }];
    const resolved = resolveReferences({ body: '{{ tasks.export.records }}', subject: 'Export of {{ input.day }}: {{ tasks.export.records }}' }, { input: { day: 'monday' }, tasks: { export: { records } } }, limits);
    expect(resolved).toEqual({ body: records, subject: 'Export of monday: [{"amount":20}]' });
    expect((resolved as { body: unknown }).body).toBe(records);
  });

  it('stops at the limit, however many references to one large string there are', () => {
    const big = 'x'.repeat(1_000_000);
    const whole = refusal(() => resolveReferences({ body: Array.from({ length: 60_000 }, () => '{{input.a}}') }, { input: { a: big } }, limits));
    const inText = refusal(() => resolveReferences({ body: '{{input.a}} '.repeat(60_000) }, { input: { a: big } }, limits));
    const message = "The input of task 'mail', its references resolved, is larger than 1048576 bytes, the largest body its action takes.";
    expect(whole).toEqual({ name: 'PlatformError', status: 413, message });
    expect(inText).toEqual({ name: 'PlatformError', status: 413, message });
  });

  it('counts the characters of strings, literal or resolved, up to the limit itself', () => {
    const input = { a: 'x'.repeat(500_000) };
    // 1 + 'before ' and ' and ' + 2 × 500,000 + 48,563 characters: exactly the limit.
    const value = { k: 'k', text: 'before {{ input.a }} and ', whole: '{{ input.a }}', tail: 'y'.repeat(48_563) };
    expect(Object.keys(resolveReferences(value, { input }, limits) as object)).toHaveLength(4);
    expect(refusal(() => resolveReferences({ ...value, tail: `${value.tail}y` }, { input }, limits)).status).toBe(413);
  });

  it('writes a referenced object as JSON once, however often it is referred to', () => {
    let writes = 0;
    const records = { toJSON: () => (writes++, Array.from({ length: 200 }, (_, i) => ({ id: i }))) };
    const resolved = resolveReferences({ value: Array.from({ length: 1000 }, (_, i) => (i % 2 ? '{{ input.records }}' : 'n: {{ input.records }}')) }, { input: { records } }, { task: 'keep', maxBytes: 10 * 1024 * 1024 });
    expect(writes).toBe(1);
    expect((resolved as { value: unknown[] }).value[1]).toBe(records);
    // 1000 times its 2091 characters of JSON pass 1 MiB.
    expect(refusal(() => resolveReferences({ value: Array.from({ length: 1000 }, () => '{{ input.records }}') }, { input: { records } }, limits)).status).toBe(413);
  });

  it('resolves at most 1000 references', () => {
    const value = { value: Array.from({ length: 1001 }, () => '{{ input.a }}') };
    expect(resolveReferences({ value: value.value.slice(1) }, { input: { a: 1 } }, limits)).toEqual({ value: Array.from({ length: 1000 }, () => 1) });
    expect(refusal(() => resolveReferences(value, { input: { a: 1 } }, limits))).toEqual({
      name: 'TaskReferenceError',
      message: "The input of task 'mail' has more than 1000 references, the most a task resolves.",
    });
  });
});
