import { requireAccountAdmin } from '@/app/_lib/session';
import { IamAccountPicker } from '@/components/iam/iam-account-picker';
import { IamTabs } from '@/components/iam/iam-tabs';
import { membershipOf } from '@/lib/auth/users';

export default async function IamLayout({
  children,
  params,
}: {
  children: React.ReactNode;
  params: Promise<{ accountId: string }>;
}) {
  const { accountId } = await params;
  const actor = await requireAccountAdmin(accountId);
  const accountName = membershipOf(actor, accountId)?.accountName ?? accountId;
  const administered = actor.memberships.filter((m) => m.role === 'admin').map((m) => ({ id: m.accountId, name: m.accountName }));
  return (
    <div className="space-y-6">
      <div className="space-y-3">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <p className="text-sm text-slate-600">
            Identity &amp; access management · <span className="font-medium text-slate-800">{accountName}</span>
          </p>
          {administered.length > 1 ? <IamAccountPicker accountId={accountId} accounts={administered} /> : null}
        </div>
        <IamTabs accountId={accountId} />
      </div>
      {children}
    </div>
  );
}
