import { describe, expect, it } from 'vitest';
import { clientIp } from './client-ip';

describe('clientIp', () => {
  it.each([
    [null, null],
    ['203.0.113.7', '203.0.113.7'],
    ['10.0.0.1, 203.0.113.7', '203.0.113.7'],
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['::1', '::1'],
    ['not-an-ip', null],
    ['<script>', null],
  ])('%s → %s', (header, expected) => {
    const headers = new Headers(header === null ? {} : { 'x-forwarded-for': header });
    expect(clientIp(headers)).toBe(expected);
  });
});
