import { TOKEN_NAME_MAX } from '@/lib/validations/tokens';

/**
 * Shortens `text` to at most `max` UTF-16 units (what the form counts) without splitting a
 * character made of two units, which the database would count as one.
 */
export function truncateName(text: string, max: number): string {
  let out = '';
  for (const char of text) {
    if (out.length + char.length > max) break;
    out += char;
  }
  return out;
}

/** `<prefix><name><suffix>`, shortening the name so the whole stays a valid token name. */
export function composeName(prefix: string, name: string, suffix = ''): string {
  return `${prefix}${truncateName(name, TOKEN_NAME_MAX - prefix.length - suffix.length).trimEnd()}${suffix}`;
}
