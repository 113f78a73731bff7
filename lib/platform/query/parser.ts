// Parser of the storage query language (PRODUCT.md §7), strict: anything outside the grammar
// below is refused with the position of the first error.
//
//   query     := 'fetch' table (',' parameter)* ('|' command)*
//   table     := 'events' | 'bizevents' | 'logs'
//   parameter := ('from' | 'to') ':' (time | duration) | 'timeframe' ':' string
//   command   := 'filter' condition ('and' condition)*
//              | 'fields' field (',' field)*
//              | 'sort' field ['asc' | 'desc'] (',' field ['asc' | 'desc'])*
//              | 'summarize' [name '='] 'count' '(' ')' [',' 'by' ':' '{' field (',' field)* '}']
//              | 'limit' integer
//   condition := field ('==' | '!=' | '<' | '<=' | '>' | '>=') literal
//              | 'contains' '(' field ',' string ')'
//   field     := name ('.' name)* | '`' any text '`'
//   literal   := string | number | 'true' | 'false' | 'null' | time
//   time      := 'now' '(' ')' (('+' | '-') duration)* | ('toTimestamp' | 'timestamp') '(' string ')' | string
//   duration  := ['-'] integer ('ns' | 'us' | 'ms' | 's' | 'm' | 'h' | 'd' | 'w')
//
// A time is an instant: `now()` is the time of the request, a duration in `from:` or `to:` is an
// offset from it (`from:-2h`), and a string there is an ISO 8601 timestamp (no zone means UTC).
// In a condition a time becomes its ISO string, which compares with `timestamp` as the instant
// does (semantics.ts). `from:` is inclusive, `to:` exclusive; without `to:` the timeframe ends
// now, without `from:` it starts in 1970; `timeframe:"<start>/<end>"` names both.
//
// Beyond the grammar, a query stays within the limits of ast.ts (commands, conditions, sort,
// group and listed fields, field names, strings), each refused with a message naming it.

import { STORAGE_TABLE_READ_SCOPES, type StorageTable } from '@/lib/platform/catalogue';
import {
  MAX_COMMANDS,
  MAX_CONDITIONS,
  MAX_FIELD_NAME_LENGTH,
  MAX_FIELD_PARTS,
  MAX_FIELDS,
  MAX_GROUP_FIELDS,
  MAX_QUERY_LENGTH,
  MAX_RESULT_RECORDS,
  MAX_SORT_FIELDS,
  MAX_STRING_LENGTH,
  type Command,
  type ComparisonOperator,
  type Condition,
  type FieldRef,
  type Literal,
  type Query,
  type SortKey,
  type Timeframe,
} from './ast';
import { QueryLexer, type Token } from './lexer';
import { QueryLimitError, QuerySyntaxError } from './query-error';
import { TIMESTAMP_FIELD } from './semantics';
import { durationMs, MAX_TIMESTAMP, MIN_TIMESTAMP, parseTimestamp } from './timestamps';

const TABLES = Object.keys(STORAGE_TABLE_READ_SCOPES) as StorageTable[];
const COMMANDS = ['filter', 'fields', 'sort', 'summarize', 'limit'] as const;
const COMPARISONS: readonly string[] = ['==', '!=', '<', '<=', '>', '>='];
const FETCH_PARAMETERS: readonly string[] = ['from', 'to', 'timeframe'];
const TIMESTAMP_FUNCTIONS: readonly string[] = ['toTimestamp', 'timestamp'];
const TIME_EXAMPLES = 'now(), now()-2h, -2h or a timestamp in quotes such as "2024-05-01T12:00:00Z"';

export interface ParseOptions {
  /** The instant of `now()`: the time of the request (default: the current time). */
  now?: Date;
  /** The timeframe of a query that names none in `fetch`. */
  defaultTimeframe?: Timeframe | null;
}

export function parseQuery(text: string, options: ParseOptions = {}): Query {
  if (text.length > MAX_QUERY_LENGTH) {
    throw new QueryLimitError(`A query may be at most ${MAX_QUERY_LENGTH} characters long.`, MAX_QUERY_LENGTH, text, { position: false });
  }
  return new Parser(text, options.now ?? new Date(), options.defaultTimeframe ?? null).query();
}

