import { DrizzleQueryError } from 'drizzle-orm/errors';
import { describe, expect, it } from 'vitest';
import { isUniqueViolation, sqlState } from './sql-state';
import { isStatementTimeout } from './statement-timeout';

const databaseError = (code: string) => Object.assign(new Error('from the database'), { code });

describe('sqlState', () => {
  it('finds the code of the error or of the error it wraps, as drizzle wraps the client\'s', () => {
    expect(sqlState(databaseError('23505'))).toBe('23505');
    expect(sqlState(new DrizzleQueryError('insert …', [], databaseError('57014')))).toBe('57014');
    expect(sqlState(new Error('outer', { cause: new Error('middle', { cause: databaseError('40001') }) }))).toBe('40001');
    expect(isUniqueViolation(new DrizzleQueryError('insert …', [], databaseError('23505')))).toBe(true);
    expect(isStatementTimeout(new DrizzleQueryError('select …', [], databaseError('57014')))).toBe(true);
    expect(isStatementTimeout(databaseError('23505'))).toBe(false);
  });

  it('answers undefined for anything without a code, and ends on a chain of causes that loops', () => {
    expect([undefined, null, 'text', 42, new Error('plain'), { code: 23505 }].map(sqlState)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
    const looping = new Error('first');
    looping.cause = new Error('second', { cause: looping });
    expect(sqlState(looping)).toBeUndefined();
    expect(isUniqueViolation(looping)).toBe(false);
  });
});
