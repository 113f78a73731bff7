// Parser of the storage query language (PRODUCT.md §7), strict: anything outside the grammar
// below is refused with the position of the first error.
//
//   query     := 'fetch' table ('|' command)*
//   table     := 'events' | 'bizevents' | 'logs'
//   command   := 'filter' condition ('and' condition)*
//              | 'fields' field (',' field)*
//              | 'sort' field ['asc' | 'desc'] (',' field ['asc' | 'desc'])*
//              | 'summarize' [name '='] 'count' '(' ')' [',' 'by' ':' '{' field (',' field)* '}']
//              | 'limit' integer
//   condition := field ('==' | '!=' | '<' | '<=' | '>' | '>=') literal
//              | 'contains' '(' field ',' string ')'
//   field     := name ('.' name)* | '`' any text '`'
//   literal   := string | number | 'true' | 'false' | 'null'
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
} from './ast';
import { QueryLexer, type Token } from './lexer';
import { QueryLimitError, QuerySyntaxError } from './query-error';

const TABLES = Object.keys(STORAGE_TABLE_READ_SCOPES) as StorageTable[];
const COMMANDS = ['filter', 'fields', 'sort', 'summarize', 'limit'] as const;
const COMPARISONS: readonly string[] = ['==', '!=', '<', '<=', '>', '>='];

export function parseQuery(text: string): Query {
  if (text.length > MAX_QUERY_LENGTH) {
    throw new QueryLimitError(`A query may be at most ${MAX_QUERY_LENGTH} characters long.`, MAX_QUERY_LENGTH, text, { position: false });
  }
  return new Parser(text).query();
}

class Parser {
  private readonly lexer: QueryLexer;
  private current: Token;
  /** What the query has used so far of the limits that hold across its commands. */
  private used = { conditions: 0, sortFields: 0, fields: 0, groupFields: 0 };

  constructor(private readonly text: string) {
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
    const commands: Command[] = [];
    while (!this.atEnd()) {
      if (!this.isPunct('|')) throw this.error(`expected '|' or the end of the query but found ${this.describe(this.current)}`);
      this.advance();
      if (commands.length === MAX_COMMANDS) throw this.limit(`A query may have at most ${MAX_COMMANDS} commands.`);
      commands.push(this.command());
    }
    return { table: tableToken.value as StorageTable, commands };
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
