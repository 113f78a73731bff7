import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATEMENT_PREFIX_CHARS } from './query-errors';
import { createTestDatabase, type TestDatabase } from './testing';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase({ seed: false });
});
afterAll(() => database.close());

describe('the error of a failing statement', () => {
  it('shows only the start of the statement and none of its parameters, with the database error as its cause', async () => {
    const secrets = Array.from({ length: 5_000 }, (_, i) => `client-value-${i}-${'s'.repeat(50)}`);
    const statement = sql`select 1 where ${sql.join(
      secrets.map((s) => sql`${s}::text = 'x'`),
      sql` or `,
    )} or no_such_column = 1`;
    let error: Error | null = null;
    try {
      await database.db.execute(statement);
    } catch (e) {
      error = e as Error;
    }
    expect(error).not.toBeNull();
    const shown = `${error!.message}\n${error!.stack}`;
    expect(error!.message.length).toBeLessThan(STATEMENT_PREFIX_CHARS + 100);
    expect(error!.message).toMatch(/^Failed query: select 1 where \$1::text = 'x' or .*… \(\d+ characters, 5000 parameters\)$/);
    expect(shown).not.toContain('client-value-');
    expect(shown).not.toContain('no_such_column');
    expect(error!.stack!.split('\n')[0]!.length).toBeLessThan(STATEMENT_PREFIX_CHARS + 100);
    expect(error!.cause).toMatchObject({ code: '42703' });
  });
});
