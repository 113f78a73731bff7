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
    const pieces = ['fetch', 'logs', '|', 'filter', 'a', '==', '"x"', '1', 'and', 'contains', '(', ')', ',', 'sort', 'desc', 'summarize', 'count', 'by', ':', '{', '}', 'limit', '`', '\\', '\u0000', '-', '.', '\n', '=', '<', '!', 'now', 'from', 'to', 'timeframe', 'toTimestamp', '2h', '-30m', '+', '"2024-01-01"', '"2024-01-01/2024-01-02"', '99999999999d'];
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

describe('parseQuery: time ranges and times', () => {
  const now = new Date('2024-05-01T12:00:00.000Z');
  const at = (iso: string) => new Date(iso);
  const timeframeOf = (text: string, options = {}) => parseQuery(text, { now, ...options }).timeframe;

  it.each([
    ['fetch logs, from:now()-2h', '2024-05-01T10:00:00.000Z', '2024-05-01T12:00:00.000Z'],
    ['fetch logs, from: now() - 2h, to: now() - 30m', '2024-05-01T10:00:00.000Z', '2024-05-01T11:30:00.000Z'],
    ['fetch logs, from:-2h, to:-1h', '2024-05-01T10:00:00.000Z', '2024-05-01T11:00:00.000Z'],
    ['fetch logs, to:now()-1d-12h', '1970-01-01T00:00:00.000Z', '2024-04-30T00:00:00.000Z'],
    ['fetch logs, from:now()-1w+6d', '2024-04-30T12:00:00.000Z', '2024-05-01T12:00:00.000Z'],
    ['fetch logs, from:-90s', '2024-05-01T11:58:30.000Z', '2024-05-01T12:00:00.000Z'],
    ['fetch logs, from:-1500ms', '2024-05-01T11:59:58.500Z', '2024-05-01T12:00:00.000Z'],
    ['fetch logs, from:-5m, to:-2000000us', '2024-05-01T11:55:00.000Z', '2024-05-01T11:59:58.000Z'],
    ['fetch logs, from:-7d, to:-3000000000ns', '2024-04-24T12:00:00.000Z', '2024-05-01T11:59:57.000Z'],
    ['fetch logs, from:"2024-04-30", to:"2024-04-30T06:00:00+02:00"', '2024-04-30T00:00:00.000Z', '2024-04-30T04:00:00.000Z'],
    ['fetch logs, from:toTimestamp("2024-04-30T08:00:00Z"), to:timestamp("2024-04-30T09:00:00Z")', '2024-04-30T08:00:00.000Z', '2024-04-30T09:00:00.000Z'],
    ['fetch logs, timeframe:"2024-04-01T00:00:00Z/2024-04-02T00:00:00Z"', '2024-04-01T00:00:00.000Z', '2024-04-02T00:00:00.000Z'],
    ['fetch logs,\n  to: now(),\n  from: now() - 2h\n| limit 1', '2024-05-01T10:00:00.000Z', '2024-05-01T12:00:00.000Z'],
  ])('reads the timeframe of %j', (text, start, end) => {
    expect(timeframeOf(text)).toEqual({ start: at(start), end: at(end) });
  });

  it('reads a timeframe as a filter on timestamp right after fetch: from inclusive, to exclusive', () => {
    const query = parseQuery('fetch logs, from:now()-2h | filter loglevel == "ERROR" | fields timestamp, content', { now });
    expect(query.commands.map((c) => c.kind)).toEqual(['filter', 'filter', 'fields']);
    expect(query.commands[0]).toEqual({
      kind: 'filter',
      conditions: [
        { kind: 'compare', field: { name: 'timestamp', path: ['timestamp'], start: 6 }, operator: '>=', value: '2024-05-01T10:00:00.000Z' },
        { kind: 'compare', field: { name: 'timestamp', path: ['timestamp'], start: 6 }, operator: '<', value: '2024-05-01T12:00:00.000Z' },
      ],
    });
    expect(parseQuery('fetch logs | limit 1', { now })).toMatchObject({ timeframe: null, commands: [{ kind: 'limit' }] });
  });

  it("takes the request's default timeframe when the query names none, and the query's over it", () => {
    const defaultTimeframe = { start: at('2024-01-01T00:00:00Z'), end: at('2024-01-02T00:00:00Z') };
    const plain = parseQuery('fetch logs | sort timestamp desc', { now, defaultTimeframe });
    expect(plain.timeframe).toEqual(defaultTimeframe);
    expect(plain.commands[0]).toMatchObject({ kind: 'filter', conditions: [{ value: '2024-01-01T00:00:00.000Z' }, { value: '2024-01-02T00:00:00.000Z' }] });
    expect(timeframeOf('fetch logs, from:-2h', { defaultTimeframe })).toEqual({ start: at('2024-05-01T10:00:00Z'), end: now });
  });

  it('compares fields with times: now() arithmetic and timestamps become instants', () => {
    const query = parseQuery('fetch logs | filter timestamp > now() - 45m and timestamp <= toTimestamp("2024-05-01T11:59") and seen < now()', { now });
    expect(query.commands[0]).toMatchObject({
      conditions: [
        { field: { name: 'timestamp' }, operator: '>', value: '2024-05-01T11:15:00.000Z' },
        { field: { name: 'timestamp' }, operator: '<=', value: '2024-05-01T11:59:00.000Z' },
        { field: { name: 'seen' }, operator: '<', value: '2024-05-01T12:00:00.000Z' },
      ],
    });
    // Without a given time, now() is the time of parsing.
    const before = Date.now();
    const parsed = parseQuery('fetch logs, from:now()-1m').timeframe!;
    expect(parsed.end.getTime()).toBeGreaterThanOrEqual(before);
    expect(parsed.end.getTime() - parsed.start.getTime()).toBe(60_000);
  });

  it.each([
    ['fetch logs, from:now()-2x', 25, "unexpected character 'x' (a duration's unit is ns, us, ms, s, m, h, d or w)"],
    ['fetch logs, from:1.5h', 18, 'a duration is a whole number followed by its unit, e.g. 90s or 2h'],
    ['fetch logs, from:now()-', 24, "expected a duration such as 30s, 5m, 2h or 7d after '-' but found the end of the query"],
    ['fetch logs, from:now() - 2', 26, "expected a duration such as 30s, 5m, 2h or 7d after '-' but found '2'"],
    ['fetch logs, from:now', 18, 'from: needs a time (now(), now()-2h, -2h or a timestamp in quotes such as "2024-05-01T12:00:00Z") but found \'now\''],
    ['fetch logs, from:now(', 22, "expected ')' but found the end of the query"],
    ['fetch logs, from:yesterday', 18, "from: needs a time (now(), now()-2h, -2h or a timestamp in quotes such as \"2024-05-01T12:00:00Z\") but found 'yesterday'"],
    ['fetch logs, to:"yesterday"', 16, 'expected a timestamp such as "2024-05-01T12:00:00Z" (ISO 8601, between 1970 and 9999) but found the string "yesterday"'],
    ['fetch logs, from:"2024-02-30"', 18, 'expected a timestamp such as'],
    ['fetch logs, from:toTimestamp(42)', 30, 'toTimestamp() needs a timestamp in quotes, such as "2024-05-01T12:00:00Z", but found \'42\''],
    ['fetch logs, from:now()-99999999d', 18, 'the time lies outside the years 1970 to 9999'],
    ['fetch logs, from:-2h, to:-3h', 23, 'the timeframe is empty: from: must be before to:'],
    ['fetch logs, from:now()+1h', 13, 'the timeframe is empty: from: must be before now()'],
    ['fetch logs, from:-2h, from:-1h', 23, 'fetch takes from: once'],
    ['fetch logs, from:-2h, timeframe:"2024-04-01/2024-04-02"', 23, 'fetch takes either timeframe: or from: and to:, not both'],
    ['fetch logs, timeframe:"2024-04-01/2024-04-02", to:-1h', 48, 'fetch takes either timeframe: or from: and to:, not both'],
    ['fetch logs, timeframe:"2024-04-01"', 23, "timeframe: needs two ISO 8601 timestamps between 1970 and 9999 separated by '/'"],
    ['fetch logs, timeframe:"2024-04-02/2024-04-01"', 23, 'the timeframe is empty: its start must be before its end'],
    ['fetch logs, timeframe:-2h', 23, 'timeframe: needs a start and an end in quotes'],
    ['fetch logs, scanLimitGBytes:500', 13, "expected a parameter of fetch (from:, to: or timeframe:) but found 'scanLimitGBytes'"],
    ['fetch logs, from -2h', 18, "expected ':' but found the duration '-2h'"],
    ['fetch logs,', 12, 'expected a parameter of fetch (from:, to: or timeframe:) but found the end of the query'],
    ['fetch logs | filter timestamp > 2h', 33, 'a duration is not a value here; a time before now is written now() - 2h'],
    ['fetch logs | filter timestamp > now() - 1d@d', 43, "unexpected character '@'"],
    ['fetch logs | filter timestamp > now() * 2', 39, "unexpected character '*'"],
  ])('refuses %j at column %i', (text, column, message) => {
    const error = errorOf(text);
    expect(error.message).toContain(`line 1, column ${column}`);
    expect(error.message).toContain(message);
  });

  it('points at the line and column of a bad time on a later line', () => {
    const error = errorOf('fetch logs,\n  from: now() - 2hours');
    expect([error.line, error.column]).toEqual([2, 18]);
    expect(error.message).toContain("unexpected character 'h' (a duration's unit is ns, us, ms, s, m, h, d or w)");
  });
});
