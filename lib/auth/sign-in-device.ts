import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Executor } from '@/lib/db';
import { users } from '@/lib/db/schema';
import { signInSchema } from '@/lib/validations/auth';
import { authSecret } from './secret';

/**
 * A browser that has signed in as an email before carries a cookie that says so, unforgeably (an
 * HMAC under AUTH_SECRET of the device's random ID, the email and the person's password hash; the
 * cookie holds neither the email nor anything of the hash). The sign-in limits count such a
 * device on its own, so failures elsewhere cannot lock it out. A new password (changed or reset)
 * voids every cookie made before it: whoever once knew the old one keeps no guesses of their own.
 */
export const DEVICE_COOKIE = 'sign-in-device';
/** The longest that browsers keep a cookie. */
export const DEVICE_COOKIE_MAX_AGE_SECONDS = 400 * 24 * 60 * 60;

// A shared browser may sign in as a few people; the oldest falls out beyond that.
const MAX_EMAILS = 5;
const PART = /^[A-Za-z0-9_-]{22}$/;
// Stands for the password of an unknown email, or of a person who has none: no cookie is ever
// made with it, and checking against it takes the same steps as against a real hash.
const NO_PASSWORD = '';

interface Device {
  id: string;
  tags: string[];
}

const address = (email: string) => email.trim().toLowerCase();

function mac(secret: string, ...parts: string[]): string {
  return createHmac('sha256', secret).update(['sign-in-device', ...parts].join('\0')).digest('base64url').slice(0, 11);
}

/**
 * A tag is two halves: the first names the email on this device, so that signing in after a new
 * password replaces the email's tag rather than crowding out other emails; the second vouches for
 * the password the device signed in with.
 */
function tag(secret: string, deviceId: string, email: string, passwordHash: string): string {
  return mac(secret, deviceId, address(email)) + mac(secret, deviceId, address(email), passwordHash);
}

function parse(value: string | null | undefined): Device | null {
  if (!value || value.length > 23 * (MAX_EMAILS + 1)) return null;
  const [id, ...tags] = value.split('.');
  if (!id || !PART.test(id) || tags.length > MAX_EMAILS || !tags.every((t) => PART.test(t))) return null;
  return { id, tags };
}

/**
 * The device's ID when the cookie shows this browser has signed in as this email with the password
 * whose hash is given (the person's current one; null when they have none), else null.
 */
export function knownDevice(cookie: string | null | undefined, email: string, passwordHash: string | null, secret = authSecret()): string | null {
  const device = parse(cookie);
  if (!device) return null;
  const expected = Buffer.from(tag(secret, device.id, email, passwordHash ?? NO_PASSWORD));
  return device.tags.some((t) => timingSafeEqual(Buffer.from(t), expected)) ? device.id : null;
}

/**
 * The cookie's value after signing in as this email with the password of this hash (the one the
 * sign-in just checked): the same device (or a new one) vouching for it too.
 */
export function rememberDevice(cookie: string | null | undefined, email: string, passwordHash: string, secret = authSecret()): string {
  const device = parse(cookie) ?? { id: randomBytes(16).toString('base64url'), tags: [] };
  const mine = tag(secret, device.id, email, passwordHash);
  const sameEmail = mine.slice(0, 11);
  return [device.id, mine, ...device.tags.filter((t) => !t.startsWith(sameEmail))].slice(0, MAX_EMAILS + 1).join('.');
}

/** The device cookie sent with a request, if any. */
export function deviceCookie(headers: Headers): string | null {
  for (const part of (headers.get('cookie') ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === DEVICE_COOKIE) return value.join('=');
  }
  return null;
}

/**
 * The device's ID when the request's cookie shows its browser has signed in as this email with
 * the person's current password, else null. The one place that reads which password a device
 * cookie must have been made with, for the sign-in limits and the reset limits alike.
 */
export async function requestDevice(db: Executor, headers: Headers, email: string, secret = authSecret()): Promise<string | null> {
  const cookie = deviceCookie(headers);
  const valid = signInSchema.shape.email.safeParse(email);
  // Without a cookie, or for what is no email at all, there is nothing to check, whoever the
  // email might belong to.
  if (!parse(cookie) || !valid.success) return null;
  // An unknown email finds no row and is checked against NO_PASSWORD, as a person without one is.
  const [person] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.email, valid.data)).limit(1);
  return knownDevice(cookie, valid.data, person?.passwordHash ?? null, secret);
}