/** The condition a timeframe puts right after `fetch`. */
function timeframeFilter(timeframe: Timeframe, start: number): Command {
  const field: FieldRef = { name: TIMESTAMP_FIELD, path: [TIMESTAMP_FIELD], start };
  return {
    kind: 'filter',
    conditions: [
      { kind: 'compare', field, operator: '>=', value: timeframe.start.toISOString() },
      { kind: 'compare', field, operator: '<', value: timeframe.end.toISOString() },
    ],
  };
}

class Parser {
  private readonly lexer: QueryLexer;
  private current: Token;
  /** What the query has used so far of the limits that hold across its commands. */
  private used = { conditions: 0, sortFields: 0, fields: 0, groupFields: 0 };

  constructor(
    private readonly text: string,
    private readonly now: Date,
    private readonly defaultTimeframe: Timeframe | null,
  ) {
    this.lexer = new QueryLexer(text);
    this.current = this.lexer.next();
  }

  query(): Query {
    if (this.current.kind === 'eof') throw this.error('the query is empty; start with fetch events, fetch bizevents or fetch logs');
    this.expectWord('fetch', 'the query must start with fetch');
    const tableToken = this.current;
    if (tableToken.kind !== 'word' || !TABLES.includes(tableToken.value as StorageTable)) {
      throw this.error(`expected a table (${TABLES.join(', ')}) but found ${this.describe(tableToken)}`);
    }
    this.advance();
    const timeframe = this.fetchParameters() ?? this.defaultTimeframe;
    const commands: Command[] = [];
    while (!this.atEnd()) {
      if (!this.isPunct('|')) throw this.error(`expected '|' or the end of the query but found ${this.describe(this.current)}`);
      this.advance();
      if (commands.length === MAX_COMMANDS) throw this.limit(`A query may have at most ${MAX_COMMANDS} commands.`);
      commands.push(this.command());
    }
    if (timeframe) commands.unshift(timeframeFilter(timeframe, tableToken.start));
    return { table: tableToken.value as StorageTable, commands, timeframe };
  }

  /** The timeframe named by `, from: …, to: …` or `, timeframe: "…"` after the table name; null when none is. */
  private fetchParameters(): Timeframe | null {
    const given = new Map<string, { token: Token; at: Date | Timeframe }>();
    while (this.isPunct(',')) {
      this.advance();
      const name = this.current;
      if (name.kind !== 'word' || !FETCH_PARAMETERS.includes(name.value)) {
        throw this.error(`expected a parameter of fetch (from:, to: or timeframe:) but found ${this.describe(name)}`);
      }
      if (given.has(name.value)) throw this.error(`fetch takes ${name.value}: once`);
      if (name.value === 'timeframe' ? given.size > 0 : given.has('timeframe')) throw this.error('fetch takes either timeframe: or from: and to:, not both');
      this.advance();
      this.expectPunct(':');
      given.set(name.value, { token: name, at: name.value === 'timeframe' ? this.timeframeString() : this.time(`${name.value}:`) });
    }
    const timeframe = given.get('timeframe')?.at as Timeframe | undefined;
    if (timeframe) return timeframe;
    const from = given.get('from') as { token: Token; at: Date } | undefined;
    const to = given.get('to') as { token: Token; at: Date } | undefined;
    if (!from && !to) return null;
    const start = from?.at ?? new Date(MIN_TIMESTAMP);
    const end = to?.at ?? this.now;
    if (start.getTime() >= end.getTime()) {
      const message = to ? 'the timeframe is empty: from: must be before to:' : 'the timeframe is empty: from: must be before now()';
      throw this.error(message, (to ?? from)!.token);
    }
    return { start, end };
  }

  /** The value of `from:` or `to:`: a time, or a duration as an offset from now(). */
  private time(what: string): Date {
    const token = this.current;
    if (token.kind === 'duration') {
      this.advance();
      return this.instantAt(this.now.getTime() + durationMs(token.value)!, token);
    }
    if (token.kind === 'string') return this.timestampString(token);
    if (this.startsTime()) return this.instant();
    throw this.error(`${what} needs a time (${TIME_EXAMPLES}) but found ${this.describe(token)}`);
  }

