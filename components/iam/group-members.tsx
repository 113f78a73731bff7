'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import type { z } from 'zod';
import { addGroupMemberAction, removeGroupMemberAction } from '@/app/_actions/groups';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { describedBy, Field } from '@/components/ui/field';
import { FormDialog } from '@/components/ui/form-dialog';
import { Select } from '@/components/ui/input';
import type { Identity } from '@/lib/iam/iam-queries';
import { groupMemberSchema } from '@/lib/validations/iam';
import { applyActionErrors } from './field-errors';
import { EmptyRow, IamTable, RowAction, RowActions, Td, Th } from './iam-table';
import { useOutcome } from './outcome-status';

const kindLabel = (kind: Identity['kind']) => (kind === 'user' ? 'User' : 'Service user');

export function GroupMembers({
  accountId,
  group,
  members,
  candidates,
  formerMembers,
}: {
  accountId: string;
  group: { id: string; name: string };
  members: Identity[];
  candidates: Identity[];
  formerMembers: number;
}) {
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<Identity | null>(null);
  const outcome = useOutcome();

  return (
    <section aria-labelledby="members-heading" className="space-y-3">
      <div className="flex items-center justify-between gap-4">
        <h2 id="members-heading" className="text-lg font-semibold">
          Members
        </h2>
        <Button variant="secondary" onClick={() => setAdding(true)} disabled={candidates.length === 0}>
          Add member
        </Button>
      </div>
      <IamTable caption={`Members of ${group.name}`}>
        <thead className="bg-slate-50">
          <tr>
            <Th>Email</Th>
            <Th>Name</Th>
            <Th>Kind</Th>
            <Th className="sr-only">Actions</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {members.length === 0 ? <EmptyRow colSpan={4}>No members yet.</EmptyRow> : null}
          {members.map((member) => (
            <tr key={member.ref}>
              <Td className="font-medium">{member.email}</Td>
              <Td>{member.name}</Td>
              <Td>{kindLabel(member.kind)}</Td>
              <RowActions>
                <RowAction label="Remove" subject={member.email} danger onClick={() => setRemoving(member)} />
              </RowActions>
            </tr>
          ))}
        </tbody>
      </IamTable>
      {formerMembers > 0 ? (
        <p className="text-sm text-slate-600">
          {formerMembers === 1 ? 'One former member of the account is' : `${formerMembers} former members of the account are`} still
          listed in this group; they get nothing from it unless they rejoin the account.
        </p>
      ) : null}

      <AddMemberDialog accountId={accountId} group={group} candidates={candidates} open={adding} onOpenChange={setAdding} />
      <ConfirmDialog
        open={removing !== null}
        onOpenChange={(open) => !open && setRemoving(null)}
        title={`Remove ${removing?.email ?? ''} from ${group.name}?`}
        confirmLabel="Remove"
        variant="danger"
        onConfirm={async () => {
          if (!removing) return;
          const result = await removeGroupMemberAction({ accountId, groupId: group.id, member: removing.ref });
          if (!result.ok) return result.message;
          outcome.report(`Removed ${removing.email} from ${group.name}.`);
        }}
        returnFocus={outcome.returnFocus}
      >
        <p>They lose the permissions of this group&apos;s policies at once, and so do their tokens.</p>
      </ConfirmDialog>
    </section>
  );
}

const memberFields = groupMemberSchema.pick({ member: true });
type MemberFields = z.input<typeof memberFields>;

function AddMemberDialog({
  accountId,
  group,
  candidates,
  open,
  onOpenChange,
}: {
  accountId: string;
  group: { id: string; name: string };
  candidates: Identity[];
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const [message, setMessage] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    reset,
    formState: { errors, isSubmitting },
  } = useForm<MemberFields>({ resolver: zodResolver(memberFields), defaultValues: { member: '' } });

  const onSubmit = handleSubmit(async ({ member }) => {
    setMessage(null);
    const result = await addGroupMemberAction({ accountId, groupId: group.id, member });
    if (!result.ok) {
      setMessage(applyActionErrors(result, setError, ['member']));
      return;
    }
    reset();
    onOpenChange(false);
  });

  const users = candidates.filter((c) => c.kind === 'user');
  const services = candidates.filter((c) => c.kind === 'service-user');
  return (
    <FormDialog
      open={open}
      onOpenChange={(next) => {
        if (!next) setMessage(null);
        onOpenChange(next);
      }}
      title={`Add a member to ${group.name}`}
      description="Users and service users of this account can be members."
      message={message}
      onSubmit={onSubmit}
      isSubmitting={isSubmitting}
      submitLabel="Add"
    >
      <Field id="add-member" label="Member" error={errors.member?.message}>
        <Select {...describedBy('add-member', errors.member?.message)} {...register('member')}>
          <option value="">Choose a user or service user</option>
          {users.length > 0 ? (
            <optgroup label="Users">
              {users.map((c) => (
                <option key={c.ref} value={c.ref}>
                  {c.email}
                </option>
              ))}
            </optgroup>
          ) : null}
          {services.length > 0 ? (
            <optgroup label="Service users">
              {services.map((c) => (
                <option key={c.ref} value={c.ref}>
                  {c.email}
                </option>
              ))}
            </optgroup>
          ) : null}
        </Select>
      </Field>
    </FormDialog>
  );
}
