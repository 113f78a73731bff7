// Parser and validator of the policy language (PRODUCT.md §6):
//
//   policy     := statement*
//   statement  := ('ALLOW' | 'DENY') permission (',' permission)* ['WHERE' condition ('AND' condition)*] ';'
//   condition  := attribute ( ('=' | '!=' | '<' | '>') value
//                           | ['NOT'] 'IN' '(' value (',' value)* ')'
//                           | ['NOT'] 'startsWith' string )
//   value      := string | number
//
// Keywords are case-insensitive; permissions and attributes are not. `//` starts a comment that
// runs to the end of the line. Strings take single or double quotes; inside them a backslash
// escapes a quote or a backslash. Lines and columns are 1-based; a column counts UTF-16 code
// units, as JavaScript editors do.
//
// parsePolicy never throws: every input, however broken, yields either statements or the first
// error with its position.

import { comparableValue, invalidLiteral, isKnownAttribute, isPermission, operatorsFor, type Operator } from './permissions';
import { describeToken, PolicyLexer, PolicySyntaxError, truncate, type Token } from './policy-lexer';

export const MAX_STATEMENTS = 100;
export const MAX_POLICY_LENGTH = 65_536;

export type Effect = 'ALLOW' | 'DENY';
export type ConditionValue = string | number;
export type ListOperator = 'IN' | 'NOT IN';
export type ValueOperator = Exclude<Operator, ListOperator>;

export type Condition =
  | { attribute: string; operator: ListOperator; values: readonly ConditionValue[] }
  | { attribute: string; operator: ValueOperator; value: ConditionValue };

export interface Statement {
  effect: Effect;
  permissions: readonly string[];
  /** All must hold (AND); empty means unconditional. */
  conditions: readonly Condition[];
  /** The statement as written, from its effect keyword to its ';'. */
  text: string;
  line: number;
  column: number;
}

export interface PolicyError {
  message: string;
  line: number;
  column: number;
}

export type ParseResult =
  | {
      ok: true;
      statements: Statement[];
      /** The text as it is saved: email literals trimmed and lowercased, everything else as written. */
      normalized: string;
    }
  | { ok: false; error: PolicyError };

export interface ParseOptions {
  /**
   * Refuse literals that can never match (an email condition on something that is not a valid
   * email). Saving asks for this; a policy already stored is read without it, so that a release
   * that tightens the rule does not turn its saved policies into deny-everything ones.
   */
  saving?: boolean;
}

const KEYWORDS = new Set(['allow', 'deny', 'where', 'and', 'in', 'not', 'startswith']);
const PUNCT_OPERATORS: ReadonlyMap<string, ValueOperator> = new Map(
  (['=', '!=', '<', '>'] as const).map((o) => [o, o]),
);

export function parsePolicy(text: string, options: ParseOptions = {}): ParseResult {
  if (typeof text !== 'string') return { ok: false, error: { message: 'The policy must be text', line: 1, column: 1 } };
  const positions = new LinePositions(text);
  if (text.length > MAX_POLICY_LENGTH) {
    const message = `The policy is longer than ${MAX_POLICY_LENGTH} characters`;
    return { ok: false, error: { message, ...positions.at(MAX_POLICY_LENGTH) } };
  }
  try {
    const parser = new Parser(text, positions, options.saving ?? false);
    const statements = parser.parsePolicy();
    return { ok: true, statements, normalized: parser.normalizedText() };
  } catch (e) {
    if (e instanceof PolicySyntaxError) return { ok: false, error: { message: e.message, ...positions.at(e.offset) } };
    // Unreachable by design; the contract is still to answer, never to throw.
    return { ok: false, error: { message: 'The policy could not be read', line: 1, column: 1 } };
  }
}

/** "Unknown permission 'foo:bar' at line 2, column 7". */
export function formatPolicyError(error: PolicyError): string {
  return `${error.message} at line ${error.line}, column ${error.column}`;
}

class LinePositions {
  private readonly lineStarts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  at(offset: number): { line: number; column: number } {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - (this.lineStarts[low] ?? 0) + 1 };
  }
}

