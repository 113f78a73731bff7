import { redirect } from 'next/navigation';
import { requireAccountAdmin } from '@/app/_lib/session';

export default async function IamIndexPage({ params }: { params: Promise<{ accountId: string }> }) {
  const { accountId } = await params;
  await requireAccountAdmin(accountId);
  redirect(`/accounts/${encodeURIComponent(accountId)}/iam/platform-tokens`);
}
