// A large account for load and benchmark runs: users, a service user and tokens made by the
// database itself (INSERT … SELECT generate_series), in batches of one statement each. It lives
// in its own account and its own email domain, so it never touches the demo accounts' data.
import { eq, like, or, sql, type SQL } from 'drizzle-orm';
import { hashPassword } from '@/lib/auth/password';
import type { Db } from '@/lib/db';
import { DEMO, DEMO_PASSWORD } from '@/lib/db/seed';
import { accountMembers, accounts, environments, serviceUsers, users } from '@/lib/db/schema';
import { TOKEN_PREFIX } from '@/lib/tokens/shape.mjs';

export interface ScaleAccount {
  accountId: string;
  /** People in the account; each creates (and owns) ten consecutive tokens. */
  users: number;
}

export const SCALE_EMAIL_DOMAIN = 'scale.example.com';
const BATCH = 10_000;

export const scaleAdminEmail = (accountId: string) => `${accountId}-admin@${SCALE_EMAIL_DOMAIN}`;
export const scaleUserEmail = (accountId: string, n: number) => `${accountId}-user-${String(n).padStart(5, '0')}@${SCALE_EMAIL_DOMAIN}`;

export function checkAccountId(accountId: string): void {
  if (!/^[a-z][a-z0-9-]{0,40}$/.test(accountId)) throw new Error(`Account ID "${accountId}" must be lower-case letters, digits and dashes.`);
  if (DEMO.accounts.some((a) => a.id === accountId)) throw new Error(`"${accountId}" is a demo account; choose another ID.`);
}

// Users get stable IDs derived from the account and their number, so tokens can name their
// owner arithmetically instead of joining.
const userId = (accountId: string, n: SQL) => sql`md5(${accountId} || '-user-' || ${n})::uuid`;

export async function scaleAccountExists(db: Db, accountId: string): Promise<boolean> {
  return (await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, accountId))).length > 0;
}

/** Removes a scale account with everything in it, and its users (found by their email domain). */
export async function dropScaleAccount(db: Db, accountId: string): Promise<void> {
  checkAccountId(accountId);
  await db.transaction(async (tx) => {
    await tx.delete(accounts).where(eq(accounts.id, accountId));
    await tx
      .delete(users)
      .where(or(like(users.email, `${accountId}-user-%@${SCALE_EMAIL_DOMAIN}`), eq(users.email, scaleAdminEmail(accountId))));
  });
}

/** Creates the account, its environments, service user, admin and users (no tokens yet). */
export async function createScaleAccount(db: Db, scale: ScaleAccount): Promise<void> {
  checkAccountId(scale.accountId);
  const { accountId } = scale;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await db.transaction(async (tx) => {
    await tx.insert(accounts).values({ id: accountId, name: `Scale (${accountId})` });
    await tx.insert(environments).values([
      { id: `${accountId}-prod`, accountId, name: 'Production' },
      { id: `${accountId}-staging`, accountId, name: 'Staging' },
    ]);
    await tx.insert(serviceUsers).values({
      accountId,
      email: `${accountId}-bot@service.example.com`,
      name: 'Scale bot',
      description: 'Owns every twentieth token',
    });
    const [admin] = await tx
      .insert(users)
      .values({ email: scaleAdminEmail(accountId), name: 'Scale admin', passwordHash })
      .returning({ id: users.id });
    await tx.insert(accountMembers).values({ accountId, userId: admin!.id, role: 'admin' });
    for (let from = 1; from <= scale.users; from += BATCH) {
      const to = Math.min(scale.users, from + BATCH - 1);
      await tx.execute(sql`
        with created as (
          insert into ${users} (id, email, name, password_hash)
          select ${userId(accountId, sql`n`)},
            ${accountId} || '-user-' || lpad(n::text, 5, '0') || ${`@${SCALE_EMAIL_DOMAIN}`},
            'Scale user ' || n, ${passwordHash}
          from generate_series(${from}::int, ${to}::int) n
          returning id)
        insert into ${accountMembers} (account_id, user_id, role) select ${accountId}, id, 'member' from created`);
    }
  });
}

/**
 * Adds tokens number `from` to `to` (1-based; token 1 is the newest). One statement per batch
 * inserts the tokens, their environments and (unless `audit` is false) a "token.generated"
 * audit event for each.
 */
export async function addScaleTokens(
  db: Db,
  scale: ScaleAccount,
  from: number,
  to: number,
  now: Date,
  options: { audit?: boolean } = {},
): Promise<void> {
  const { accountId } = scale;
  const [bot] = await db.select({ id: serviceUsers.id }).from(serviceUsers).where(eq(serviceUsers.accountId, accountId));
  if (!bot) throw new Error(`Account "${accountId}" is not a scale account.`);
  const at = now.toISOString();
  for (let start = from; start <= to; start += BATCH) {
    const end = Math.min(to, start + BATCH - 1);
    const creator = userId(accountId, sql`(1 + ((i - 1) / 10) % ${scale.users}::int)`);
    await db.execute(sql`
      with created as (
        insert into platform_tokens (account_id, public_id, secret_hash, name, owner_user_id, owner_service_user_id,
          created_by_id, scopes, applies_to_account, status, expires_at, created_at, last_used_at, last_used_ip)
        select ${accountId},
          upper(substr(md5(${accountId} || '-token-' || i), 1, 24)),
          encode(sha256(convert_to(${accountId} || '-secret-' || i || '-' || random(), 'UTF8')), 'hex'),
          (array['Nightly export', 'Ingest events', 'Dashboard sync', 'CI deploy', 'Monitoring', 'Backup', 'Reporting', 'Data pipeline'])[1 + i % 8] || ' ' || i,
          case when i % 20 = 0 then null else ${creator} end,
          case when i % 20 = 0 then ${bot.id}::uuid end,
          ${creator},
          array['document:documents:read', 'storage:logs:read']::text[],
          i % 3 <> 0,
          (case when i % 17 = 0 then 'disabled' else 'active' end)::token_status,
          case when i % 4 = 0 then null
               when i % 11 = 0 then ${at}::timestamptz - (1 + i % 90) * interval '1 day'
               else ${at}::timestamptz + (1 + i % 365) * interval '1 day' end,
          ${at}::timestamptz - i * interval '37 seconds',
          case when i % 5 = 0 then null else ${at}::timestamptz - (i % 5000) * interval '1 minute' end,
          case when i % 5 = 0 then null else ('10.' || (i % 250) || '.' || (i / 250 % 250) || '.1')::inet end
        from generate_series(${start}::int, ${end}::int) i
        returning id, public_id, name, created_by_id, applies_to_account, created_at),
      reach as (
        insert into platform_token_environments (token_id, environment_id)
        select id, ${`${accountId}-prod`} from created where not applies_to_account)
      insert into audit_events (account_id, actor_user_id, actor_email, action, token_id, target_name, created_at)
      select ${accountId}, c.created_by_id, u.email, 'token.generated', ${`${TOKEN_PREFIX}.`} || c.public_id, c.name, c.created_at
      from created c join users u on u.id = c.created_by_id
      where ${options.audit ?? true}`);
  }
  // As autovacuum would soon: fresh statistics for the planner, and the GIN indexes' pending
  // lists merged (a search would otherwise read them row by row).
  for (const table of ['platform_tokens', 'platform_token_environments', 'audit_events', 'users']) {
    await db.execute(sql`vacuum analyze ${sql.identifier(table)}`);
  }
}
