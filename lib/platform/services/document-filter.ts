import { sql, type SQL } from 'drizzle-orm';
import { documents } from '@/lib/db/schema';
import { badRequest } from '../errors';

// The `filter` of the document list, in the original platform's filter language: comparisons
// (=, ==, !=, <, <=, >, >=), contains / starts-with / ends-with (case-insensitive), `in (...)`,
// `exists`, joined with and / or / not and brackets (at most 3 deep), at most 1024 characters.
// It becomes one SQL condition on the documents table; values are bound parameters.

export const MAX_FILTER_LENGTH = 1024;
const MAX_NESTING = 3;
const MAX_INTEGER = 2147483647;

/** The time in ISO form, or '' when it is none. */
function isoTime(text: string): string {
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? '' : new Date(ms).toISOString();
}

type Field = { column: SQL; kind: 'text' | 'number' | 'time'; optional?: boolean };

const FIELDS: Record<string, Field> = {
  id: { column: sql`${documents.id}::text`, kind: 'text' },
  name: { column: sql`${documents.name}`, kind: 'text' },
  type: { column: sql`${documents.type}`, kind: 'text' },
  description: { column: sql`${documents.description}`, kind: 'text', optional: true },
  version: { column: sql`${documents.version}`, kind: 'number' },
  owner: { column: sql`coalesce(${documents.ownerUserId}, ${documents.ownerServiceUserId})::text`, kind: 'text', optional: true },
  'modificationInfo.createdBy': { column: sql`coalesce(${documents.ownerUserId}, ${documents.ownerServiceUserId})::text`, kind: 'text', optional: true },
  'modificationInfo.lastModifiedBy': {
    column: sql`coalesce(${documents.lastModifiedBy}, ${documents.ownerUserId}, ${documents.ownerServiceUserId})::text`,
    kind: 'text',
    optional: true,
  },
  'modificationInfo.createdTime': { column: sql`${documents.createdAt}`, kind: 'time' },
  'modificationInfo.lastModifiedTime': { column: sql`${documents.updatedAt}`, kind: 'time' },
};

// Of the original's fields, these name what the portal does not keep: no document has them.
const ABSENT_FIELDS = new Set(['originAppId', 'originExtensionId', 'externalId']);

type Token = { kind: 'word' | 'string' | 'number' | 'op' | '(' | ')' | ','; text: string; at: number };

const OPERATORS = ['==', '!=', '<=', '>=', '=', '<', '>'];

function fail(message: string, at?: number): never {
  throw badRequest(`Invalid query parameter 'filter': ${message}${at === undefined ? '' : ` (at character ${at + 1})`}.`);
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: c, text: c, at: i++ });
    } else if (c === "'" || c === '"') {
      const at = i++;
      let value = '';
      for (;;) {
        if (i >= text.length) fail('a quoted value is not closed', at);
        const d = text[i]!;
        if (d === '\\' && i + 1 < text.length) {
          value += text[i + 1];
          i += 2;
        } else if (d === c) {
          i++;
          break;
        } else {
          value += d;
          i++;
        }
      }
      tokens.push({ kind: 'string', text: value, at });
    } else if (OPERATORS.some((op) => text.startsWith(op, i))) {
      const op = OPERATORS.find((o) => text.startsWith(o, i))!;
      tokens.push({ kind: 'op', text: op, at: i });
      i += op.length;
    } else if (/[-+0-9]/.test(c) && /^[-+]?\d/.test(text.slice(i))) {
      const match = /^[-+]?\d+(\.\d+)?/.exec(text.slice(i))!;
      tokens.push({ kind: 'number', text: match[0], at: i });
      i += match[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const match = /^[A-Za-z_][A-Za-z0-9_.-]*/.exec(text.slice(i))!;
      tokens.push({ kind: 'word', text: match[0], at: i });
      i += match[0].length;
    } else {
      fail(`unexpected '${c}'`, i);
    }
  }
  return tokens;
}

