import { describe, expect, it } from 'vitest';
import { serverNodeOptions } from './server-settings.mjs';

describe("the production server's Node.js options", () => {
  it("adds the app's young-generation size to the operator's options", () => {
    expect(serverNodeOptions(undefined)).toBe('--max-semi-space-size=8');
    expect(serverNodeOptions('  ')).toBe('--max-semi-space-size=8');
    expect(serverNodeOptions('--enable-source-maps')).toBe('--enable-source-maps --max-semi-space-size=8');
  });

  it("keeps the operator's own young-generation size", () => {
    expect(serverNodeOptions('--max-semi-space-size=32 --enable-source-maps')).toBe('--max-semi-space-size=32 --enable-source-maps');
    expect(serverNodeOptions('--max_semi_space_size=4')).toBe('--max_semi_space_size=4');
  });
});
