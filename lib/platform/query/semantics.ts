// The meaning of fields, comparisons and sorting, shared by the SQL translation and the
// in-memory evaluator that tests use as its reference.
//
// - A field `a.b` is the record's key "a.b" when it has one, otherwise the nested path a → b
//   (through objects, and arrays by index).
// - A missing field and a JSON null are the same: absent. `== null` matches absent fields,
//   `!= null` present ones; every other comparison is false for an absent field.
// - A comparison is true only when the field has the literal's type: 5 never equals "5".
//   `!=` is true for a present field that does not equal the literal (of any type).
// - Strings compare by code point. On the field `timestamp`, a literal that reads as a
//   timestamp (ISO 8601 or milliseconds since 1970) is compared as the stored ISO string,
//   which orders as the instant does.
// - Sorting: absent values last in either direction; then numbers, strings, booleans, other
//   values (ties); sorting is stable.

import type { FieldRef, Literal } from './ast';
import { parseTimestamp } from './timestamps';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonRecord = { [key: string]: JsonValue };

export const TIMESTAMP_FIELD = 'timestamp';

export function fieldValue(record: JsonRecord, field: FieldRef): JsonValue | undefined {
  if (Object.hasOwn(record, field.name)) return record[field.name];
  if (field.path.length < 2) return undefined;
  let current: JsonValue | undefined = record;
  for (const segment of field.path) {
    if (Array.isArray(current)) {
      if (!/^[0-9]+$/.test(segment)) return undefined;
      current = current[Number(segment)];
    } else if (current !== null && typeof current === 'object') {
      current = Object.hasOwn(current, segment) ? current[segment] : undefined;
    } else {
      return undefined;
    }
    if (current === undefined) return undefined;
  }
  return current;
}

export function isAbsent(value: JsonValue | undefined): value is null | undefined {
  return value === undefined || value === null;
}

/** The literal a comparison on `field` really uses (timestamps become ISO strings). */
export function effectiveLiteral(field: FieldRef, literal: Literal): Literal {
  if (field.name !== TIMESTAMP_FIELD || (typeof literal !== 'string' && typeof literal !== 'number')) return literal;
  return parseTimestamp(literal)?.toISOString() ?? literal;
}

/** Compares by Unicode code point, as PostgreSQL's "C" collation does on UTF-8. */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const cx = x.value.codePointAt(0) ?? 0;
    const cy = y.value.codePointAt(0) ?? 0;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}

function typeRank(value: JsonValue): number {
  if (typeof value === 'number') return 0;
  if (typeof value === 'string') return 1;
  if (typeof value === 'boolean') return 2;
  return 3;
}

/** Sort order of two field values in one direction; absent values always come last. */
export function compareForSort(a: JsonValue | undefined, b: JsonValue | undefined, direction: 'asc' | 'desc'): number {
  const absentA = isAbsent(a);
  const absentB = isAbsent(b);
  if (absentA || absentB) return absentA === absentB ? 0 : absentA ? 1 : -1;
  const sign = direction === 'asc' ? 1 : -1;
  const rank = typeRank(a) - typeRank(b);
  if (rank !== 0) return sign * rank;
  if (typeof a === 'number' && typeof b === 'number') return sign * Math.sign(a - b);
  if (typeof a === 'string' && typeof b === 'string') return sign * compareCodePoints(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return sign * (Number(a) - Number(b));
  return 0;
}