class Parser {
  private readonly lexer: PolicyLexer;
  private current: Token;
  private previous: Token | null = null;
  /** String literals whose comparable form differs from what was written, in text order. */
  private readonly rewrites: { start: number; end: number; literal: string }[] = [];

  constructor(
    private readonly text: string,
    private readonly positions: LinePositions,
    private readonly saving: boolean,
  ) {
    this.lexer = new PolicyLexer(text);
    this.current = this.lexer.next();
  }

  normalizedText(): string {
    let out = '';
    let at = 0;
    for (const r of this.rewrites) {
      out += this.text.slice(at, r.start) + r.literal;
      at = r.end;
    }
    return out + this.text.slice(at);
  }

  parsePolicy(): Statement[] {
    const statements: Statement[] = [];
    while (this.current.kind !== 'eof') {
      if (statements.length === MAX_STATEMENTS) {
        this.fail(`A policy can have at most ${MAX_STATEMENTS} statements`);
      }
      statements.push(this.parseStatement());
    }
    return statements;
  }

  // Every check looks at `current` before advancing: advancing lexes the next token, and a
  // lexical error there must not win over an error in the current one.
  private advance(): Token {
    const token = this.current;
    this.previous = token;
    this.current = this.lexer.next();
    return token;
  }

  private fail(message: string, token: Token = this.current): never {
    throw new PolicySyntaxError(message, token.start);
  }

  private isKeyword(keyword: string, token: Token = this.current): boolean {
    return token.kind === 'word' && token.value.toLowerCase() === keyword;
  }

  private isPunct(punct: string): boolean {
    return this.current.kind === 'punct' && this.current.value === punct;
  }

  private parseStatement(): Statement {
    const first = this.current;
    const effect = this.isKeyword('allow') ? 'ALLOW' : this.isKeyword('deny') ? 'DENY' : null;
    if (!effect) this.fail(`Expected 'ALLOW' or 'DENY', found ${describeToken(first)}`);
    this.advance();

    const permissions: string[] = [];
    let after = `'${effect}'`;
    for (;;) {
      permissions.push(this.parsePermission(after));
      if (!this.isPunct(',')) break;
      this.advance();
      after = "','";
    }

    const conditions: Condition[] = [];
    if (this.isKeyword('where')) {
      after = "'WHERE'";
      this.advance();
      // Each distinct permission once: a statement that repeats one costs no more per condition.
      const distinct = [...new Set(permissions)];
      for (;;) {
        conditions.push(this.parseCondition(distinct, after));
        if (!this.isKeyword('and')) break;
        this.advance();
        after = "'AND'";
      }
    }

    this.expectEndOfStatement(conditions.length === 0 ? "',', 'WHERE' or ';' after the permission" : "'AND' or ';' after the condition");
    const semicolon = this.advance();
    return {
      effect,
      permissions,
      conditions,
      text: this.text.slice(first.start, semicolon.end),
      ...this.positions.at(first.start),
    };
  }

  private parsePermission(after: string): string {
    const token = this.current;
    if (token.kind !== 'word' || KEYWORDS.has(token.value.toLowerCase())) {
      this.fail(`Expected a permission after ${after}, found ${describeToken(token)}`);
    }
    if (!isPermission(token.value)) this.fail(`Unknown permission '${truncate(token.value)}'`);
    return this.advance().value;
  }

  private parseCondition(permissions: readonly string[], after: string): Condition {
    const token = this.current;
    if (token.kind !== 'word' || KEYWORDS.has(token.value.toLowerCase())) {
      this.fail(`Expected an attribute after ${after}, found ${describeToken(token)}`);
    }
    const attribute = token.value;
    if (!isKnownAttribute(attribute)) this.fail(`Unknown attribute '${truncate(attribute)}'`);
    let allowed: readonly Operator[] = [];
    for (const permission of permissions) {
      const operators = operatorsFor(permission, attribute);
      if (!operators) this.fail(`Attribute '${attribute}' is not supported by permission '${permission}'`);
      allowed = permission === permissions[0] ? operators : allowed.filter((o) => operators.includes(o));
    }
    this.advance();

    const operator = this.parseOperator(attribute, allowed);
    if (operator === 'IN' || operator === 'NOT IN') return { attribute, operator, values: this.parseList(attribute, operator) };
    return { attribute, operator, value: this.parseValue(attribute, operator) };
  }

