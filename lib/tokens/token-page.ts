import { and, asc, eq, inArray } from 'drizzle-orm';
import { listTokenActivity, type ActivityEvent } from '@/lib/audit-queries';
import type { Actor } from '@/lib/auth/users';
import type { Executor } from '@/lib/db';
import { environments, platformTokens } from '@/lib/db/schema';
import { SCOPES, SERVICES } from '@/lib/platform/catalogue';
import { endpointsForScope, type Endpoint } from '@/lib/platform/registry';
import { tokenVisibleTo } from './access';
import { scopesByEnvironment } from './form-options';
import { loadTokenViews } from './list';
import type { TokenView } from './view';

// A token's own page (PRODUCT.md §10): everything about one token for the people who may see it.

export const TOKEN_ACTIVITY_LIMIT = 50;

export interface ScopeOnPage {
  name: string;
  description: string;
  serviceTitle: string;
  endpoints: Pick<Endpoint, 'id' | 'method' | 'path' | 'summary'>[];
  /** Whether the owner holds it now where the token reaches: everywhere, nowhere, or only in `environments`. */
  held: 'all' | 'some' | 'none';
  environments: string[];
}

export interface TokenPage {
  token: TokenView;
  /** The environments it reaches now: its own, or all of the account's when it applies to the account. */
  reach: { id: string; name: string }[];
  scopes: ScopeOnPage[];
  activity: ActivityEvent[];
}

/**
 * The token with this ID when `actor` may see it: its creator, its owner or an admin of its
 * account (rule 8), and only while a member of that account; null otherwise, the same as for a
 * token that does not exist.
 */
export async function loadTokenPage(db: Executor, actor: Actor, tokenId: string, now: Date): Promise<TokenPage | null> {
  const accountIds = actor.memberships.map((m) => m.accountId);
  if (accountIds.length === 0) return null;
  const publicId = tokenId.slice(tokenId.indexOf('.') + 1);
  const [token] = await loadTokenViews(
    db,
    and(eq(platformTokens.publicId, publicId), inArray(platformTokens.accountId, accountIds), tokenVisibleTo(actor.userId))!,
    now,
  );
  if (!token) return null;

  const reach = token.appliesToAccount
    ? await db
        .select({ id: environments.id, name: environments.name })
        .from(environments)
        .where(eq(environments.accountId, token.accountId))
        .orderBy(asc(environments.name))
    : token.environments;
  const principal = token.owner.serviceUserId
    ? ({ kind: 'service-user', serviceUserId: token.owner.serviceUserId } as const)
    : token.ownerUserId
      ? ({ kind: 'user', userId: token.ownerUserId } as const)
      : null;
  const [held, activity] = await Promise.all([
    principal ? scopesByEnvironment(db, token.accountId, principal, reach.map((e) => e.id)) : Promise.resolve({}),
    listTokenActivity(db, token.accountId, token.tokenId, TOKEN_ACTIVITY_LIMIT),
  ]);

  const byName = new Map<string, (typeof SCOPES)[number]>(SCOPES.map((s) => [s.name, s]));
  const scopes = token.scopes.map((name): ScopeOnPage => {
    const scope = byName.get(name);
    const where = reach.filter((e) => (held as Record<string, string[]>)[e.id]?.includes(name));
    return {
      name,
      description: scope?.description ?? '',
      serviceTitle: SERVICES.find((s) => s.id === scope?.service)?.title ?? '',
      endpoints: endpointsForScope(name).map(({ id, method, path, summary }) => ({ id, method, path, summary })),
      held: where.length === 0 ? 'none' : where.length === reach.length ? 'all' : 'some',
      environments: where.length === reach.length ? [] : where.map((e) => e.name),
    };
  });
  return { token, reach, scopes, activity };
}
