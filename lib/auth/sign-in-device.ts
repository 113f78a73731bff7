import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { authSecret } from './secret';

/**
 * A browser that has signed in as an email before carries a cookie that says so, unforgeably (an
 * HMAC under AUTH_SECRET of the device's random ID and the email; the email itself is not in it).
 * The sign-in limits count such a device on its own, so failures elsewhere cannot lock it out.
 */
export const DEVICE_COOKIE = 'sign-in-device';
/** The longest that browsers keep a cookie. */
export const DEVICE_COOKIE_MAX_AGE_SECONDS = 400 * 24 * 60 * 60;

// A shared browser may sign in as a few people; the oldest falls out beyond that.
const MAX_EMAILS = 5;
const PART = /^[A-Za-z0-9_-]{22}$/;

interface Device {
  id: string;
  tags: string[];
}

function tag(secret: string, deviceId: string, email: string): string {
  return createHmac('sha256', secret)
    .update(`sign-in-device\0${deviceId}\0${email.trim().toLowerCase()}`)
    .digest('base64url')
    .slice(0, 22);
}

function parse(value: string | null | undefined): Device | null {
  if (!value || value.length > 23 * (MAX_EMAILS + 1)) return null;
  const [id, ...tags] = value.split('.');
  if (!id || !PART.test(id) || tags.length > MAX_EMAILS || !tags.every((t) => PART.test(t))) return null;
  return { id, tags };
}

/** The device's ID when the cookie shows this browser has signed in as this email before, else null. */
export function knownDevice(cookie: string | null | undefined, email: string, secret = authSecret()): string | null {
  const device = parse(cookie);
  if (!device) return null;
  const expected = Buffer.from(tag(secret, device.id, email));
  return device.tags.some((t) => timingSafeEqual(Buffer.from(t), expected)) ? device.id : null;
}

/** The cookie's value after signing in as this email: the same device (or a new one) vouching for it too. */
export function rememberDevice(cookie: string | null | undefined, email: string, secret = authSecret()): string {
  const device = parse(cookie) ?? { id: randomBytes(16).toString('base64url'), tags: [] };
  const mine = tag(secret, device.id, email);
  return [device.id, mine, ...device.tags.filter((t) => t !== mine)].slice(0, MAX_EMAILS + 1).join('.');
}

/** The device cookie sent with a request, if any. */
export function deviceCookie(headers: Headers): string | null {
  for (const part of (headers.get('cookie') ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === DEVICE_COOKIE) return value.join('=');
  }
  return null;
}
