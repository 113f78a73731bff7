// Tokenizer of the policy language. It is pulled one token at a time by the parser, so that the
// error reported is always the first one in reading order: a lexical error later in the text
// never hides an unknown permission earlier on.

export type TokenKind = 'word' | 'string' | 'number' | 'punct' | 'eof';

export interface Token {
  kind: TokenKind;
  /** The source slice, quotes and escapes included. */
  raw: string;
  /** Words and punctuation as written, strings unescaped, numbers as their source text. */
  value: string;
  start: number;
  end: number;
}

/** Thrown inside the parser only; parsePolicy turns it into a PolicyError. */
export class PolicySyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const WORD_START = /[A-Za-z_]/;
const WORD_CHAR = /[A-Za-z0-9_:.\-]/;
const NUMBER = /^-?[0-9]+(\.[0-9]+)?$/;
const PUNCT = new Set([',', ';', '(', ')', '=', '<', '>']);
// Pasted text often carries a byte-order mark or non-breaking spaces; they are harmless.
const WHITESPACE = new Set([' ', '\t', '\n', '\r', '\u00a0', '\ufeff']);

export class PolicyLexer {
  private offset = 0;

  constructor(private readonly text: string) {}

  next(): Token {
    this.skipWhitespaceAndComments();
    const start = this.offset;
    if (start >= this.text.length) return { kind: 'eof', raw: '', value: '', start, end: start };
    const c = this.text.charAt(start);
    if (c === '"' || c === "'") return this.readString(c);
    if (isDigit(c) || (c === '-' && isDigit(this.text.charAt(start + 1)))) return this.readNumber();
    if (WORD_START.test(c)) return this.readWord();
    if (c === '!' && this.text.charAt(start + 1) === '=') return this.token('punct', start, start + 2);
    if (PUNCT.has(c)) return this.token('punct', start, start + 1);
    this.checkCharacter(start);
    throw new PolicySyntaxError(`Unexpected character ${describeCharacter(this.text, start)}`, start);
  }

  private token(kind: TokenKind, start: number, end: number, value?: string): Token {
    this.offset = end;
    const raw = this.text.slice(start, end);
    return { kind, raw, value: value ?? raw, start, end };
  }

  private scanWhile(from: number, pattern: RegExp): number {
    let end = from;
    while (end < this.text.length && pattern.test(this.text.charAt(end))) end++;
    return end;
  }

  private skipWhitespaceAndComments(): void {
    const text = this.text;
    while (this.offset < text.length) {
      const c = text.charAt(this.offset);
      if (WHITESPACE.has(c)) {
        this.offset++;
      } else if (c === '/' && text.charAt(this.offset + 1) === '/') {
        while (this.offset < text.length && text.charAt(this.offset) !== '\n') {
          // Comments are stored with the policy, so they must be storable text as well.
          this.offset += this.checkCharacter(this.offset);
        }
      } else {
        return;
      }
    }
  }

  // A name runs on over non-ASCII characters so that a misspelt permission is reported whole.
  private readWord(): Token {
    const start = this.offset;
    let end = start + 1;
    while (end < this.text.length) {
      const c = this.text.charAt(end);
      if (WORD_CHAR.test(c)) end++;
      else if (c.charCodeAt(0) >= 0x80 && !WHITESPACE.has(c)) end += this.checkCharacter(end);
      else break;
    }
    return this.token('word', start, end);
  }

  private readNumber(): Token {
    const start = this.offset;
    const end = this.scanWhile(start + 1, WORD_CHAR);
    const raw = this.text.slice(start, end);
    if (!NUMBER.test(raw)) throw new PolicySyntaxError(`Invalid number '${truncate(raw)}'`, start);
    if (!Number.isFinite(Number(raw))) throw new PolicySyntaxError(`Number '${truncate(raw)}' is too large`, start);
    return this.token('number', start, end);
  }

  private readString(quote: string): Token {
    const start = this.offset;
    const text = this.text;
    let value = '';
    let i = start + 1;
    for (;;) {
      if (i >= text.length) throw new PolicySyntaxError('Unterminated string', start);
      const c = text.charAt(i);
      if (c === quote) return this.token('string', start, i + 1, value);
      if (c === '\n' || c === '\r') throw new PolicySyntaxError('Unterminated string', start);
      if (c === '\\') {
        const escaped = text.charAt(i + 1);
        if (escaped === '\\' || escaped === '"' || escaped === "'") {
          value += escaped;
          i += 2;
          continue;
        }
        if (i + 1 >= text.length || escaped === '\n' || escaped === '\r') {
          throw new PolicySyntaxError('Unterminated string', start);
        }
        this.checkCharacter(i + 1);
        const shown = describeCharacter(text, i + 1).replace(/^'(.*)'$/, '$1');
        throw new PolicySyntaxError(
          `Invalid escape sequence '\\${shown}' in a string (only \\", \\' and \\\\ are allowed)`,
          i,
        );
      }
      const width = this.checkCharacter(i);
      value += text.slice(i, i + width);
      i += width;
    }
  }

  /**
   * Refuses characters that PostgreSQL cannot store in a text column or that are invisible in
   * an editor (NUL and other control characters, unpaired surrogates). Returns the width of the
   * character in UTF-16 code units.
   */
  private checkCharacter(at: number): number {
    const code = this.text.charCodeAt(at);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || (code >= 0x7f && code <= 0x9f)) {
      throw new PolicySyntaxError(`Control character ${codePointLabel(code)} is not allowed`, at);
    }
    if (code >= 0xd800 && code <= 0xdbff) {
      const low = this.text.charCodeAt(at + 1);
      if (low >= 0xdc00 && low <= 0xdfff) return 2;
      throw new PolicySyntaxError('Invalid character (unpaired surrogate)', at);
    }
    if (code >= 0xdc00 && code <= 0xdfff) {
      throw new PolicySyntaxError('Invalid character (unpaired surrogate)', at);
    }
    return 1;
  }
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

function codePointLabel(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** A character for an error message: quoted when printable, as U+XXXX otherwise. */
function describeCharacter(text: string, at: number): string {
  const codePoint = text.codePointAt(at) ?? 0;
  const printable = codePoint > 0x20 && codePoint !== 0x7f && !(codePoint >= 0x80 && codePoint <= 0xa0);
  const isSurrogate = codePoint >= 0xd800 && codePoint <= 0xdfff;
  return printable && !isSurrogate ? `'${String.fromCodePoint(codePoint)}'` : codePointLabel(codePoint);
}

export function truncate(text: string, max = 40): string {
  if (text.length <= max) return text;
  // Do not cut a surrogate pair in half: the message must itself be valid text.
  const cut = /[\ud800-\udbff]/.test(text.charAt(max - 1)) ? max - 1 : max;
  return `${text.slice(0, cut)}…`;
}

/** How the parser names a token it did not expect. */
export function describeToken(token: Token): string {
  return token.kind === 'eof' ? 'the end of the policy' : `'${truncate(token.raw)}'`;
}
