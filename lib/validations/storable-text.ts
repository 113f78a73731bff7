// What PostgreSQL can store in text and jsonb: not U+0000, and not half of a UTF-16 surrogate
// pair (JSON.parse and JavaScript strings accept both). The one rule for forms, actions and the
// platform API, so that such input is refused naming its field instead of failing as a 500.

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why the text cannot be stored ("must not contain …"), or null when it can. */
export function unstorableText(text: string): string | null {
  if (text.includes('\u0000')) return 'must not contain the character U+0000';
  if (LONE_SURROGATE.test(text)) return 'must not contain an unpaired UTF-16 surrogate';
  return null;
}
