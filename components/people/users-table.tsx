'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import {
  changeRoleAction,
  inviteUserAction,
  removalPreviewAction,
  removeMemberAction,
  resendInvitationAction,
  revokeInvitationAction,
} from '@/app/_actions/users';
import { applyActionErrors } from '@/components/iam/field-errors';
import { EmptyRow, IamPageHeader, IamTable, RowAction, RowActions, Td, Th } from '@/components/iam/iam-table';
import { useOutcome } from '@/components/iam/outcome-status';
import { When } from '@/components/ui/when';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { describedBy, Field } from '@/components/ui/field';
import { FormDialog } from '@/components/ui/form-dialog';
import { Input, Select } from '@/components/ui/input';
import type { MemberRole } from '@/lib/db/schema';
import { cn } from '@/lib/cn';
import { emailField, ROLE_LABELS, roleField } from '@/lib/validations/people';
import { InvitationLinkDialog, type LinkToShow } from './invitation-link-dialog';

export interface UserView {
  key: string;
  userId: string | null;
  invitationId: string | null;
  name: string | null;
  email: string;
  role: MemberRole;
  status: 'Active' | 'Invited' | 'Invitation expired';
  lastSignInAt: string | null;
  expiresAt: string | null;
}

const STATUS_STYLE: Record<UserView['status'], string> = {
  Active: 'bg-green-50 text-green-800 ring-green-600/20',
  Invited: 'bg-sky-50 text-sky-800 ring-sky-600/20',
  'Invitation expired': 'bg-slate-100 text-slate-700 ring-slate-500/20',
};

type Dialog =
  | { kind: 'role'; user: UserView }
  | { kind: 'remove'; user: UserView }
  | { kind: 'resend'; user: UserView }
  | { kind: 'revoke'; user: UserView }
  | null;

export function UsersTable({
  accountId,
  currentUserId,
  users,
  groups,
}: {
  accountId: string;
  currentUserId: string;
  users: UserView[];
  groups: { id: string; name: string }[];
}) {
  const [inviting, setInviting] = useState(false);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [link, setLink] = useState<LinkToShow | null>(null);
  const outcome = useOutcome();
  const close = () => setDialog(null);

  return (
    <div className="space-y-4">
      <IamPageHeader
        title="Users"
        description="People of the account: members and account admins, and the invitations that are still open. An invitation link works once, for 7 days."
        actions={<Button onClick={() => setInviting(true)}>Invite user</Button>}
      />
      <IamTable caption="Users of the account">
        <thead className="bg-slate-50">
          <tr>
            <Th>Name</Th>
            <Th>Email</Th>
            <Th>Role</Th>
            <Th>Status</Th>
            <Th>Last sign-in</Th>
            <Th className="sr-only">Actions</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {users.length === 0 ? <EmptyRow colSpan={6}>No users yet.</EmptyRow> : null}
          {users.map((u) => (
            <tr key={u.key}>
              <Td className="font-medium">{u.name ?? <span className="text-slate-500">—</span>}</Td>
              <Td className="min-w-48 break-all">{u.email}</Td>
              <Td className="whitespace-nowrap">{ROLE_LABELS[u.role]}</Td>
              <Td>
                <span className={cn('inline-flex whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset', STATUS_STYLE[u.status])}>
                  {u.status}
                </span>
              </Td>
              <Td className="whitespace-nowrap text-slate-600">{u.lastSignInAt ? <When at={u.lastSignInAt} /> : 'Never'}</Td>
              <RowActions>
                {u.userId ? (
                  <>
                    <RowAction label="Change role" subject={u.email} onClick={() => setDialog({ kind: 'role', user: u })} />
                    <RowAction label="Remove from account" subject={u.email} danger onClick={() => setDialog({ kind: 'remove', user: u })} />
                  </>
                ) : (
                  <>
                    <RowAction label="Resend invitation" subject={u.email} onClick={() => setDialog({ kind: 'resend', user: u })} />
                    <RowAction label="Revoke invitation" subject={u.email} danger onClick={() => setDialog({ kind: 'revoke', user: u })} />
                  </>
                )}
              </RowActions>
            </tr>
          ))}
        </tbody>
      </IamTable>

      <InviteUserDialog accountId={accountId} groups={groups} open={inviting} onOpenChange={setInviting} onInvited={setLink} />
      {dialog?.kind === 'role' ? <ChangeRoleDialog accountId={accountId} user={dialog.user} onClose={close} /> : null}
      <RemoveMemberDialog
        accountId={accountId}
        user={dialog?.kind === 'remove' ? dialog.user : null}
        isSelf={dialog?.kind === 'remove' && dialog.user.userId === currentUserId}
        onClose={close}
        outcome={outcome}
      />
      <ConfirmDialog
        open={dialog?.kind === 'resend'}
        onOpenChange={(open) => !open && close()}
        title={`Resend the invitation to ${dialog?.user.email ?? ''}?`}
        confirmLabel="Resend invitation"
        onConfirm={async () => {
          if (dialog?.kind !== 'resend' || !dialog.user.invitationId) return;
          const result = await resendInvitationAction({ accountId, invitationId: dialog.user.invitationId });
          if (!result.ok) return result.message;
          outcome.report(`Sent a new invitation to ${result.data.email}.`);
          setLink({ email: result.data.email, link: result.data.link, expiresAt: new Date(result.data.expiresAt).toISOString() });
        }}
        returnFocus={outcome.returnFocus}
      >
        <p>A new link is emailed and shown to you, valid for 7 days. The previous link stops working.</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={dialog?.kind === 'revoke'}
        onOpenChange={(open) => !open && close()}
        title={`Revoke the invitation to ${dialog?.user.email ?? ''}?`}
        confirmLabel="Revoke invitation"
        variant="danger"
        onConfirm={async () => {
          if (dialog?.kind !== 'revoke' || !dialog.user.invitationId) return;
          const result = await revokeInvitationAction({ accountId, invitationId: dialog.user.invitationId });
          if (!result.ok) return result.message;
          outcome.report(`Revoked the invitation to ${result.data.email}.`);
        }}
        returnFocus={outcome.returnFocus}
      >
        <p>The link stops working at once. You can invite them again later.</p>
      </ConfirmDialog>
      <InvitationLinkDialog shown={link} onClose={() => setLink(null)} />
    </div>
  );
}

