// Runs a parsed query over records in memory. It is the reference for the SQL translation
// (tests run both on the same data and compare), written for clarity rather than speed.

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

function apply(records: JsonRecord[], command: Command): JsonRecord[] {
  switch (command.kind) {
    case 'filter':
      return records.filter((r) => command.conditions.every((c) => holds(c, r)));
    case 'fields':
      return records.map((r) => Object.fromEntries(command.fields.map((f) => [f.name, fieldValue(r, f) ?? null])));
    case 'sort':
      return records
        .map((record, index) => ({ record, index }))
        .sort((a, b) => {
          for (const key of command.keys) {
            const order = compareForSort(fieldValue(a.record, key.field), fieldValue(b.record, key.field), key.direction);
            if (order !== 0) return order;
          }
          return a.index - b.index;
        })
        .map((x) => x.record);
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
      }
      return [...groups.values()]
        .sort((a, b) => {
          for (const [i] of command.by.entries()) {
            const order = compareForSort(a.values[i], b.values[i], 'asc');
            if (order !== 0) return order;
          }
          return 0;
        })
        .map((g) => ({
          ...Object.fromEntries(command.by.map((f, i) => [f.name, g.values[i] ?? null])),
          [command.countName]: g.count,
        }));
    }
  }
}

/** Every record the query yields, in order (the result cap is the caller's business). */
export function evaluateInMemory(query: Query, stored: readonly StoredRecord[]): JsonRecord[] {
  const newestFirst = [...stored].sort((a, b) => b.timestamp.getTime() - a.timestamp.getTime() || b.id - a.id);
  return query.commands.reduce(apply, newestFirst.map((s) => s.record));
}
