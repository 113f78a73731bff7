'use server';

import { headers } from 'next/headers';
import { signIn } from '@/auth';
import { portalOrigin } from '@/lib/auth/origin';
import { OIDC_PROVIDER_ID } from '@/lib/auth/sso';
import { config } from '@/lib/config';
import { safeCallbackPath } from '@/lib/validations/auth';
import type { ActionResult } from '@/lib/validations/result';

/** Starts single sign-on (authorization code flow with PKCE); comes back to a path of the portal. */
export async function signInWithSsoAction(callbackUrl: unknown): Promise<ActionResult<never>> {
  if (!config().oidc) return { ok: false, message: 'Single sign-on is not configured.', fieldErrors: {} };
  await signIn(OIDC_PROVIDER_ID, { redirectTo: safeCallbackPath(callbackUrl, portalOrigin(await headers())) });
  return { ok: false, message: 'Single sign-on did not start. Try again.', fieldErrors: {} };
}
