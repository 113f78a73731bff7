import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containsPattern, escapeLike } from './like';
import { createTestDatabase, testBackend, type TestDatabase } from './testing';

describe(`LIKE patterns of searches (${testBackend})`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  it('escape the wildcards and the escape character', () => {
    expect(escapeLike('50%_a\\b')).toBe('50\\%\\_a\\\\b');
  });

  it.each([
    ['50%', ['a 50% cut'], ['a 500 cut']],
    ['a_b', ['xa_by'], ['xaxby']],
    ['c\\d', ['c\\d'], ['cd', 'c\\\\d']],
  ])('a search for %s matches only that text', async (search, matching, other) => {
    for (const [text, expected] of [...matching.map((t) => [t, true] as const), ...other.map((t) => [t, false] as const)]) {
      const result = (await database.db.execute(sql`select ${text}::text ilike ${containsPattern(search)} as hit`)) as unknown as { rows: { hit: boolean }[] };
      expect(result.rows[0]!.hit, `${search} in ${text}`).toBe(expected);
    }
  });
});
