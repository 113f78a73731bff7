import { membershipOf, type Actor } from '@/lib/auth/users';
import type { TokenStatus } from '@/lib/db/schema';
import { managementDeniedMessage, TOKEN_LIMIT } from './limits';

// Which actions a person is offered on a token, and why one is unavailable (PRODUCT.md §3 rules
// 2, 7 and 8), for the tables' "Actions" menus and the token's page. The server actions check
// every rule again when they run: this only spares people a form that would be refused.

export type TokenActionKind = 'disable' | 'enable' | 'rotate' | 'duplicate' | 'delete';

export interface TokenAction {
  kind: TokenActionKind;
  /** Why the action cannot be taken now; absent when it can. */
  unavailable?: string;
  /**
   * Rotating at the token limit: only with "Immediately", since the old token would count until
   * it expires; why "Later" is unavailable.
   */
  laterUnavailable?: string;
}

export interface TokenActionContext {
  status: TokenStatus;
  accountName: string;
  /** The person generated the token. */
  isCreator: boolean;
  /** The token acts as the person. */
  isOwner: boolean;
  /** The person is an admin of the token's account. */
  isAdmin: boolean;
  allowTokenManagement: boolean;
  /** Tokens of the person that count against the limit in the token's account, and the limit. */
  tokenCount: number;
  limit: number;
}

/**
 * The actions offered, in menu order. Anyone who may see the token may disable, enable and
 * delete it (enabling while token management is off is for admins). Rotating and duplicating
 * hand out a new secret that acts as the owner, so they are offered to its creator and to the
 * owner only; not while token management is off, and duplicating not at the token limit (rotating
 * there only with the old token stopping at once).
 */
export function tokenActions(context: TokenActionContext): TokenAction[] {
  const denied = context.allowTokenManagement ? undefined : managementDeniedMessage(context.accountName);
  const actions: TokenAction[] = [];
  if (context.status === 'disabled') {
    actions.push({
      kind: 'enable',
      unavailable: denied && !context.isAdmin ? `${denied} Only an admin can enable tokens there.` : undefined,
    });
  } else {
    actions.push({ kind: 'disable' });
  }
  if (context.isCreator || context.isOwner) {
    const full = context.tokenCount >= context.limit;
    const held = `You have ${context.tokenCount} of ${context.limit} platform tokens in ${context.accountName}.`;
    actions.push({
      kind: 'rotate',
      unavailable: denied,
      laterUnavailable: full && !denied ? `${held} The old token would count until it expires, so it can only stop immediately.` : undefined,
    });
    const atLimit = full ? `${held} Delete one to duplicate this one.` : undefined;
    actions.push({ kind: 'duplicate', unavailable: denied ?? atLimit });
  }
  actions.push({ kind: 'delete' });
  return actions;
}

/** The actions `actor` is offered on a token, from their live memberships and token counts. */
export function tokenActionsFor(
  actor: Actor,
  token: { accountId: string; accountName: string; status: TokenStatus; createdById: string | null; ownerUserId: string | null },
  tokenCounts: ReadonlyMap<string, number>,
): TokenAction[] {
  const membership = membershipOf(actor, token.accountId);
  return tokenActions({
    status: token.status,
    accountName: token.accountName,
    isCreator: token.createdById === actor.userId,
    isOwner: token.ownerUserId === actor.userId,
    isAdmin: membership?.role === 'admin',
    allowTokenManagement: membership?.allowTokenManagement ?? false,
    tokenCount: tokenCounts.get(token.accountId) ?? 0,
    limit: TOKEN_LIMIT,
  });
}

/**
 * Why no token can be generated in the chosen account right now (token management off, or the
 * person at the limit there), to say so before the form is filled; null when it can.
 */
export function generationBlock(account: { name: string; allowTokenManagement: boolean; tokenCount: number; limit: number }): string | null {
  if (!account.allowTokenManagement) return managementDeniedMessage(account.name);
  if (account.tokenCount >= account.limit) {
    return `${account.name} already holds ${account.tokenCount} of your ${account.limit} platform tokens, the most allowed: delete one there, or choose another account.`;
  }
  return null;
}
