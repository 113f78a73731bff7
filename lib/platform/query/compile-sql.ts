// Translates a parsed query into one SQL statement over storage_records (see semantics.ts for
// what each part means). Leading filters, and a sort and/or limit right after them, go into the
// scan of the environment's table, where the (environment, table, timestamp) index serves them;
// later commands become a chain of CTEs over (r jsonb, o bigint), `o` carrying the order.

import { sql, type SQL } from 'drizzle-orm';
import type { Command, Condition, FieldRef, Literal, Query, SortKey } from './ast';
import { DEFAULT_RESULT_RECORDS, MAX_RESULT_RECORDS } from './ast';
import { effectiveLiteral, TIMESTAMP_FIELD } from './semantics';
import { parseTimestamp } from './timestamps';

export interface CompiledQuery {
  statement: SQL;
  /** The most records the response carries; the statement fetches one more to detect truncation. */
  cap: number;
  /** Keys of each result record in order, when the pipeline fixes them (fields, summarize). */
  columns: readonly string[] | null;
}

const RECORD = sql.raw('"record"');
const R = sql.raw('r');

function fieldSql(source: SQL, field: FieldRef): SQL {
  const flat = sql`(${source} -> ${field.name}::text)`;
  if (field.path.length < 2) return flat;
  const path = sql.join(
    field.path.map((segment) => sql`${segment}::text`),
    sql`, `,
  );
  return sql`coalesce(${source} -> ${field.name}::text, ${source} #> array[${path}]::text[])`;
}

const typeOf = (v: SQL) => sql`coalesce(jsonb_typeof(${v}), 'null')`;
const asNumber = (v: SQL) => sql`(case when jsonb_typeof(${v}) = 'number' then (${v} #>> '{}')::numeric end)`;
const asString = (v: SQL) => sql`(case when jsonb_typeof(${v}) = 'string' then ${v} #>> '{}' end)`;
const asBoolean = (v: SQL) => sql`(case when jsonb_typeof(${v}) = 'boolean' then (${v} #>> '{}')::boolean end)`;
const present = (v: SQL) => sql`(${typeOf(v)} <> 'null')`;

function equalsSql(v: SQL, literal: Literal): SQL {
  if (literal === null) return sql`(${typeOf(v)} = 'null')`;
  if (typeof literal === 'string') return sql`coalesce(${v} = to_jsonb(${literal}::text), false)`;
  if (typeof literal === 'number') return sql`coalesce(${asNumber(v)} = ${String(literal)}::numeric, false)`;
  return sql`coalesce(${v} = to_jsonb(${literal}::boolean), false)`;
}

function orderingSql(left: SQL, operator: string, right: SQL): SQL {
  return sql`coalesce(${left} ${sql.raw(operator)} ${right}, false)`;
}

function conditionSql(source: SQL, condition: Condition): SQL {
  const v = fieldSql(source, condition.field);
  if (condition.kind === 'contains') return sql`coalesce(strpos(${asString(v)}, ${condition.text}::text) > 0, false)`;
  const literal = effectiveLiteral(condition.field, condition.value);
  switch (condition.operator) {
    case '==':
      return equalsSql(v, literal);
    case '!=':
      return literal === null ? present(v) : sql`(${present(v)} and not ${equalsSql(v, literal)})`;
    default:
      if (typeof literal === 'number') return orderingSql(asNumber(v), condition.operator, sql`${String(literal)}::numeric`);
      return orderingSql(sql`(${asString(v)} collate "C")`, condition.operator, sql`${String(literal)}::text`);
  }
}

/** A comparison of `timestamp` with a timestamp literal, on the indexed column; null for any other condition. */
function timestampColumnSql(condition: Condition): SQL | null {
  if (condition.kind === 'compare' && condition.field.name === TIMESTAMP_FIELD && condition.value !== null) {
    const instant = typeof condition.value === 'boolean' ? null : parseTimestamp(condition.value);
    if (instant) {
      const operator = condition.operator === '==' ? '=' : condition.operator === '!=' ? '<>' : condition.operator;
      return sql`("timestamp" ${sql.raw(operator)} ${instant.toISOString()}::timestamptz)`;
    }
  }
  return null;
}

/** In the scan, a comparison of `timestamp` with a timestamp literal uses the indexed column. */
function scanConditionSql(condition: Condition): SQL {
  return timestampColumnSql(condition) ?? conditionSql(RECORD, condition);
}

