import { PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { MAX_QUERY_LENGTH } from './ast';
import { compileQuery } from './compile-sql';
import { parseQuery } from './parser';

const list = (n: number, item: (i: number) => string, separator = ', ') => Array.from({ length: n }, (_, i) => item(i)).join(separator);
/** A nested field of the most parts: each part costs a parameter wherever the field is read. */
const deep = (prefix: string) => list(10, (j) => `${prefix}${j}`, '.');

describe('compileQuery', () => {
  // The limits of ast.ts bound the SQL of any query. The query that costs the most uses every
  // limit with fields of the most parts: a sort reads its field eight times, a `!=` on a number
  // three times, anything else once or twice.
  it('turns the largest query the limits allow into a statement of bounded size', () => {
    const text = [
      'fetch logs',
      `fields ${list(50, (i) => deep(`f${i}`))}`,
      `sort ${list(10, (i) => `${deep(`s${i}`)} desc`)}`,
      `filter ${list(50, (i) => `${deep(`c${i}`)} != ${i}`, ' and ')}`,
      `summarize count(), by: {${list(10, (i) => deep(`g${i}`))}}`,
      ...Array.from({ length: 16 }, () => 'limit 10000'),
    ].join(' | ');
    expect(text.length).toBeLessThanOrEqual(MAX_QUERY_LENGTH);
    const query = parseQuery(text);
    expect(query.commands).toHaveLength(20);
    const { sql, params } = new PgDialect().sqlToQuery(compileQuery(query, 'acme-prod').statement);
    expect(params.length).toBeLessThanOrEqual(3_500);
    expect(sql.length).toBeLessThanOrEqual(80_000);
  });
});
