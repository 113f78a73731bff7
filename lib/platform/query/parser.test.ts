import { describe, expect, it } from 'vitest';
import { parseQuery } from './parser';
import { QuerySyntaxError } from './query-error';

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
    ['fetch logs | limit 10001', 20, 'limit can be at most 10000'],
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

  it('refuses oversized queries and too many commands, fields or conditions', () => {
    expect(errorOf(`fetch logs | filter a == "${'x'.repeat(10_000)}"`).message).toContain('longer than 10000 characters');
    expect(errorOf(`fetch logs${' | limit 1'.repeat(51)}`).message).toContain('at most 50 commands');
    const fields = Array.from({ length: 51 }, (_, i) => `f${i}`).join(', ');
    expect(errorOf(`fetch logs | fields ${fields}`).message).toContain('fields can name at most 50 fields');
    const by = Array.from({ length: 11 }, (_, i) => `f${i}`).join(', ');
    expect(errorOf(`fetch logs | summarize count(), by: {${by}}`).message).toContain('summarize by can name at most 10 fields');
    const conditions = Array.from({ length: 51 }, (_, i) => `f == ${i}`).join(' and ');
    expect(errorOf(`fetch logs | filter ${conditions}`).message).toContain('at most 50 conditions');
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
