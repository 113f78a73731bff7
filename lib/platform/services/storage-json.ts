import { z } from 'zod';
import { unstorableText } from '@/lib/validations/storable-text';

// What PostgreSQL can store: jsonb and text refuse U+0000, and jsonb refuses the escape of a lone
// UTF-16 surrogate (which JSON.parse accepts). Checking first turns a would-be 500 into a 400.

/** Deepest nesting a stored JSON value may have (PostgreSQL's parser has a stack limit). */
export const MAX_JSON_DEPTH = 64;

/** Why the JSON value cannot be stored (with the path inside it), or null when it can. */
export function unstorableJson(value: unknown): { path: string[]; message: string } | null {
  const stack: { value: unknown; path: string[]; depth: number }[] = [{ value, path: [], depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (item.depth > MAX_JSON_DEPTH) return { path: item.path, message: `is nested deeper than ${MAX_JSON_DEPTH} levels` };
    if (typeof item.value === 'string') {
      const reason = unstorableText(item.value);
      if (reason) return { path: item.path, message: reason };
    } else if (Array.isArray(item.value)) {
      item.value.forEach((v, i) => stack.push({ value: v, path: [...item.path, String(i)], depth: item.depth + 1 }));
    } else if (item.value !== null && typeof item.value === 'object') {
      for (const [key, v] of Object.entries(item.value)) {
        const reason = unstorableText(key);
        if (reason) return { path: item.path, message: `has a key that is not storable: it ${reason}` };
        stack.push({ value: v, path: [...item.path, key], depth: item.depth + 1 });
      }
    }
  }
  return null;
}

/** A string column's schema that refuses what PostgreSQL cannot store. */
export function storableString(schema: z.ZodString): z.ZodType<string> {
  return schema.superRefine((text, ctx) => {
    const reason = unstorableText(text);
    if (reason) ctx.addIssue({ code: 'custom', message: reason });
  });
}

/** A JSON value's schema that refuses what jsonb cannot store, naming the path inside it. */
export function storableJson<T>(schema: z.ZodType<T>): z.ZodType<T> {
  return schema.superRefine((value, ctx) => {
    const problem = unstorableJson(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem.message, path: problem.path });
  });
}
