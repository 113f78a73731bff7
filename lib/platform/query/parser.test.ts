import { describe, expect, it } from 'vitest';
import { parseQuery } from './parser';
import { QueryLimitError, QuerySyntaxError } from './query-error';

function errorOf(text: string): QuerySyntaxError {
  try {
    parseQuery(text);
  } catch (error) {
    if (error instanceof QuerySyntaxError) return error;
    throw error;
  }
  throw new Error(`parsed: ${text}`);
}

describe('parseQuery', () => {
  it('parses every command of the language', () => {
    const query = parseQuery(
      'fetch bizevents | filter event.type == "purchase" and amount > 10 and contains(city, "Lin") | fields event.type, amount, `odd name` | sort amount desc, city | summarize n = count(), by: {event.type} | limit 5',
    );
    expect(query.table).toBe('bizevents');
    expect(query.commands.map((c) => c.kind)).toEqual(['filter', 'fields', 'sort', 'summarize', 'limit']);
    expect(query.commands[0]).toMatchObject({
      kind: 'filter',
      conditions: [
        { kind: 'compare', field: { name: 'event.type', path: ['event', 'type'] }, operator: '==', value: 'purchase' },
        { kind: 'compare', field: { name: 'amount' }, operator: '>', value: 10 },
        { kind: 'contains', field: { name: 'city' }, text: 'Lin' },
      ],
    });
    expect(query.commands[1]).toMatchObject({ fields: [{ name: 'event.type' }, { name: 'amount' }, { name: 'odd name', path: ['odd name'] }] });
    expect(query.commands[2]).toMatchObject({
      keys: [
        { field: { name: 'amount' }, direction: 'desc' },
        { field: { name: 'city' }, direction: 'asc' },
      ],
    });
    expect(query.commands[3]).toMatchObject({ kind: 'summarize', countName: 'n', by: [{ name: 'event.type' }] });
    expect(query.commands[4]).toEqual({ kind: 'limit', count: 5 });
  });

  it('reads literals: strings with escapes in either quotes, numbers, booleans and null', () => {
    const query = parseQuery(
      "fetch logs | filter a == 'it\\'s' and b == \"x\\\"y\\u00e9\" and c == -1.5e2 and d == true and e != false and f == null",
    );
    const filter = query.commands[0];
    const values = filter?.kind === 'filter' ? filter.conditions.map((c) => (c.kind === 'compare' ? c.value : c.text)) : [];
    expect(values).toEqual(["it's", 'x"yé', -150, true, false, null]);
  });

  it('accepts summarize without by, the default count name, and whitespace across lines', () => {
    expect(parseQuery('fetch events\n| summarize count()').commands[0]).toEqual({ kind: 'summarize', countName: 'count()', by: [] });
    expect(parseQuery('fetch events | summarize count(), by: {a, b}').commands[0]).toMatchObject({ by: [{ name: 'a' }, { name: 'b' }] });
  });

  it.each([
    ['', 1, 'the query is empty'],
    ['   ', 4, 'the query is empty'],
    ['fetch metrics', 7, "expected a table (events, bizevents, logs) but found 'metrics'"],
    ['select * from logs', 1, 'the query must start with fetch'],
    ['fetch logs | fitler a == 1', 14, "expected a command (filter, fields, sort, summarize, limit) but found 'fitler'"],
    ['fetch logs filter a == 1', 12, "expected '|' or the end of the query but found 'filter'"],
    ['fetch logs |', 13, 'found the end of the query'],
    ['fetch logs | filter a = 1', 23, "(use '==' to compare)"],
    ['fetch logs | filter a == ', 26, 'expected a value'],
    ['fetch logs | filter a == b', 26, "expected a value (a string in quotes, a number, true, false or null) but found 'b'"],
    ['fetch logs | filter a == "open', 26, 'string is not closed'],
    ['fetch logs | filter a == "\\q"', 27, 'unknown escape sequence \\q'],
    ['fetch logs | filter a < true', 25, "'<' compares numbers, strings or timestamps, not true"],
    ['fetch logs | filter a > null', 25, "'>' compares numbers, strings or timestamps, not null"],
    ['fetch logs | filter a == 1 or b == 2', 28, "expected '|' or the end of the query but found 'or'"],
    ['fetch logs | filter contains(a, 5)', 33, 'contains() needs a string in quotes'],
    ['fetch logs | filter contains(a "x")', 32, "expected ',' but found the string \"x\""],
    ['fetch logs | fields a, a', 24, 'the field a is listed twice'],
    ['fetch logs | fields', 20, 'expected a field name but found the end of the query'],
    ['fetch logs | sort a up', 21, "expected '|' or the end of the query but found 'up'"],
    ['fetch logs | limit -1', 20, 'limit needs a whole number from 0 to 10000'],
    ['fetch logs | limit 2.5', 20, 'limit needs a whole number'],
    ['fetch logs | limit 10001', 20, 'A limit may be at most 10000'],
    ['fetch logs | limit ten', 20, 'limit needs a whole number'],
    ['fetch logs | summarize sum(x)', 24, 'summarize supports count() only'],
    ['fetch logs | summarize count(), by {a}', 36, "expected ':' but found '{'"],
    ['fetch logs | summarize count(), by: {a, count()}', 46, "expected '}' but found '('"],
    ['fetch logs | summarize count(), sort: {a}', 33, 'expected by: {…}'],
    ['fetch logs | summarize a = count(), by: {a}', 42, 'the field a is named twice in summarize'],
    ['fetch logs | filter a == 1 ; drop table x', 28, "unexpected character ';'"],
    ['fetch logs | filter `a == 1', 21, 'field name in backticks is not closed'],
    ['fetch logs | filter `` == 1', 21, 'field name in backticks is empty'],
    ['fetch logs | limit 5x', 21, "unexpected character 'x'"],
    ['fetch logs | filter a == "\u0000"', 27, 'U+0000'],
    ['fetch logs | filter a == 1e999', 26, 'the number 1e999 is out of range'],
  ])('refuses %j at column %i', (text, column, message) => {
    const error = errorOf(text);
    expect(error.column).toBe(column);
    expect(error.line).toBe(1);
    expect(error.message).toContain(`line 1, column ${column}`);
    expect(error.message).toContain(message);
  });

  it('reports the line and column of an error on a later line', () => {
    const error = errorOf('fetch logs\n| filter status == 500\n| sort timestamp sideways');
    expect(error.line).toBe(3);
    expect(error.column).toBe(18);
    expect(error.offset).toBe('fetch logs\n| filter status == 500\n| sort timestamp '.length);
  });

  const list = (n: number, item: (i: number) => string, separator = ', ') => Array.from({ length: n }, (_, i) => item(i)).join(separator);

  const sortedByA = `fetch logs | sort ${list(4_990, () => 'a', ',')}`;
  // Each case: the query, the message naming the limit, and the column of the first item past it.
  it.each([
    ['a query of 10,001 characters', `fetch logs | filter a == "${'x'.repeat(9_975)}"`, 'A query may be at most 10000 characters long.', null],
    ['21 commands', `fetch logs${' | limit 1'.repeat(21)}`, 'A query may have at most 20 commands', 'limit 1'],
    ['51 conditions in one filter', `fetch logs | filter ${list(51, (i) => `f == ${i}`, ' and ')}`, 'A query may have at most 50 filter conditions', 'f == 50'],
    ['51 conditions in two filters', `fetch logs | filter ${list(30, (i) => `f == ${i}`, ' and ')} | filter ${list(21, (i) => `contains(g, "${i}")`, ' and ')}`, 'A query may have at most 50 filter conditions', 'contains(g, "20")'],
    ['11 sort fields in one sort', `fetch logs | sort ${list(11, (i) => `f${i}`)}`, 'A query may sort by at most 10 fields', 'f10'],
    ['11 sort fields in two sorts', `fetch logs | sort ${list(6, (i) => `f${i} desc`)} | sort ${list(5, (i) => `g${i}`)}`, 'A query may sort by at most 10 fields', 'g4'],
    ['one field sorted by 4,990 times', sortedByA, 'A query may sort by at most 10 fields', 'fetch logs | sort '.length + 21],
    ['51 listed fields in one fields', `fetch logs | fields ${list(51, (i) => `f${i}`)}`, "A query's fields commands may list at most 50 fields", 'f50'],
    ['51 listed fields in two fields', `fetch logs | fields ${list(40, (i) => `f${i}`)} | fields ${list(11, (i) => `f${i}`)}`, "A query's fields commands may list at most 50 fields", 'f10'],
    ['11 group fields in one summarize', `fetch logs | summarize count(), by: {${list(11, (i) => `f${i}`)}}`, 'A query may group by at most 10 fields', 'f10'],
    ['11 group fields in two summarizes', `fetch logs | summarize count(), by: {${list(6, (i) => `f${i}`)}} | summarize n = count(), by: {${list(5, (i) => `g${i}`)}}`, 'A query may group by at most 10 fields', 'g4'],
    ['a field name of 201 characters', `fetch logs | filter ${'a'.repeat(201)} == 1`, 'A field name may be at most 200 characters long', 21],
    ['a field name of 201 characters in backticks', `fetch logs | sort \`${'a'.repeat(201)}\``, 'A field name may be at most 200 characters long', 19],
    ['a field of 11 parts', `fetch logs | fields ${list(11, (i) => `p${i}`, '.')}`, 'A field name may have at most 10 parts separated by dots', 21],
    ['a string of 1,001 characters', `fetch logs | filter a == "${'x'.repeat(1_001)}"`, 'A string in a query may be at most 1000 characters long', 26],
    ['a contains() text of 1,001 characters', `fetch logs | filter contains(a, '${'x'.repeat(1_001)}')`, 'A string in a query may be at most 1000 characters long', 33],
    ['limit 10001', 'fetch logs | limit 10001', 'A limit may be at most 10000', 20],
  ] as const)('refuses %s, naming the limit', (_label, text, message, at) => {
    const error = errorOf(text);
    expect(error).toBeInstanceOf(QueryLimitError);
    if (at === null) {
      expect(error.message).toBe(message);
      return;
    }
    const column = typeof at === 'number' ? at : text.lastIndexOf(at) + 1;
    expect(error.message).toBe(`${message} (line 1, column ${column}).`);
  });

  it('accepts a query at every limit', () => {
    const query = parseQuery(
      [
        `fetch logs | filter ${list(50, (i) => `f${i} == ${i}`, ' and ')}`,
        `sort ${list(5, (i) => `${list(10, (j) => `s${i}${j}`, '.')} desc`)} | sort ${list(5, (i) => `t${i}`)}`,
        `fields ${list(50, (i) => `f${i}`)}`,
        `summarize count(), by: {${list(10, (i) => `f${i}`)}}`,
        ...Array.from({ length: 15 }, () => 'limit 10000'),
      ].join(' | '),
    );
    expect(query.commands).toHaveLength(20);
    const long = parseQuery(`fetch logs | filter contains(\`${'a'.repeat(200)}\`, "${'x'.repeat(1_000)}")`);
    expect(long.commands[0]).toMatchObject({ conditions: [{ field: { name: 'a'.repeat(200) }, text: 'x'.repeat(1_000) }] });
  });

  it('never throws anything but a QuerySyntaxError on arbitrary input', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pieces = ['fetch', 'logs', '|', 'filter', 'a', '==', '"x"', '1', 'and', 'contains', '(', ')', ',', 'sort', 'desc', 'summarize', 'count', 'by', ':', '{', '}', 'limit', '`', '\\', '\u0000', '-', '.', '\n', '=', '<', '!'];
    for (let i = 0; i < 5000; i++) {
      const length = Math.floor(random() * 12);
      const text = ['fetch logs', ...Array.from({ length }, () => pieces[Math.floor(random() * pieces.length)])].join(random() < 0.5 ? ' ' : '');
      try {
        parseQuery(text);
      } catch (error) {
        expect(error).toBeInstanceOf(QuerySyntaxError);
      }
    }
  });
});
