import { describe, expect, it } from 'vitest';
import { FailureLimiter } from './rate-limit';

describe('FailureLimiter', () => {
  it('blocks a key after the limit of failures until the window ends', () => {
    const limiter = new FailureLimiter({ limit: 3, windowMs: 60_000 });
    const t = 1_000_000;
    expect(limiter.fail('a', t)).toBe(0);
    expect(limiter.fail('a', t + 1)).toBe(0);
    expect(limiter.retryAfter('a', t + 2)).toBe(0);
    expect(limiter.fail('a', t + 2)).toBe(60);
    expect(limiter.retryAfter('a', t + 30_000)).toBe(30);
    expect(limiter.retryAfter('b', t + 30_000)).toBe(0);
    expect(limiter.retryAfter('a', t + 60_001)).toBe(0);
  });

  it('stays bounded in memory', () => {
    const limiter = new FailureLimiter({ limit: 1, windowMs: 60_000, maxKeys: 10 });
    for (let i = 0; i < 100; i++) limiter.fail(`k${i}`, 0);
    expect(limiter.retryAfter('k99', 1)).toBe(60);
    expect(limiter.retryAfter('k0', 1)).toBe(0);
  });
});
