import { describe, expect, it } from 'vitest';
import { unstorableJson } from '@/lib/platform/services/storage-json';
import { fieldWithUnstorableText } from './result';
import { unstorableText } from './storable-text';

describe('storable text', () => {
  it('refuses NUL and halves of a surrogate pair, and nothing else', () => {
    expect(unstorableText('a\u0000b')).toBe('must not contain the character U+0000');
    expect(unstorableText('a\uD800')).toBe('must not contain an unpaired UTF-16 surrogate');
    expect(unstorableText('\uDC00a')).toBe('must not contain an unpaired UTF-16 surrogate');
    expect(unstorableText('\uDC00\uD800')).toBe('must not contain an unpaired UTF-16 surrogate');
    for (const fine of ['', 'plain', 'emoji 😀', '\t\n\r', '\u2028', 'ü']) expect(unstorableText(fine)).toBeNull();
  });

  it('is the rule of server actions and of stored JSON alike', () => {
    for (const text of ['a\u0000b', 'x\uD83D', 'fine 😀']) {
      const refused = unstorableText(text) !== null;
      expect(fieldWithUnstorableText({ name: text }) === 'name').toBe(refused);
      expect(unstorableJson({ note: text }) !== null).toBe(refused);
    }
  });
});
