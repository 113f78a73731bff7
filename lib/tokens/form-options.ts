import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '@/lib/db';
import { accountMembers, accounts, environments, serviceUsers } from '@/lib/db/schema';
import { canUseServiceUser, loadPrincipalPolicies, type Principal } from '@/lib/iam/effective-permissions';
import { policiesInEffect } from '@/lib/iam/policies-in-effect';
import { grantedPermissions } from '@/lib/iam/policy-evaluator';
import { isScopeName, scopesOfService } from '@/lib/platform/catalogue';
import { generationBlock } from './capabilities';
import { TOKEN_LIMIT, tokenCountsByAccount } from './limits';

/** Whom a token can be generated for in one account, and which scopes they hold where. */
export interface TokenOwnerOption {
  /** 'myself', or the service user's id. */
  key: string;
  email: string;
  /** Scope names the owner holds (unconditionally or on conditions), per environment id. */
  scopesByEnvironment: Record<string, string[]>;
}

export interface TokenFormAccount {
  id: string;
  name: string;
  allowTokenManagement: boolean;
  /** The account's "Maximum lifetime" in days; null for none. */
  maxLifetimeDays: number | null;
  /** Tokens of the user that count against the limit here. */
  tokenCount: number;
  limit: number;
  environments: { id: string; name: string }[];
  /** "Myself" first, then the service users the user may generate tokens for. */
  owners: TokenOwnerOption[];
  /** Why no token can be generated here now (token management off, or the limit reached). */
  blocked: string | null;
}

const ACCOUNT_SCOPES: ReadonlySet<string> = new Set(scopesOfService('account-management').map((s) => s.name));

/**
 * Scope names the principal holds now, per environment of the account. The account management
 * scopes are held by being an admin of the account (PRODUCT.md §12), not through policies.
 */
export async function scopesByEnvironment(
  db: Executor,
  accountId: string,
  principal: Principal,
  environmentIds: readonly string[],
): Promise<Record<string, string[]>> {
  const { bindings, policies } = await loadPrincipalPolicies(db, accountId, principal);
  const [membership] =
    principal.kind === 'user'
      ? await db
          .select({ role: accountMembers.role })
          .from(accountMembers)
          .where(and(eq(accountMembers.accountId, accountId), eq(accountMembers.userId, principal.userId)))
      : [];
  const asAdmin = membership?.role === 'admin' ? [...ACCOUNT_SCOPES] : [];
  const out: Record<string, string[]> = {};
  for (const environmentId of environmentIds) {
    const inEffect = policiesInEffect(bindings, environmentId).map((id) => policies.get(id)!);
    const summary = grantedPermissions(inEffect);
    const granted = [...summary.granted, ...summary.conditionallyGranted].filter((s) => isScopeName(s) && !ACCOUNT_SCOPES.has(s));
    out[environmentId] = [...granted, ...asAdmin].sort();
  }
  return out;
}

/**
 * Everything the create form offers the user: the accounts they belong to (with the reason an
 * account cannot be chosen), each account's environments, the service users the user may use
 * (rule 6), and what each possible owner currently holds, to mark scopes that would not work.
 */
export async function loadTokenFormOptions(db: Executor, userId: string): Promise<TokenFormAccount[]> {
  const memberships = await db
    .select({
      id: accounts.id,
      name: accounts.name,
      allowTokenManagement: accounts.allowTokenManagement,
      maxLifetimeDays: accounts.maxTokenLifetimeDays,
    })
    .from(accountMembers)
    .innerJoin(accounts, eq(accounts.id, accountMembers.accountId))
    .where(eq(accountMembers.userId, userId))
    .orderBy(asc(accounts.name));
  if (memberships.length === 0) return [];
  const accountIds = memberships.map((m) => m.id);
  const [envRows, serviceUserRows, counts, self] = await Promise.all([
    db.select().from(environments).where(inArray(environments.accountId, accountIds)).orderBy(asc(environments.name)),
    db.select().from(serviceUsers).where(inArray(serviceUsers.accountId, accountIds)).orderBy(asc(serviceUsers.email)),
    tokenCountsByAccount(db, userId, new Date()),
    db.query.users.findFirst({ columns: { email: true }, where: (u, { eq: equals }) => equals(u.id, userId) }),
  ]);

  return Promise.all(
    memberships.map(async (account) => {
      const envs = envRows.filter((e) => e.accountId === account.id).map((e) => ({ id: e.id, name: e.name }));
      const envIds = envs.map((e) => e.id);
      const candidates = serviceUserRows.filter((s) => s.accountId === account.id);
      const usable = await Promise.all(
        candidates.map(async (s) => ((await canUseServiceUser(db, account.id, userId, s.email)).allowed ? s : null)),
      );
      const owners: TokenOwnerOption[] = [
        {
          key: 'myself',
          email: self?.email ?? '',
          scopesByEnvironment: await scopesByEnvironment(db, account.id, { kind: 'user', userId }, envIds),
        },
      ];
      for (const s of usable) {
        if (!s) continue;
        owners.push({
          key: s.id,
          email: s.email,
          scopesByEnvironment: await scopesByEnvironment(db, account.id, { kind: 'service-user', serviceUserId: s.id }, envIds),
        });
      }
      const tokenCount = counts.get(account.id) ?? 0;
      return {
        id: account.id,
        name: account.name,
        allowTokenManagement: account.allowTokenManagement,
        maxLifetimeDays: account.maxLifetimeDays,
        tokenCount,
        limit: TOKEN_LIMIT,
        environments: envs,
        owners,
        blocked: generationBlock({ ...account, tokenCount, limit: TOKEN_LIMIT }),
      };
    }),
  );
}
