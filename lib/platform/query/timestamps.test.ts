import { describe, expect, it } from 'vitest';
import { parseTimestamp } from './timestamps';

describe('parseTimestamp', () => {
  it.each([
    ['2024-05-01T12:30:00Z', '2024-05-01T12:30:00.000Z'],
    ['2024-05-01T12:30:00.123456Z', '2024-05-01T12:30:00.123Z'],
    ['2024-05-01T12:30:00+02:00', '2024-05-01T10:30:00.000Z'],
    ['2024-05-01T12:30', '2024-05-01T12:30:00.000Z'],
    ['2024-05-01 12:30:05', '2024-05-01T12:30:05.000Z'],
    ['2024-05-01', '2024-05-01T00:00:00.000Z'],
    [1714566600000, '2024-05-01T12:30:00.000Z'],
    [1714566600000.9, '2024-05-01T12:30:00.000Z'],
  ])('reads %j', (input, iso) => {
    expect(parseTimestamp(input)?.toISOString()).toBe(iso);
  });

  it.each([['2024-02-30'], ['2024-13-01'], ['2024-05-01T25:00'], ['yesterday'], ['1969-12-31T23:59:59Z'], ['10000-01-01'], [-1], [Number.NaN], [Infinity], [true], [null], [{}]])(
    'refuses %j',
    (input) => {
      expect(parseTimestamp(input)).toBeNull();
    },
  );
});
