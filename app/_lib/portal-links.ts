import 'server-only';
import { headers } from 'next/headers';
import { after } from 'next/server';
import { emailLinkOrigin } from '@/lib/auth/origin';
import { AppError } from '@/lib/errors';
import type { Delivery } from '@/lib/people/portal-email';

/** The origin links in emails and dialogs point at (emailLinkOrigin). */
export async function linkOrigin(): Promise<string> {
  const origin = emailLinkOrigin(await headers());
  if (!origin) throw new AppError('The portal’s public address is unknown, so no link can be sent: set AUTH_URL.');
  return origin;
}

/** Sends a portal email once the answer has gone out (see storePortalEmail). */
export function deliverLater(delivery: Delivery): void {
  if (!delivery) return;
  after(() =>
    delivery().catch((error: unknown) => console.error('[email] delivery failed:', error instanceof Error ? error.message : error)),
  );
}
