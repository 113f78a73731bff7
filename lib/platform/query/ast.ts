// The parsed form of a storage query (PRODUCT.md §7): `fetch <table>` followed by commands.

import type { StorageTable } from '@/lib/platform/catalogue';

/** A field as written: `status`, `event.type` (also matches a nested path) or a backtick name. */
export interface FieldRef {
  /** The name as written, without backticks; the key of the field in projected records. */
  name: string;
  /** Segments for the nested lookup; a backtick name is always a single segment. */
  path: readonly string[];
  start: number;
}

export type Literal = string | number | boolean | null;

export type ComparisonOperator = '==' | '!=' | '<' | '<=' | '>' | '>=';

export type Condition =
  | { kind: 'compare'; field: FieldRef; operator: ComparisonOperator; value: Literal }
  | { kind: 'contains'; field: FieldRef; text: string };

export interface SortKey {
  field: FieldRef;
  direction: 'asc' | 'desc';
}

export type Command =
  | { kind: 'filter'; conditions: readonly Condition[] }
  | { kind: 'fields'; fields: readonly FieldRef[] }
  | { kind: 'sort'; keys: readonly SortKey[] }
  | { kind: 'summarize'; countName: string; by: readonly FieldRef[] }
  | { kind: 'limit'; count: number };

/** Instants from `start` (inclusive) to `end` (exclusive). */
export interface Timeframe {
  start: Date;
  end: Date;
}

export interface Query {
  table: StorageTable;
  /**
   * What follows `fetch`; a timeframe comes first, as the filter `timestamp >= start and
   * timestamp < end`, so that it narrows the scan along the index like any leading filter.
   */
  commands: readonly Command[];
  /** The timeframe read: the query's (`from:`, `to:`, `timeframe:`), else the request's default; null when neither names one. */
  timeframe: Timeframe | null;
}

/** The largest `limit` a query may ask for, and the most records one response carries. */
export const MAX_RESULT_RECORDS = 10_000;
/** Records returned when the query does not end in a `limit`. */
export const DEFAULT_RESULT_RECORDS = 1_000;

// What one query may ask for. The parser refuses anything beyond, so the SQL built from a query
// stays small (compile-sql.test.ts checks the largest one) and costs little to plan; how long it
// runs over the data is bounded by its statement timeout (execute.ts).

/** Characters of query text; longer queries are refused before parsing. */
export const MAX_QUERY_LENGTH = 10_000;
/** Commands after `fetch`. */
export const MAX_COMMANDS = 20;
/** Conditions in all the query's filters. */
export const MAX_CONDITIONS = 50;
/** Sort fields in all the query's sorts. */
export const MAX_SORT_FIELDS = 10;
/** Fields in all the query's `fields` commands (one command's list is one SQL call of at most 100 arguments). */
export const MAX_FIELDS = 50;
/** Group fields in all the query's `summarize … by`. */
export const MAX_GROUP_FIELDS = 10;
/** Characters of one field name, and dot-separated parts of a nested one. */
export const MAX_FIELD_NAME_LENGTH = 200;
export const MAX_FIELD_PARTS = 10;
/** Characters of one string literal. */
export const MAX_STRING_LENGTH = 1_000;