export interface RecordScan {
  /**
   * The next `size` records, newest first, after the record `after` (or from the newest):
   * one short walk along the (environment, table, timestamp, id) index. Its one row's `batch`
   * is a JSON array of [id, timestamp, record].
   */
  batch(after: { timestamp: Date; id: number } | null, size: number): SQL;
  /** How many records, newest first, the query can need at most (Infinity: all of them). */
  needed: number;
  /** The query without the comparisons `where` already made, to evaluate in memory. */
  rest: Query;
}

/**
 * The records a query reads, for evaluating the rest of it in memory (evaluate-in-memory.ts):
 * the leading filters' timestamp comparisons use the indexed column, as in compileQuery.
 */
export function recordScan(query: Query, environmentId: string, cap = resultCap(query)): RecordScan {
  const conditions: SQL[] = [sql`"environment_id" = ${environmentId}`, sql`"table" = ${query.table}`];
  const commands = [...query.commands];
  const rest: Command[] = [];
  while (commands[0]?.kind === 'filter') {
    const filter = commands.shift() as Extract<Command, { kind: 'filter' }>;
    const left: Condition[] = [];
    for (const condition of filter.conditions) {
      const column = timestampColumnSql(condition);
      if (column) conditions.push(column);
      else left.push(condition);
    }
    if (left.length > 0) rest.push({ ...filter, conditions: left });
  }
  const next = commands[0];
  let needed = Number.POSITIVE_INFINITY;
  // Newest first is the natural order, so the first records scanned are those a limit keeps,
  // unless a filter evaluated in memory drops some of them.
  if (rest.length === 0 && next === undefined) needed = cap + 1;
  if (rest.length === 0 && next?.kind === 'limit') needed = Math.min(next.count, cap + 1);
  const where = sql.join(conditions, sql` and `);
  const batch = (after: { timestamp: Date; id: number } | null, size: number) => {
    // Spelled so that the index bounds the walk: at or before the last timestamp, then past the last ID.
    const at = after?.timestamp.toISOString();
    const from = after ? sql` and "timestamp" <= ${at}::timestamptz and ("timestamp" < ${at}::timestamptz or "id" < ${after.id})` : sql``;
    // One JSON text of [id, timestamp, record] triples: the embedded database hands over one
    // value much faster than a row per record.
    return sql`select coalesce(json_agg(json_build_array(b.id::text, b."timestamp", b."record") order by b."timestamp" desc, b.id desc), '[]')::text as batch
      from (select "id", "timestamp", "record" from "storage_records"
        where ${where}${from} order by ${TIMESTAMP_ORDER.desc}, "id" desc nulls last limit ${size}) b`;
  };
  return { batch, needed, rest: { ...query, commands: [...rest, ...commands] } };
}

function sortKeysSql(v: SQL, direction: SortKey['direction']): SQL[] {
  const dir = sql.raw(direction);
  return [
    sql`(${typeOf(v)} = 'null')`,
    sql`(case jsonb_typeof(${v}) when 'number' then 0 when 'string' then 1 when 'boolean' then 2 else 3 end) ${dir}`,
    sql`${asNumber(v)} ${dir}`,
    sql`(${asString(v)} collate "C") ${dir}`,
    sql`${asBoolean(v)} ${dir}`,
  ];
}

// The columns are never null; the NULLS clauses only match the index's order, without which
// PostgreSQL would not walk the index to stop early at a limit.
const TIMESTAMP_ORDER = { asc: sql.raw('"timestamp" asc nulls first'), desc: sql.raw('"timestamp" desc nulls last') };

function scanOrderSql(keys: readonly SortKey[]): SQL {
  const parts = keys.flatMap((k) =>
    k.field.name === TIMESTAMP_FIELD ? [TIMESTAMP_ORDER[k.direction]] : sortKeysSql(fieldSql(RECORD, k.field), k.direction),
  );
  // Ties keep the natural order: newest first, then the later ingested.
  return sql.join([...parts, TIMESTAMP_ORDER.desc, sql.raw('"id" desc nulls last')], sql`, `);
}