  /** `timeframe:"<start>/<end>"`, two ISO 8601 timestamps. */
  private timeframeString(): Timeframe {
    const token = this.current;
    const example = '"2024-05-01T00:00:00Z/2024-05-02T00:00:00Z"';
    if (token.kind !== 'string') throw this.error(`timeframe: needs a start and an end in quotes, such as ${example}, but found ${this.describe(token)}`);
    this.checkString(token);
    const parts = token.value.split('/');
    const [start, end] = parts.map((part) => parseTimestamp(part));
    if (parts.length !== 2 || !start || !end) {
      throw this.error(`timeframe: needs two ISO 8601 timestamps between 1970 and 9999 separated by '/', such as ${example}, but found ${this.describe(token)}`);
    }
    if (start.getTime() >= end.getTime()) throw this.error('the timeframe is empty: its start must be before its end');
    this.advance();
    return { start, end };
  }

  /** Whether a time function (`now()`, `toTimestamp("…")`) starts here. */
  private startsTime(): boolean {
    return this.current.kind === 'word' && (this.current.value === 'now' || TIMESTAMP_FUNCTIONS.includes(this.current.value)) && this.peekIsParen();
  }

  /** `now()` with durations added or taken away, or `toTimestamp("…")`. */
  private instant(): Date {
    const first = this.current;
    if (first.value !== 'now') {
      this.advance();
      this.expectPunct('(');
      const token = this.current;
      if (token.kind !== 'string') throw this.error(`${first.value}() needs a timestamp in quotes, such as "2024-05-01T12:00:00Z", but found ${this.describe(token)}`);
      const at = this.timestampString(token);
      this.expectPunct(')');
      return at;
    }
    this.advance();
    this.expectPunct('(');
    this.expectPunct(')');
    let ms = this.now.getTime();
    for (;;) {
      // `now()-2h` reads as now() and the duration -2h; `now() - 2h` as now(), '-' and 2h.
      if (this.current.kind === 'duration' && this.current.value.startsWith('-')) {
        ms += durationMs(this.current.value)!;
        this.advance();
      } else if (this.isPunct('+') || this.isPunct('-')) {
        const sign = this.current.value;
        this.advance();
        const token = this.current;
        if (token.kind !== 'duration') throw this.error(`expected a duration such as 30s, 5m, 2h or 7d after '${sign}' but found ${this.describe(token)}`);
        ms += (sign === '-' ? -1 : 1) * durationMs(token.value)!;
        this.advance();
      } else {
        break;
      }
    }
    return this.instantAt(ms, first);
  }

  private instantAt(ms: number, token: Token): Date {
    if (!(ms >= MIN_TIMESTAMP && ms <= MAX_TIMESTAMP)) throw this.error('the time lies outside the years 1970 to 9999', token);
    return new Date(Math.trunc(ms));
  }

  private timestampString(token: Token): Date {
    this.checkString(token);
    const at = parseTimestamp(token.value);
    if (!at) throw this.error(`expected a timestamp such as "2024-05-01T12:00:00Z" (ISO 8601, between 1970 and 9999) but found ${this.describe(token)}`, token);
    this.advance();
    return at;
  }

  private command(): Command {
    const token = this.current;
    if (token.kind !== 'word' || !(COMMANDS as readonly string[]).includes(token.value)) {
      throw this.error(`expected a command (${COMMANDS.join(', ')}) but found ${this.describe(token)}`);
    }
    this.advance();
    switch (token.value as (typeof COMMANDS)[number]) {
      case 'filter':
        return this.filter();
      case 'fields':
        return this.fields();
      case 'sort':
        return this.sort();
      case 'summarize':
        return this.summarize();
      case 'limit':
        return this.limitCommand();
    }
  }

  private filter(): Command {
    const conditions: Condition[] = [this.condition()];
    while (this.isWord('and')) {
      this.advance();
      conditions.push(this.condition());
    }
    return { kind: 'filter', conditions };
  }

