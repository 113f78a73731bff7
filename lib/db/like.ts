/**
 * Text for a LIKE or ILIKE pattern that matches itself only: `%`, `_` and the escape character
 * `\` (PostgreSQL's default) are escaped, so a search for "50%" or "a_b" finds just that.
 */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}

/** A pattern matching any text that contains `text` literally. */
export function containsPattern(text: string): string {
  return `%${escapeLike(text)}%`;
}
