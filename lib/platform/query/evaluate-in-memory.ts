// Runs a parsed query over records in memory. It is the reference for the SQL translation
// (tests run both on the same data and compare), and how the embedded database answers queries:
// there one long statement would hold the database, and so every user, for its whole length,
// while this yields to other work every few milliseconds and stops at its deadline.

import type { Command, Condition, Query } from './ast';
import {
  compareCodePoints,
  compareForSort,
  effectiveLiteral,
  fieldValue,
  isAbsent,
  type JsonRecord,
  type JsonValue,
} from './semantics';

export interface StoredRecord {
  /** Ingestion order: later records have larger IDs. */
  id: number;
  timestamp: Date;
  record: JsonRecord;
}

function equals(value: JsonValue | undefined, literal: JsonValue): boolean {
  if (literal === null) return isAbsent(value);
  return typeof value === typeof literal && value === literal;
}

function holds(condition: Condition, record: JsonRecord): boolean {
  const value = fieldValue(record, condition.field);
  if (condition.kind === 'contains') return typeof value === 'string' && value.includes(condition.text);
  const literal = effectiveLiteral(condition.field, condition.value);
  switch (condition.operator) {
    case '==':
      return equals(value, literal);
    case '!=':
      return literal === null ? !isAbsent(value) : !isAbsent(value) && !equals(value, literal);
    default: {
      let order: number;
      if (typeof literal === 'number' && typeof value === 'number') order = Math.sign(value - literal);
      else if (typeof literal === 'string' && typeof value === 'string') order = compareCodePoints(value, literal);
      else return false;
      if (condition.operator === '<') return order < 0;
      if (condition.operator === '<=') return order <= 0;
      if (condition.operator === '>') return order > 0;
      return order >= 0;
    }
  }
}

function groupKey(values: readonly (JsonValue | undefined)[]): string {
  return JSON.stringify(values.map((v) => (v === undefined ? null : v)));
}

/** Past its deadline: the evaluation stopped. */
export class EvaluationDeadlineError extends Error {
  override name = 'EvaluationDeadlineError';
}

/**
 * Paces a long evaluation: `due()` is cheap and true every few milliseconds of work, `pause()`
 * then lets other work run, or stops the evaluation once its deadline (performance.now()) passed.
 */
export class Pacer {
  private steps = 0;
  private sliceStart = performance.now();

  constructor(
    private readonly deadline = Number.POSITIVE_INFINITY,
    private readonly sliceMs = 5,
  ) {}

  due(): boolean {
    if (++this.steps < 512) return false;
    this.steps = 0;
    const now = performance.now();
    return now - this.sliceStart >= this.sliceMs || now > this.deadline;
  }

  async pause(): Promise<void> {
    if (performance.now() > this.deadline) throw new EvaluationDeadlineError('The evaluation passed its deadline.');
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.sliceStart = performance.now();
  }
}

/** A stable merge sort that pauses as its pacer says. */
async function pacedSort<T>(items: readonly T[], compare: (a: T, b: T) => number, pacer: Pacer): Promise<T[]> {
  let from = [...items];
  let to = new Array<T>(from.length);
  const n = from.length;
  for (let width = 1; width < n; width *= 2) {
    for (let low = 0; low < n; low += 2 * width) {
      const middle = Math.min(low + width, n);
      const high = Math.min(low + 2 * width, n);
      let i = low;
      let j = middle;
      let k = low;
      while (i < middle && j < high) {
        // The left run wins ties: the sort is stable.
        to[k++] = compare(from[j]!, from[i]!) < 0 ? from[j++]! : from[i++]!;
        if (pacer.due()) await pacer.pause();
      }
      while (i < middle) to[k++] = from[i++]!;
      while (j < high) to[k++] = from[j++]!;
    }
    [from, to] = [to, from];
  }
  return from;
}

async function pacedMap<T, U>(items: readonly T[], fn: (item: T) => U, pacer: Pacer): Promise<U[]> {
  const out = new Array<U>(items.length);
  for (let i = 0; i < items.length; i++) {
    out[i] = fn(items[i]!);
    if (pacer.due()) await pacer.pause();
  }
  return out;
}

async function pacedFilter<T>(items: readonly T[], keep: (item: T) => boolean, pacer: Pacer): Promise<T[]> {
  const out: T[] = [];
  for (const item of items) {
    if (keep(item)) out.push(item);
    if (pacer.due()) await pacer.pause();
  }
  return out;
}

async function apply(records: JsonRecord[], command: Command, pacer: Pacer): Promise<JsonRecord[]> {
  switch (command.kind) {
    case 'filter':
      return pacedFilter(records, (r) => command.conditions.every((c) => holds(c, r)), pacer);
    case 'fields':
      return pacedMap(records, (r) => Object.fromEntries(command.fields.map((f) => [f.name, fieldValue(r, f) ?? null])), pacer);
    case 'sort':
      return pacedSort(
        records,
        (a, b) => {
          for (const key of command.keys) {
            const order = compareForSort(fieldValue(a, key.field), fieldValue(b, key.field), key.direction);
            if (order !== 0) return order;
          }
          return 0;
        },
        pacer,
      );
    case 'limit':
      return records.slice(0, command.count);
    case 'summarize': {
      const groups = new Map<string, { values: (JsonValue | undefined)[]; count: number }>();
      if (command.by.length === 0) groups.set(groupKey([]), { values: [], count: 0 });
      for (const r of records) {
        const values = command.by.map((f) => fieldValue(r, f));
        const key = groupKey(values);
        const group = groups.get(key) ?? { values, count: 0 };
        group.count++;
        groups.set(key, group);
        if (pacer.due()) await pacer.pause();
      }
      const sorted = await pacedSort(
        [...groups.values()],
        (a, b) => {
          for (const [i] of command.by.entries()) {
            const order = compareForSort(a.values[i], b.values[i], 'asc');
            if (order !== 0) return order;
          }
          return 0;
        },
        pacer,
      );
      return sorted.map((g) => ({
        ...Object.fromEntries(command.by.map((f, i) => [f.name, g.values[i] ?? null])),
        [command.countName]: g.count,
      }));
    }
  }
}

/**
 * Every record the query yields, in order (the result cap is the caller's business). It pauses
 * every few milliseconds for other work, and fails with EvaluationDeadlineError past the pacer's
 * deadline.
 */
export async function evaluateInMemory(query: Query, stored: readonly StoredRecord[], pacer = new Pacer()): Promise<JsonRecord[]> {
  const newestFirst = await pacedSort(stored, (a, b) => b.timestamp.getTime() - a.timestamp.getTime() || b.id - a.id, pacer);
  let records = newestFirst.map((s) => s.record);
  for (const command of query.commands) records = await apply(records, command, pacer);
  return records;
}
