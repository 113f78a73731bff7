// Tokenizer of the storage query language. The parser pulls one token at a time, so the error
// reported is always the first one in reading order.

import { QuerySyntaxError } from './query-error';

export type TokenKind = 'word' | 'field' | 'string' | 'number' | 'duration' | 'punct' | 'eof';

export interface Token {
  kind: TokenKind;
  /** Words and punctuation as written, strings and backtick fields unquoted, numbers and durations as source. */
  value: string;
  start: number;
  end: number;
}

const WORD = /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*/y;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
/** A duration's unit right after its number (`30s`, `5m`, `2h`, `7d`): the units of timestamps.ts. */
const DURATION_UNIT = /(?:ns|us|ms|s|m|h|d|w)(?![A-Za-z0-9_.])/y;
const TWO_CHAR = new Set(['==', '!=', '<=', '>=']);
const ONE_CHAR = new Set(['|', ',', '(', ')', '{', '}', ':', '=', '<', '>', '+', '-']);
const WHITESPACE = new Set([' ', '\t', '\n', '\r', '\u00a0', '\ufeff']);
const ESCAPES: Readonly<Record<string, string>> = { '"': '"', "'": "'", '\\': '\\', n: '\n', t: '\t', r: '\r', '/': '/' };

export class QueryLexer {
  private offset = 0;

  constructor(private readonly text: string) {}

  next(): Token {
    this.skipWhitespace();
    const start = this.offset;
    const text = this.text;
    if (start >= text.length) return { kind: 'eof', value: '', start, end: start };
    const c = text.charAt(start);
    if (c === '"' || c === "'") return this.readString(c);
    if (c === '`') return this.readBacktickField();
    if (isDigit(c) || (c === '-' && isDigit(text.charAt(start + 1)))) return this.readPattern('number', NUMBER);
    if (/[A-Za-z_]/.test(c)) return this.readPattern('word', WORD);
    const two = text.slice(start, start + 2);
    if (TWO_CHAR.has(two)) return this.token('punct', start, start + 2, two);
    if (ONE_CHAR.has(c)) return this.token('punct', start, start + 1, c);
    throw this.error(`unexpected character ${describe(text, start)}`, start);
  }

  private error(message: string, offset: number): QuerySyntaxError {
    return new QuerySyntaxError(message, offset, this.text);
  }

  private token(kind: TokenKind, start: number, end: number, value: string): Token {
    this.offset = end;
    return { kind, value, start, end };
  }

  private skipWhitespace(): void {
    while (this.offset < this.text.length && WHITESPACE.has(this.text.charAt(this.offset))) this.offset++;
  }

  private readPattern(kind: 'word' | 'number', pattern: RegExp): Token {
    const start = this.offset;
    pattern.lastIndex = start;
    const match = pattern.exec(this.text);
    let end = start + (match?.[0].length ?? 0);
    if (kind === 'number') {
      DURATION_UNIT.lastIndex = end;
      const unit = DURATION_UNIT.exec(this.text);
      if (unit) {
        if (!/^-?[0-9]+$/.test(this.text.slice(start, end))) throw this.error('a duration is a whole number followed by its unit, e.g. 90s or 2h', start);
        end += unit[0].length;
        return this.token('duration', start, end, this.text.slice(start, end));
      }
    }
    // `status2x` or `12abc` would silently split into two tokens; a clear error is kinder.
    if (end < this.text.length && /[A-Za-z0-9_.]/.test(this.text.charAt(end))) {
      const unitHint = kind === 'number' && /^-?[0-9]+$/.test(this.text.slice(start, end)) && /[A-Za-z]/.test(this.text.charAt(end));
      throw this.error(`unexpected character ${describe(this.text, end)}${unitHint ? ` (a duration's unit is ns, us, ms, s, m, h, d or w)` : ''}`, end);
    }
    return this.token(kind, start, end, this.text.slice(start, end));
  }

  private readString(quote: string): Token {
    const start = this.offset;
    let value = '';
    let i = start + 1;
    while (i < this.text.length) {
      const c = this.text.charAt(i);
      if (c === quote) return this.token('string', start, i + 1, value);
      if (c === '\n' || c === '\r') break;
      // PostgreSQL text cannot hold U+0000, so no value can ever equal such a string.
      if (c === '\u0000') throw this.error('strings cannot contain the character U+0000', i);
      if (c === '\\') {
        const next = this.text.charAt(i + 1);
        if (next === 'u' && /^[0-9A-Fa-f]{4}$/.test(this.text.slice(i + 2, i + 6))) {
          const code = parseInt(this.text.slice(i + 2, i + 6), 16);
          if (code === 0) throw this.error('strings cannot contain the character U+0000', i);
          value += String.fromCharCode(code);
          i += 6;
          continue;
        }
        const escaped = ESCAPES[next];
        if (escaped === undefined) throw this.error(`unknown escape sequence \\${next}`, i);
        value += escaped;
        i += 2;
        continue;
      }
      value += c;
      i++;
    }
    throw this.error('string is not closed', start);
  }

  private readBacktickField(): Token {
    const start = this.offset;
    const close = this.text.indexOf('`', start + 1);
    const newline = this.text.slice(start, close === -1 ? undefined : close).search(/[\r\n]/);
    if (close === -1 || newline !== -1) throw this.error('field name in backticks is not closed', start);
    if (close === start + 1) throw this.error('field name in backticks is empty', start);
    if (this.text.slice(start, close).includes('\u0000')) throw this.error('field names cannot contain the character U+0000', start);
    return this.token('field', start, close + 1, this.text.slice(start + 1, close));
  }
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

function describe(text: string, offset: number): string {
  const code = text.codePointAt(offset) ?? 0;
  const c = String.fromCodePoint(code);
  return code < 0x20 || code === 0x7f ? `U+${code.toString(16).toUpperCase().padStart(4, '0')}` : `'${c}'`;
}
