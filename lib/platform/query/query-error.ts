/** A query that does not parse; `offset` is 0-based, `line` and `column` 1-based. */
export class QuerySyntaxError extends Error {
  override name = 'QuerySyntaxError';
  readonly line: number;
  readonly column: number;

  constructor(
    readonly detail: string,
    readonly offset: number,
    text: string,
  ) {
    const { line, column } = position(text, offset);
    super(`Query error at line ${line}, column ${column}: ${detail}`);
    this.line = line;
    this.column = column;
  }
}

function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, offset));
  const lines = before.split('\n');
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

/** A query beyond one of the limits of ast.ts; the message names the limit. */
export class QueryLimitError extends QuerySyntaxError {
  override name = 'QueryLimitError';

  constructor(detail: string, offset: number, text: string, options: { position?: boolean } = {}) {
    super(detail, offset, text);
    this.message = options.position === false ? detail : `${detail.replace(/\.$/, '')} (line ${this.line}, column ${this.column}).`;
  }
}
