import { requireAccountAdmin } from '@/app/_lib/session';
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
  return (
    <div className="space-y-6">
      <div className="space-y-3">
        <p className="text-sm text-slate-600">
          Identity &amp; access management · <span className="font-medium text-slate-800">{accountName}</span>
        </p>
        <IamTabs accountId={accountId} />
      </div>
      {children}
    </div>
  );
}
