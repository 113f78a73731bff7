'use client';

import { useCallback, useMemo } from 'react';
import type { TokenFormAccount } from '@/lib/tokens/form-options';
import type { TokenFormInput } from '@/lib/validations/tokens';
import type { ScopeHolding } from './scopes-table';

/**
 * Which scopes the token's owner holds where the token will reach: every environment when it
 * applies to the account (or none is chosen yet), otherwise the chosen ones.
 */
export function useScopeHolding(account: TokenFormAccount | undefined, values: Partial<TokenFormInput>) {
  const owner =
    account?.owners.find((o) => (values.generateFor === 'service-user' ? o.key === values.serviceUserId : o.key === 'myself')) ??
    account?.owners[0];
  const reach = useMemo(() => {
    const all = account?.environments ?? [];
    const chosen = values.appliesToAccount ? [] : (values.environmentIds ?? []);
    const picked = all.filter((e) => chosen.includes(e.id));
    return picked.length > 0 ? picked : all;
  }, [account, values.appliesToAccount, values.environmentIds]);

  const holdingOf = useCallback(
    (scope: string): ScopeHolding => {
      if (!owner || reach.length === 0) return { kind: 'all' };
      const held = reach.filter((e) => owner.scopesByEnvironment[e.id]?.includes(scope));
      if (held.length === reach.length) return { kind: 'all' };
      if (held.length === 0) return { kind: 'none' };
      return { kind: 'some', environments: held.map((e) => e.name) };
    },
    [owner, reach],
  );
  return { holdingOf, ownerEmail: owner?.email ?? '' };
}