  private condition(): Condition {
    this.count('conditions', MAX_CONDITIONS, `A query may have at most ${MAX_CONDITIONS} filter conditions.`);
    if (this.isWord('contains') && this.peekIsParen()) {
      this.advance();
      this.expectPunct('(');
      const field = this.field();
      this.expectPunct(',');
      const textToken = this.current;
      if (textToken.kind !== 'string') throw this.error(`contains() needs a string in quotes but found ${this.describe(textToken)}`);
      this.checkString(textToken);
      this.advance();
      this.expectPunct(')');
      return { kind: 'contains', field, text: textToken.value };
    }
    const field = this.field();
    const operatorToken = this.current;
    if (operatorToken.kind !== 'punct' || !COMPARISONS.includes(operatorToken.value)) {
      const hint = operatorToken.kind === 'punct' && operatorToken.value === '=' ? " (use '==' to compare)" : '';
      throw this.error(`expected a comparison (${COMPARISONS.join(', ')}) but found ${this.describe(operatorToken)}${hint}`);
    }
    this.advance();
    const operator = operatorToken.value as ComparisonOperator;
    const valueToken = this.current;
    const value = this.literal();
    if (operator !== '==' && operator !== '!=' && (typeof value === 'boolean' || value === null)) {
      throw this.error(`'${operator}' compares numbers, strings or timestamps, not ${String(value)}`, valueToken);
    }
    return { kind: 'compare', field, operator, value };
  }

  private literal(): Literal {
    const token = this.current;
    if (token.kind === 'string') {
      this.checkString(token);
      this.advance();
      return token.value;
    }
    if (token.kind === 'number') {
      const value = Number(token.value);
      if (!Number.isFinite(value)) throw this.error(`the number ${token.value} is out of range`);
      this.advance();
      return value;
    }
    if (token.kind === 'word' && (token.value === 'true' || token.value === 'false' || token.value === 'null')) {
      this.advance();
      return token.value === 'null' ? null : token.value === 'true';
    }
    if (this.startsTime()) return this.instant().toISOString();
    if (token.kind === 'duration') throw this.error(`a duration is not a value here; a time before now is written now() - ${token.value.replace(/^-/, '')}`);
    throw this.error(`expected a value (a string in quotes, a number, true, false or null) but found ${this.describe(token)}`);
  }

  private fields(): Command {
    const fields = this.fieldList(() => this.count('fields', MAX_FIELDS, `A query's fields commands may list at most ${MAX_FIELDS} fields.`));
    const seen = new Set<string>();
    for (const f of fields) {
      if (seen.has(f.name)) throw new QuerySyntaxError(`the field ${f.name} is listed twice`, f.start, this.text);
      seen.add(f.name);
    }
    return { kind: 'fields', fields };
  }

  private sort(): Command {
    const keys: SortKey[] = [];
    do {
      if (keys.length > 0) this.advance();
      this.count('sortFields', MAX_SORT_FIELDS, `A query may sort by at most ${MAX_SORT_FIELDS} fields.`);
      const field = this.field();
      let direction: SortKey['direction'] = 'asc';
      if (this.isWord('asc') || this.isWord('desc')) {
        direction = this.current.value as SortKey['direction'];
        this.advance();
      }
      keys.push({ field, direction });
    } while (this.isPunct(','));
    return { kind: 'sort', keys };
  }

  private summarize(): Command {
    let countName = 'count()';
    if (this.current.kind === 'word' && this.current.value !== 'count' && this.peekIsParen()) {
      throw this.error(`summarize supports count() only; found '${this.current.value}'`);
    }
    if (!this.isWord('count') || !this.peekIsParen()) {
      const alias = this.field();
      countName = alias.name;
      this.expectPunct('=', `expected count() or a name followed by '=' but found ${this.describe(this.current)}`);
    }
    this.expectWord('count', `summarize supports count() only; found ${this.describe(this.current)}`);
    this.expectPunct('(');
    this.expectPunct(')');
    const by: FieldRef[] = [];
    if (this.isPunct(',')) {
      this.advance();
      this.expectWord('by', `expected by: {…} but found ${this.describe(this.current)}`);
      this.expectPunct(':');
      this.expectPunct('{');
      by.push(...this.fieldList(() => this.count('groupFields', MAX_GROUP_FIELDS, `A query may group by at most ${MAX_GROUP_FIELDS} fields.`)));
      this.expectPunct('}');
      const names = new Set<string>([countName]);
      for (const f of by) {
        if (names.has(f.name)) throw new QuerySyntaxError(`the field ${f.name} is named twice in summarize`, f.start, this.text);
        names.add(f.name);
      }
    }
    return { kind: 'summarize', countName, by };
  }