const inviteFields = z.object({ email: emailField, role: roleField, groupIds: z.array(z.string()) });
type InviteFields = z.input<typeof inviteFields>;

function InviteUserDialog({
  accountId,
  groups,
  open,
  onOpenChange,
  onInvited,
}: {
  accountId: string;
  groups: { id: string; name: string }[];
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onInvited: (link: LinkToShow) => void;
}) {
  const [message, setMessage] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    reset,
    formState: { errors, isSubmitting },
  } = useForm<InviteFields>({ resolver: zodResolver(inviteFields), defaultValues: { email: '', role: 'member', groupIds: [] } });

  const onSubmit = handleSubmit(async (values) => {
    setMessage(null);
    const result = await inviteUserAction({ accountId, ...values });
    if (!result.ok) {
      setMessage(applyActionErrors(result, setError, ['email', 'role', 'groupIds']));
      return;
    }
    reset();
    onOpenChange(false);
    onInvited({ email: result.data.email, link: result.data.link, expiresAt: new Date(result.data.expiresAt).toISOString() });
  });

  return (
    <FormDialog
      open={open}
      onOpenChange={(next) => {
        if (!next) {
          setMessage(null);
          reset();
        }
        onOpenChange(next);
      }}
      title="Invite user"
      description="They get an email with a link to join; you see the link too, once."
      message={message}
      onSubmit={onSubmit}
      isSubmitting={isSubmitting}
      submitLabel="Invite user"
    >
      <Field id="invite-email" label="Email" error={errors.email?.message}>
        <Input type="email" autoComplete="off" {...describedBy('invite-email', errors.email?.message)} {...register('email')} />
      </Field>
      <Field id="invite-role" label="Role" error={errors.role?.message}>
        <Select {...describedBy('invite-role', errors.role?.message)} {...register('role')}>
          <option value="member">{ROLE_LABELS.member}</option>
          <option value="admin">{ROLE_LABELS.admin}</option>
        </Select>
      </Field>
      <fieldset className="space-y-2" aria-describedby={errors.groupIds?.message ? 'invite-groups-error' : undefined}>
        <legend className="text-sm font-medium text-slate-800">Groups (optional)</legend>
        {groups.length === 0 ? <p className="text-sm text-slate-500">The account has no groups yet.</p> : null}
        <div className="grid gap-1 sm:grid-cols-2">
          {groups.map((g) => (
            <label key={g.id} className="flex items-center gap-2 text-sm text-slate-800">
              <input type="checkbox" value={g.id} className="h-4 w-4 rounded border-slate-300" {...register('groupIds')} />
              {g.name}
            </label>
          ))}
        </div>
        {errors.groupIds?.message ? (
          <p id="invite-groups-error" className="text-sm text-red-700">
            {errors.groupIds.message}
          </p>
        ) : null}
      </fieldset>
    </FormDialog>
  );
}

