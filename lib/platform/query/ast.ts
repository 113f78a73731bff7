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

export interface Query {
  table: StorageTable;
  commands: readonly Command[];
}

/** The largest `limit` a query may ask for, and the most records one response carries. */
export const MAX_RESULT_RECORDS = 10_000;
/** Records returned when the query does not end in a `limit`. */
export const DEFAULT_RESULT_RECORDS = 1_000;
/** Queries longer than this are refused before parsing. */
export const MAX_QUERY_LENGTH = 10_000;
/** At most this many fields in one `fields` command, and group fields in one `summarize`. */
export const MAX_FIELDS = 50;
export const MAX_GROUP_FIELDS = 10;
/** At most this many commands after `fetch`, and conditions in one `filter`. */
export const MAX_COMMANDS = 50;
export const MAX_CONDITIONS = 50;