function likePattern(value: string, prefix: string, suffix: string): string {
  return `${prefix}${value.replace(/[\\%_]/g, (m) => `\\${m}`)}${suffix}`;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private next(what: string): Token {
    const token = this.tokens[this.i++];
    if (!token) fail(`ends where ${what} was expected`);
    return token;
  }

  private isWord(word: string): boolean {
    const token = this.peek();
    return token?.kind === 'word' && token.text.toLowerCase() === word;
  }

  parse(): SQL {
    const condition = this.or(0);
    const rest = this.peek();
    if (rest) fail(`unexpected '${rest.text}'`, rest.at);
    return condition;
  }

  private or(depth: number): SQL {
    let left = this.and(depth);
    while (this.isWord('or')) {
      this.i++;
      left = sql`(${left} or ${this.and(depth)})`;
    }
    return left;
  }

  private and(depth: number): SQL {
    let left = this.unary(depth);
    while (this.isWord('and')) {
      this.i++;
      left = sql`(${left} and ${this.unary(depth)})`;
    }
    return left;
  }

  private unary(depth: number): SQL {
    if (this.isWord('not')) {
      this.i++;
      return sql`(not coalesce(${this.unary(depth)}, false))`;
    }
    const token = this.peek();
    if (token?.kind === '(') {
      if (depth >= MAX_NESTING) fail(`brackets nest deeper than ${MAX_NESTING} levels`, token.at);
      this.i++;
      const inner = this.or(depth + 1);
      const close = this.next("')'");
      if (close.kind !== ')') fail(`expected ')' but found '${close.text}'`, close.at);
      return inner;
    }
    return this.comparison();
  }

  private value(field: Field, name: string): string | number {
    const token = this.next('a value');
    if (field.kind === 'number') {
      if (token.kind !== 'number' && token.kind !== 'string') fail(`'${name}' is compared with a number`, token.at);
      const n = Number(token.text);
      // The column is a 4-byte integer: a value past it is refused here, not by the database.
      if (!Number.isInteger(n) || Math.abs(n) > MAX_INTEGER) fail(`'${name}' is compared with a whole number up to ${MAX_INTEGER}, not '${token.text}'`, token.at);
      return n;
    }
    if (token.kind !== 'string') fail(`'${name}' is compared with a quoted value, not '${token.text}'`, token.at);
    // PostgreSQL reads only the years 1 to 9999 in ISO form, as toISOString writes them.
    if (field.kind === 'time' && !/^(?!0000)\d{4}-/.test(isoTime(token.text))) {
      fail(`'${token.text}' is not a time between the years 1 and 9999 such as '2026-01-01T00:00:00.000Z'`, token.at);
    }
    return token.text;
  }

  private bound(field: Field, value: string | number): SQL {
    return field.kind === 'time' ? sql`${isoTime(String(value))}::timestamptz` : sql`${value}`;
  }

  private comparison(): SQL {
    const token = this.next('a field name');
    if (token.kind !== 'word') fail(`expected a field name but found '${token.text}'`, token.at);
    const absent = ABSENT_FIELDS.has(token.text);
    const field = FIELDS[token.text] ?? (absent ? ({ column: sql`null::text`, kind: 'text', optional: true } satisfies Field) : undefined);
    if (!field) fail(`'${token.text}' is not a field documents can be filtered by (${Object.keys(FIELDS).join(', ')})`, token.at);
    const op = this.next('an operator');
    const word = op.kind === 'word' ? op.text.toLowerCase() : null;
    if (word === 'exists') return sql`(${field.column} is not null)`;
    if (word === 'in') {
      const open = this.next("'('");
      if (open.kind !== '(') fail("'in' is followed by a list in brackets", open.at);
      const values: SQL[] = [];
      for (;;) {
        values.push(this.bound(field, this.value(field, token.text)));
        const sep = this.next("',' or ')'");
        if (sep.kind === ')') break;
        if (sep.kind !== ',') fail(`expected ',' or ')' but found '${sep.text}'`, sep.at);
      }
      return sql`(${field.column} in (${sql.join(values, sql`, `)}))`;
    }
    if (word === 'contains' || word === 'starts-with' || word === 'ends-with') {
      if (field.kind !== 'text') fail(`'${word}' applies to text fields, not '${token.text}'`, op.at);
      const value = String(this.value(field, token.text));
      const pattern = word === 'contains' ? likePattern(value, '%', '%') : word === 'starts-with' ? likePattern(value, '', '%') : likePattern(value, '%', '');
      return sql`(${field.column} ilike ${pattern})`;
    }
    if (op.kind !== 'op') fail(`expected an operator after '${token.text}' but found '${op.text}'`, op.at);
    const right = this.bound(field, this.value(field, token.text));
    const sqlOp = op.text === '==' ? '=' : op.text === '!=' ? '<>' : op.text;
    if (field.kind === 'text' && sqlOp !== '=' && sqlOp !== '<>') fail(`'${op.text}' compares numbers and times, not '${token.text}'`, op.at);
    return sql`(${field.column} ${sql.raw(sqlOp)} ${right})`;
  }
}

/** The SQL condition of a `filter`, or a 400 naming the parameter and where it went wrong. */
export function documentFilter(text: string): SQL {
  if (text.length > MAX_FILTER_LENGTH) fail(`is longer than ${MAX_FILTER_LENGTH} characters`);
  const tokens = tokenize(text);
  if (tokens.length === 0) fail('is empty');
  return new Parser(tokens).parse();
}
