// Expiration choices of the create form (PRODUCT.md §5), shared by the browser and the server.
// The server resolves a preset against its own clock, so "30 days" means 30 days from generation.

export const EXPIRATION_CHOICES = ['7d', '30d', '60d', '90d', '1y', 'custom', 'never'] as const;
export type ExpirationChoice = (typeof EXPIRATION_CHOICES)[number];

export const EXPIRATION_LABELS: Readonly<Record<ExpirationChoice, string>> = {
  '7d': '7 days',
  '30d': '30 days',
  '60d': '60 days',
  '90d': '90 days',
  '1y': '1 year',
  custom: 'Custom date',
  never: 'Never',
};

const DAY_MS = 24 * 60 * 60 * 1000;
const PRESET_DAYS: Readonly<Partial<Record<ExpirationChoice, number>>> = { '7d': 7, '30d': 30, '60d': 60, '90d': 90 };

/** The latest expiry anyone can pick; PostgreSQL and JavaScript both handle it. */
export const LATEST_EXPIRY = new Date('9999-12-31T23:59:59Z');

/** The expiry a preset gives when chosen at `now`; undefined for 'custom' and null for 'never'. */
export function presetExpiry(choice: ExpirationChoice, now: Date): Date | null | undefined {
  if (choice === 'never') return null;
  if (choice === 'custom') return undefined;
  if (choice === '1y') {
    const date = new Date(now);
    date.setUTCFullYear(date.getUTCFullYear() + 1);
    return date;
  }
  return new Date(now.getTime() + (PRESET_DAYS[choice] ?? 0) * DAY_MS);
}

/**
 * The one meaning of "expired": the expiry is at or before `now`; from that instant the token no
 * longer works and reads Expired. No expiry (null) never expires. The SQL of the lists and the
 * limit compares the same way (`expires_at <= now` is expired).
 */
export function isExpired(expiresAt: Date | string | null, now: Date): boolean {
  if (expiresAt === null) return false;
  const at = typeof expiresAt === 'string' ? Date.parse(expiresAt) : expiresAt.getTime();
  return at <= now.getTime();
}

export const CHOOSE_EXPIRY_MESSAGE = 'Choose the expiration date';

/** A custom expiration date as the form sends it (an ISO date-time), or null when it is none. */
export function parseExpiryDate(iso: string): Date | null {
  if (!iso) return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

export type ExpiryResult = { ok: true; expiresAt: Date | null } | { ok: false; message: string };

/** The expiry to store for a choice made at `now`: a custom date must lie in the future. */
export function resolveExpiry(choice: ExpirationChoice, customIso: string, now: Date): ExpiryResult {
  const preset = presetExpiry(choice, now);
  if (preset !== undefined) return { ok: true, expiresAt: preset };
  const date = parseExpiryDate(customIso);
  if (!date) return { ok: false, message: CHOOSE_EXPIRY_MESSAGE };
  if (isExpired(date, now)) return { ok: false, message: 'The expiration date must be in the future' };
  if (date.getTime() > LATEST_EXPIRY.getTime()) return { ok: false, message: 'Choose an expiration date before the year 10000' };
  return { ok: true, expiresAt: date };
}

/** The latest expiry the account's "Maximum lifetime" allows for a token made at `now`; null is no maximum. */
export function latestAllowedExpiry(maxLifetimeDays: number | null, now: Date): Date | null {
  return maxLifetimeDays === null ? null : new Date(now.getTime() + maxLifetimeDays * DAY_MS);
}

export function maxLifetimeMessage(maxLifetimeDays: number): string {
  return `Expiration date: the account's maximum lifetime is ${maxLifetimeDays} ${maxLifetimeDays === 1 ? 'day' : 'days'}; choose an earlier date`;
}

/**
 * The one "Maximum lifetime" rule (PRODUCT.md §11): with a maximum, a token must expire, and no
 * later than that many days from `now`. Generating, duplicating, rotating and changing an
 * expiration all ask it; the message names the field and the maximum, or null when it is allowed.
 */
export function lifetimeRefusal(expiresAt: Date | null, maxLifetimeDays: number | null, now: Date): string | null {
  const latest = latestAllowedExpiry(maxLifetimeDays, now);
  if (latest === null || maxLifetimeDays === null) return null;
  if (expiresAt === null || expiresAt.getTime() > latest.getTime()) return maxLifetimeMessage(maxLifetimeDays);
  return null;
}

/** The expiration choices the form offers under a maximum: "Never" and the presets beyond it go. */
export function expirationChoicesWithin(maxLifetimeDays: number | null, now: Date): ExpirationChoice[] {
  return EXPIRATION_CHOICES.filter((choice) => {
    if (choice === 'custom') return true;
    return lifetimeRefusal(presetExpiry(choice, now) ?? null, maxLifetimeDays, now) === null;
  });
}

/** `resolveExpiry`, then the account's "Maximum lifetime". */
export function resolveExpiryWithin(
  choice: ExpirationChoice,
  customIso: string,
  maxLifetimeDays: number | null,
  now: Date,
): ExpiryResult {
  const resolved = resolveExpiry(choice, customIso, now);
  if (!resolved.ok) return resolved;
  const refusal = lifetimeRefusal(resolved.expiresAt, maxLifetimeDays, now);
  return refusal ? { ok: false, message: refusal } : resolved;
}

/** The choice itself when the maximum allows it, else the longest preset it allows (or a custom date). */
export function choiceWithin(choice: ExpirationChoice, maxLifetimeDays: number | null, now: Date): ExpirationChoice {
  const offered = expirationChoicesWithin(maxLifetimeDays, now);
  if (offered.includes(choice)) return choice;
  return offered.filter((c) => c !== 'custom').at(-1) ?? 'custom';
}