  private limitCommand(): Command {
    const token = this.current;
    if (token.kind !== 'number' || !/^(0|[1-9][0-9]*)$/.test(token.value)) {
      throw this.error(`limit needs a whole number from 0 to ${MAX_RESULT_RECORDS} but found ${this.describe(token)}`);
    }
    const count = Number(token.value);
    if (count > MAX_RESULT_RECORDS) throw this.limit(`A limit may be at most ${MAX_RESULT_RECORDS}.`);
    this.advance();
    return { kind: 'limit', count };
  }

  /** A comma-separated list of fields; `each` runs before every field is read. */
  private fieldList(each: () => void): FieldRef[] {
    each();
    const fields = [this.field()];
    while (this.isPunct(',')) {
      this.advance();
      each();
      fields.push(this.field());
    }
    return fields;
  }

  private field(): FieldRef {
    const token = this.current;
    if (token.kind !== 'field' && token.kind !== 'word') throw this.error(`expected a field name but found ${this.describe(token)}`);
    if (token.value.length > MAX_FIELD_NAME_LENGTH) throw this.limit(`A field name may be at most ${MAX_FIELD_NAME_LENGTH} characters long.`);
    const path = token.kind === 'field' ? [token.value] : token.value.split('.');
    if (path.length > MAX_FIELD_PARTS) throw this.limit(`A field name may have at most ${MAX_FIELD_PARTS} parts separated by dots.`);
    this.advance();
    return { name: token.value, path, start: token.start };
  }

  private checkString(token: Token): void {
    if (token.value.length > MAX_STRING_LENGTH) throw this.limit(`A string in a query may be at most ${MAX_STRING_LENGTH} characters long.`, token);
  }

  /** Counts one more of a limit that holds across the query, at the current token. */
  private count(what: keyof Parser['used'], max: number, message: string): void {
    if (this.used[what] === max) throw this.limit(message);
    this.used[what]++;
  }

  private atEnd(): boolean {
    return this.current.kind === 'eof';
  }

  private advance(): void {
    this.current = this.lexer.next();
  }

  private peekIsParen(): boolean {
    const rest = this.text.slice(this.current.end);
    return /^\s*\(/.test(rest);
  }

  private isWord(value: string): boolean {
    return this.current.kind === 'word' && this.current.value === value;
  }

  private isPunct(value: string): boolean {
    return this.current.kind === 'punct' && this.current.value === value;
  }

  private expectWord(value: string, message?: string): void {
    if (!this.isWord(value)) throw this.error(message ?? `expected ${value} but found ${this.describe(this.current)}`);
    this.advance();
  }

  private expectPunct(value: string, message?: string): void {
    if (!this.isPunct(value)) throw this.error(message ?? `expected '${value}' but found ${this.describe(this.current)}`);
    this.advance();
  }

  private describe(token: Token): string {
    switch (token.kind) {
      case 'eof':
        return 'the end of the query';
      case 'string':
        return `the string ${JSON.stringify(token.value)}`;
      case 'field':
        return `\`${token.value}\``;
      case 'duration':
        return `the duration '${token.value}'`;
      default:
        return `'${token.value}'`;
    }
  }

  private error(message: string, at: Token = this.current): QuerySyntaxError {
    return new QuerySyntaxError(message, at.start, this.text);
  }

  private limit(message: string, at: Token = this.current): QueryLimitError {
    return new QueryLimitError(message, at.start, this.text);
  }
}
