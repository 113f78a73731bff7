import { z } from 'zod';
import { MAX_OVERLAP_MS, OVERLAP_TOO_LONG_MESSAGE } from '@/lib/tokens/rotation-proposals';
import { checkCustomDate, expirationFields, tokenIdSchema, tokenNameSchema } from './tokens';

/** The rotate dialog: how the old token ends, and the new token's name and expiry. */
export const rotateTokenSchema = z
  .object({
    tokenId: tokenIdSchema,
    expireOld: z.enum(['immediately', 'later'], { error: 'Choose when the old token expires' }),
    /** ISO date-time, used when `expireOld` is 'later'. */
    oldExpiresAt: z.string().max(64),
    name: tokenNameSchema,
    ...expirationFields,
  })
  .superRefine((value, ctx) => {
    if (value.expireOld === 'later') {
      const at = value.oldExpiresAt ? Date.parse(value.oldExpiresAt) : Number.NaN;
      if (Number.isNaN(at)) {
        ctx.addIssue({ code: 'custom', path: ['oldExpiresAt'], message: 'Choose when the old token expires' });
      } else if (at > Date.now() + MAX_OVERLAP_MS) {
        // Against this clock; the server checks again against its own (checkOldExpiry).
        ctx.addIssue({ code: 'custom', path: ['oldExpiresAt'], message: OVERLAP_TOO_LONG_MESSAGE });
      }
    }
    checkCustomDate(value, ctx);
  });

export type RotateTokenInput = z.input<typeof rotateTokenSchema>;
export type RotateTokenValues = z.output<typeof rotateTokenSchema>;
