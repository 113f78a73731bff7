import { describe, expect, it } from 'vitest';
import { fieldWithUnstorableText } from './result';

describe('fieldWithUnstorableText', () => {
  it.each([
    [{ name: 'fine 🙂' }, null],
    [{ name: 'nul\u0000' }, 'name'],
    [{ a: 'ok', list: ['x', 'lone \uD800'] }, 'list'],
    [{ deep: { deeper: 'end \uDC00' } }, 'deep'],
    ['\u0000', ''],
    [null, null],
  ])('%j → %j', (input, expected) => {
    expect(fieldWithUnstorableText(input)).toBe(expected);
  });
});
