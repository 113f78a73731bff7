import { z } from 'zod';
import { isScopeName } from '@/lib/platform/catalogue';
import { CLIENT_ADDRESSES_MAX, CLIENT_ADDRESSES_TEXT_MAX, parseClientAddresses } from '@/lib/tokens/client-addresses';
import { CHOOSE_EXPIRY_MESSAGE, EXPIRATION_CHOICES, parseExpiryDate } from '@/lib/tokens/expiration';
import { TOKEN_ID_PATTERN } from '@/lib/tokens/shape.mjs';

// One schema for the create form's resolver and the server actions. Rules that need the database
// or the clock (the account's environments, the owner, "in the future", the limit) are checked
// again on the server in lib/tokens.

export const TOKEN_NAME_MAX = 255;
const MAX_ENVIRONMENTS = 100;
const MAX_ID_LENGTH = 200;

/** `dt0s16.<PUBLIC>`: what tables, dialogs and actions use to name a token. */
export const tokenIdSchema = z
  .string({ error: 'Token ID is missing' })
  .regex(TOKEN_ID_PATTERN, { error: 'Token ID is not valid' });

export const tokenNameSchema = z
  .string({ error: 'Enter a token name' })
  .trim()
  .min(1, { error: 'Enter a token name' })
  .max(TOKEN_NAME_MAX, { error: `Token name can be at most ${TOKEN_NAME_MAX} characters` });

export const expirationFields = {
  expiration: z.enum(EXPIRATION_CHOICES, { error: 'Choose when the token expires' }),
  /** ISO date-time, used when `expiration` is 'custom'. */
  expiresAt: z.string().max(64),
};

export function checkCustomDate(value: { expiration: string; expiresAt: string }, ctx: z.RefinementCtx) {
  if (value.expiration !== 'custom') return;
  if (!parseExpiryDate(value.expiresAt)) ctx.addIssue({ code: 'custom', path: ['expiresAt'], message: CHOOSE_EXPIRY_MESSAGE });
}

/** "Allowed client addresses" as typed (commas, spaces or new lines between entries); empty is anywhere. */
const CLIENT_ADDRESSES_TYPE_MESSAGE = 'Allowed client addresses must be text or a list of addresses';
export const clientAddressesSchema = z
  .union(
    [
      z.string().max(CLIENT_ADDRESSES_TEXT_MAX, { error: `Allowed client addresses can be at most ${CLIENT_ADDRESSES_TEXT_MAX} characters` }),
      // Already parsed (the form's values as the server action receives them), or as an API sends them.
      z.array(z.string({ error: CLIENT_ADDRESSES_TYPE_MESSAGE }).max(100)).max(CLIENT_ADDRESSES_MAX, {
        error: `Allowed client addresses can list at most ${CLIENT_ADDRESSES_MAX} addresses or blocks`,
      }),
    ],
    { error: CLIENT_ADDRESSES_TYPE_MESSAGE },
  )
  .default('')
  .transform((text, ctx) => {
    const parsed = parseClientAddresses(text);
    if (parsed.ok) return parsed.blocks;
    ctx.addIssue({ code: 'custom', message: parsed.message });
    return z.NEVER;
  });

const tokenFormObject = z.object({
  name: tokenNameSchema,
  ...expirationFields,
  accountId: z.string({ error: 'Choose an account' }).min(1, { error: 'Choose an account' }).max(MAX_ID_LENGTH),
  appliesToAccount: z.boolean(),
  environmentIds: z
    .array(z.string().max(MAX_ID_LENGTH))
    .max(MAX_ENVIRONMENTS, { error: `Choose at most ${MAX_ENVIRONMENTS} environments` }),
  generateFor: z.enum(['myself', 'service-user'], { error: 'Choose who the token is for' }),
  serviceUserId: z.string().max(MAX_ID_LENGTH),
  scopes: z
    .array(z.string().max(MAX_ID_LENGTH))
    .min(1, { error: 'Choose at least one scope' })
    .refine((scopes) => scopes.every(isScopeName), { error: 'Choose scopes from the list' }),
  allowedClientAddresses: clientAddressesSchema,
});

function checkTokenForm(value: z.output<typeof tokenFormObject>, ctx: z.RefinementCtx) {
  checkCustomDate(value, ctx);
  if (!value.appliesToAccount && value.environmentIds.length === 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['environmentIds'],
      message: 'Choose at least one environment, or apply the token to the account',
    });
  }
  if (value.generateFor === 'service-user' && !value.serviceUserId) {
    ctx.addIssue({ code: 'custom', path: ['serviceUserId'], message: 'Choose a service user' });
  }
}

export const tokenFormSchema = tokenFormObject.superRefine(checkTokenForm);

export type TokenFormInput = z.input<typeof tokenFormSchema>;
export type TokenFormValues = z.output<typeof tokenFormSchema>;

/** Duplicating: the create form's values plus the token they were copied from. */
export const duplicateTokenSchema = tokenFormObject.extend({ sourceTokenId: tokenIdSchema }).superRefine(checkTokenForm);

export const tokenActionSchema = z.object({ tokenId: tokenIdSchema });