function stageSql(previous: string, command: Command): SQL {
  const from = sql.raw(previous);
  switch (command.kind) {
    case 'filter':
      return sql`select r, o from ${from} where ${sql.join(
        command.conditions.map((c) => conditionSql(R, c)),
        sql` and `,
      )}`;
    case 'fields': {
      const pairs = command.fields.map((f) => sql`${f.name}::text, ${fieldSql(R, f)}`);
      return sql`select jsonb_build_object(${sql.join(pairs, sql`, `)}) as r, o from ${from}`;
    }
    case 'sort': {
      const keys = command.keys.flatMap((k) => sortKeysSql(fieldSql(R, k.field), k.direction));
      return sql`select r, row_number() over (order by ${sql.join([...keys, sql`o`], sql`, `)}) as o from ${from}`;
    }
    case 'limit':
      return sql`select r, o from ${from} order by o limit ${command.count}`;
    case 'summarize': {
      const count = sql`${command.countName}::text, count(*)`;
      if (command.by.length === 0) return sql`select jsonb_build_object(${count}) as r, 1::bigint as o from ${from}`;
      // A JSON null and a missing field form one group.
      const groups = command.by.map((f, i) => ({ f, column: sql.raw(`g${i}`), value: sql`nullif(${fieldSql(R, f)}, 'null'::jsonb)` }));
      const pairs = groups.map((g) => sql`${g.f.name}::text, ${g.column}`);
      const order = groups.flatMap((g) => sortKeysSql(g.column, 'asc'));
      return sql`select jsonb_build_object(${sql.join([...pairs, count], sql`, `)}) as r,
        row_number() over (order by ${sql.join(order, sql`, `)}) as o
        from (select ${sql.join(
          groups.map((g) => sql`${g.value} as ${g.column}`),
          sql`, `,
        )} from ${from}) grouped
        group by ${sql.join(
          groups.map((g) => g.column),
          sql`, `,
        )}`;
    }
  }
}

export function columnsOf(commands: readonly Command[]): readonly string[] | null {
  let columns: readonly string[] | null = null;
  for (const c of commands) {
    if (c.kind === 'fields') columns = c.fields.map((f) => f.name);
    if (c.kind === 'summarize') columns = [...c.by.map((f) => f.name), c.countName];
  }
  return columns;
}

/**
 * The most records a response carries: the request's maxResultRecords up to 10,000, else 1,000,
 * or 10,000 when the query has a limit.
 */
export function resultCap(query: Query, maxResultRecords?: number): number {
  if (maxResultRecords !== undefined) return Math.max(1, Math.min(Math.trunc(maxResultRecords), MAX_RESULT_RECORDS));
  return query.commands.some((c) => c.kind === 'limit') ? MAX_RESULT_RECORDS : DEFAULT_RESULT_RECORDS;
}

export function compileQuery(query: Query, environmentId: string, cap = resultCap(query)): CompiledQuery {
  const commands = [...query.commands];
  const scanConditions: SQL[] = [sql`"environment_id" = ${environmentId}`, sql`"table" = ${query.table}`];
  while (commands[0]?.kind === 'filter') {
    const filter = commands.shift() as Extract<Command, { kind: 'filter' }>;
    scanConditions.push(...filter.conditions.map(scanConditionSql));
  }
  let sortKeys: readonly SortKey[] = [];
  if (commands[0]?.kind === 'sort') sortKeys = (commands.shift() as Extract<Command, { kind: 'sort' }>).keys;
  let scanLimit: number | null = null;
  if (commands[0]?.kind === 'limit') scanLimit = (commands.shift() as Extract<Command, { kind: 'limit' }>).count;

  const order = scanOrderSql(sortKeys);
  const where = sql.join(scanConditions, sql` and `);
  const limit = (n: number | null) => (n === null ? sql`` : sql` limit ${n}`);
  if (commands.length === 0) {
    const fetch = Math.min(scanLimit ?? cap + 1, cap + 1);
    return {
      statement: sql`select "record" as r from "storage_records" where ${where} order by ${order}${limit(fetch)}`,
      cap,
      columns: null,
    };
  }
  const scan = sql`select "record" as r, row_number() over (order by ${order}) as o
    from "storage_records" where ${where}${scanLimit === null ? sql`` : sql` order by ${order}${limit(scanLimit)}`}`;
  const stages = [sql`s0 as (${scan})`];
  commands.forEach((command, i) => stages.push(sql`${sql.raw(`s${i + 1}`)} as (${stageSql(`s${i}`, command)})`));
  const last = sql.raw(`s${commands.length}`);
  return {
    statement: sql`with ${sql.join(stages, sql`, `)} select r from ${last} order by o limit ${cap + 1}`,
    cap,
    columns: columnsOf(query.commands),
  };
}