const roleFields = z.object({ role: roleField });

function ChangeRoleDialog({ accountId, user, onClose }: { accountId: string; user: UserView; onClose: () => void }) {
  const [message, setMessage] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<z.input<typeof roleFields>>({ resolver: zodResolver(roleFields), defaultValues: { role: user.role } });

  const onSubmit = handleSubmit(async (values) => {
    setMessage(null);
    const result = await changeRoleAction({ accountId, userId: user.userId!, role: values.role });
    if (!result.ok) {
      setMessage(applyActionErrors(result, setError, ['role']));
      return;
    }
    onClose();
  });

  return (
    <FormDialog
      open
      onOpenChange={(next) => !next && onClose()}
      title={`Change the role of ${user.email}`}
      description="Account admins manage the account's users, environments, tokens, groups and policies. The change applies to their next request."
      message={message}
      onSubmit={onSubmit}
      isSubmitting={isSubmitting}
      submitLabel="Change role"
    >
      <Field id="member-role" label="Role" error={errors.role?.message}>
        <Select {...describedBy('member-role', errors.role?.message)} {...register('role')}>
          <option value="member">{ROLE_LABELS.member}</option>
          <option value="admin">{ROLE_LABELS.admin}</option>
        </Select>
      </Field>
    </FormDialog>
  );
}

type Preview = { email: string; tokens: { tokenId: string; name: string }[] };

function RemoveMemberDialog({
  accountId,
  user,
  isSelf,
  onClose,
  outcome,
}: {
  accountId: string;
  user: UserView | null;
  isSelf: boolean;
  onClose: () => void;
  outcome: ReturnType<typeof useOutcome>;
}) {
  const [preview, setPreview] = useState<{ key: string; value: Preview | string } | null>(null);
  const current = user && preview?.key === user.key ? preview.value : user ? 'Looking up their tokens…' : null;
  const key = user?.key;
  const userId = user?.userId;
  // Loaded once per opening: the dialog lists what is about to be disabled.
  useEffect(() => {
    if (!key || !userId) return;
    let live = true;
    void removalPreviewAction({ accountId, userId }).then((result) => {
      if (live) setPreview({ key, value: result.ok ? result.data : result.message });
    });
    return () => {
      live = false;
    };
  }, [accountId, key, userId]);
  return (
    <ConfirmDialog
      open={user !== null}
      onOpenChange={(open) => {
        if (!open) {
          setPreview(null);
          onClose();
        }
      }}
      title={`Remove ${user?.email ?? ''} from the account?`}
      confirmLabel="Remove from account"
      variant="danger"
      onConfirm={async () => {
        if (!user?.userId) return;
        const result = await removeMemberAction({ accountId, userId: user.userId });
        if (!result.ok) return result.message;
        const n = result.data.disabledTokenIds.length;
        outcome.report(`Removed ${result.data.email} from the account${n ? `; disabled ${n === 1 ? '1 token' : `${n} tokens`}` : ''}.`);
      }}
      returnFocus={outcome.returnFocus}
    >
      <p>
        {isSelf ? 'You lose access to this account at once. ' : 'They lose access to this account from their next request on. '}
        They leave its groups, and their tokens in it are disabled.
      </p>
      {typeof current === 'string' ? (
        <p className="text-slate-600">{current}</p>
      ) : current && current.tokens.length === 0 ? (
        <p className="text-slate-600">They have no active tokens in this account.</p>
      ) : current ? (
        <div>
          <p className="font-medium text-slate-800">{current.tokens.length === 1 ? 'This token is disabled:' : `These ${current.tokens.length} tokens are disabled:`}</p>
          <ul className="mt-1 max-h-40 space-y-0.5 overflow-y-auto" aria-label="Tokens that are disabled">
            {current.tokens.map((t) => (
              <li key={t.tokenId} className="break-all">
                {t.name} <span className="font-mono text-xs text-slate-600">{t.tokenId}</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </ConfirmDialog>
  );
}
