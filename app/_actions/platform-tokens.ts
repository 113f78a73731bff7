'use server';

import { revalidatePath } from 'next/cache';
import { userAction } from '@/app/_lib/action';
import { generatePlatformToken } from '@/lib/tokens/generate';
import { deleteToken, disableToken, enableToken } from '@/lib/tokens/lifecycle';
import { rotateToken } from '@/lib/tokens/rotate';
import { rotateTokenSchema } from '@/lib/validations/rotation';
import { duplicateTokenSchema, tokenActionSchema, tokenFormSchema } from '@/lib/validations/tokens';

// The generated token travels only in the return value of these actions, whose responses Next.js
// marks `Cache-Control: no-store`; nothing here logs, redirects with or stores it.

// The list and every token's page under it.
const refresh = () => revalidatePath('/platform-tokens', 'layout');

export const generateTokenAction = userAction(tokenFormSchema, async (input, { actor, db }) => {
  const generated = await generatePlatformToken(db, actor, input, new Date());
  refresh();
  return generated;
});

export const duplicateTokenAction = userAction(duplicateTokenSchema, async ({ sourceTokenId, ...input }, { actor, db }) => {
  const generated = await generatePlatformToken(db, actor, input, new Date(), { sourceTokenId });
  refresh();
  return generated;
});

export const disableTokenAction = userAction(tokenActionSchema, async ({ tokenId }, { actor, db }) => {
  const result = await disableToken(db, actor, tokenId);
  refresh();
  return result;
});

export const enableTokenAction = userAction(tokenActionSchema, async ({ tokenId }, { actor, db }) => {
  const result = await enableToken(db, actor, tokenId);
  refresh();
  return result;
});

export const deleteTokenAction = userAction(tokenActionSchema, async ({ tokenId }, { actor, db }) => {
  const result = await deleteToken(db, actor, tokenId);
  refresh();
  return result;
});

export const rotateTokenAction = userAction(rotateTokenSchema, async (input, { actor, db }) => {
  const rotated = await rotateToken(db, actor, input, new Date());
  refresh();
  return rotated;
});