  private parseOperator(attribute: string, allowed: readonly Operator[]): Operator {
    const start = this.current;
    const operator = this.readOperator(attribute);
    if (!allowed.includes(operator)) {
      this.fail(
        `Operator '${operator}' is not allowed for attribute '${attribute}' (allowed: ${allowed.join(', ')})`,
        start,
      );
    }
    this.advance();
    return operator;
  }

  /** Leaves the operator's last token current, so that the caller can refuse it in place. */
  private readOperator(attribute: string): Operator {
    const token = this.current;
    const punct = token.kind === 'punct' ? PUNCT_OPERATORS.get(token.value) : undefined;
    if (punct) return punct;
    if (this.isKeyword('in')) return 'IN';
    if (this.isKeyword('startswith')) return 'startsWith';
    if (this.isKeyword('not')) {
      this.advance();
      if (this.isKeyword('in')) return 'NOT IN';
      if (this.isKeyword('startswith')) return 'NOT startsWith';
      this.fail(`Expected 'IN' or 'startsWith' after 'NOT', found ${describeToken(this.current)}`);
    }
    return this.fail(
      `Expected an operator (=, !=, <, >, IN, NOT IN, startsWith, NOT startsWith) after '${attribute}', found ${describeToken(token)}`,
    );
  }

  private parseList(attribute: string, operator: ListOperator): ConditionValue[] {
    if (!this.isPunct('(')) this.fail(`Expected '(' after '${operator}', found ${describeToken(this.current)}`);
    this.advance();
    if (this.isPunct(')')) this.fail(`The list after '${operator}' must not be empty`);
    const values: ConditionValue[] = [];
    for (;;) {
      values.push(this.parseValue(attribute, values.length === 0 ? "'('" : "','"));
      if (this.isPunct(')')) break;
      if (!this.isPunct(',')) this.fail(`Expected ',' or ')' in the list, found ${describeToken(this.current)}`);
      this.advance();
    }
    this.advance();
    return values;
  }

  private parseValue(attribute: string, after: string): ConditionValue {
    const token = this.current;
    const stringsOnly = after === 'startsWith' || after === 'NOT startsWith';
    const isValue = token.kind === 'string' || (token.kind === 'number' && !stringsOnly);
    if (!isValue) {
      const expected = stringsOnly ? 'a quoted string' : 'a quoted string or a number';
      const shownAfter = after.startsWith("'") ? after : `'${after}'`;
      return this.fail(`Expected ${expected} after ${shownAfter}, found ${describeToken(token)}`);
    }
    const written: ConditionValue = token.kind === 'string' ? token.value : Number(token.value);
    if (this.saving) {
      const invalid = invalidLiteral(attribute, written);
      if (invalid) this.fail(invalid);
    }
    const value = comparableValue(attribute, written);
    if (token.kind === 'string' && value !== written) {
      const quote = token.raw.charAt(0);
      const escaped = String(value).replace(quote === '"' ? /["\\]/g : /['\\]/g, '\\$&');
      this.rewrites.push({ start: token.start, end: token.end, literal: `${quote}${escaped}${quote}` });
    }
    this.advance();
    return value;
  }

  /**
   * A missing ';' is reported right after the statement when the statement visibly ended there
   * (end of input, or the next token is on a later line); otherwise at the stray token.
   */
  private expectEndOfStatement(expected: string): void {
    if (this.isPunct(';')) return;
    const previous = this.previous;
    const endedEarlier =
      previous !== null &&
      (this.current.kind === 'eof' || this.positions.at(this.current.start).line > this.positions.at(previous.end).line);
    if (endedEarlier) throw new PolicySyntaxError("Expected ';' after the statement", previous.end);
    this.fail(`Expected ${expected}, found ${describeToken(this.current)}`);
  }
}
