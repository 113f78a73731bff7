'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useMemo, useRef, useState } from 'react';
import { Controller, useForm, useWatch } from 'react-hook-form';
import type { z } from 'zod';
import { createPolicyAction, updatePolicyAction } from '@/app/_actions/policies';
import { Button, buttonClassName } from '@/components/ui/button';
import { describedBy, errorId, Field, FormAlert } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { useNotice } from '@/components/ui/notice';
import { parsePolicy } from '@/lib/iam/policy-parser';
import { createPolicySchema } from '@/lib/validations/iam';
import { applyActionErrors } from './field-errors';
import { StatementsEditor, type StatementsEditorHandle } from './statements-editor';

const fieldsSchema = createPolicySchema.pick({ name: true, description: true, statements: true });
type PolicyFields = z.input<typeof fieldsSchema>;

const STATEMENTS_ID = 'policy-statements';

/**
 * Creates or edits a policy. The statements are parsed on every keystroke with the same parser the
 * server uses, so the first error shows at its line and column before anything is sent.
 */
export function PolicyEditor({
  accountId,
  policy,
}: {
  accountId: string;
  policy?: { id: string; name: string; description: string; statements: string };
}) {
  const router = useRouter();
  const editor = useRef<StatementsEditorHandle>(null);
  const [message, setMessage] = useState<string | null>(null);
  const { notify } = useNotice();
  const {
    register,
    control,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<PolicyFields>({
    resolver: zodResolver(fieldsSchema),
    defaultValues: { name: policy?.name ?? '', description: policy?.description ?? '', statements: policy?.statements ?? '' },
  });
  const list = `/accounts/${encodeURIComponent(accountId)}/iam/policies`;

  const statements = useWatch({ control, name: 'statements' }) ?? '';
  const parsed = useMemo(() => parsePolicy(statements), [statements]);
  const liveError = parsed.ok ? null : parsed.error;
  // The live error replaces the submit-time message, which says the same with its position.
  const statementsError = liveError ? undefined : errors.statements?.message;

  const onSubmit = handleSubmit(async (values) => {
    setMessage(null);
    const result = policy
      ? await updatePolicyAction({ accountId, policyId: policy.id, ...values })
      : await createPolicyAction({ accountId, ...values });
    if (!result.ok) {
      setMessage(applyActionErrors(result, setError, ['name', 'description', 'statements']));
      return;
    }
    notify(policy ? `Saved policy ${values.name}.` : `Created policy ${values.name}.`, { path: list });
    router.push(list);
  });

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4" aria-label={policy ? `Edit policy ${policy.name}` : 'Create policy'}>
      <FormAlert message={message} />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="policy-name" label="Policy name" error={errors.name?.message}>
          <Input autoComplete="off" {...describedBy('policy-name', errors.name?.message)} {...register('name')} />
        </Field>
        <Field id="policy-description" label="Description" error={errors.description?.message}>
          <Input autoComplete="off" {...describedBy('policy-description', errors.description?.message)} {...register('description')} />
        </Field>
      </div>

      <div className="space-y-1">
        <label htmlFor={STATEMENTS_ID} className="block text-sm font-medium text-slate-800">
          Statements
        </label>
        <Controller
          control={control}
          name="statements"
          render={({ field }) => (
            <StatementsEditor
              ref={(handle) => {
                editor.current = handle;
                // Lets the form focus the editor when a submit finds the statements invalid.
                field.ref(handle ? { focus: () => handle.goTo(liveError?.line ?? 1, liveError?.column ?? 1) } : null);
              }}
              id={STATEMENTS_ID}
              name={field.name}
              value={field.value ?? ''}
              onChange={field.onChange}
              onBlur={field.onBlur}
              errorLine={liveError?.line ?? null}
              invalid={liveError !== null || statementsError !== undefined}
              describedBy={`${STATEMENTS_ID}-status`}
            />
          )}
        />
        {/* A live region, so the first error (or that there is none) is announced while typing. */}
        <div id={`${STATEMENTS_ID}-status`} role="status" className="min-h-6 text-sm">
          {liveError ? (
            <p id={errorId(STATEMENTS_ID)} className="flex flex-wrap items-center gap-2 text-red-700">
              <span>
                Line {liveError.line}, column {liveError.column}: {liveError.message}
              </span>
              <Button variant="ghost" size="sm" onClick={() => editor.current?.goTo(liveError.line, liveError.column)}>
                Go to error
              </Button>
            </p>
          ) : statementsError ? (
            <p id={errorId(STATEMENTS_ID)} className="text-red-700">
              {statementsError}
            </p>
          ) : parsed.ok && parsed.statements.length > 0 ? (
            <p className="text-emerald-700">
              No errors · {parsed.statements.length} {parsed.statements.length === 1 ? 'statement' : 'statements'}
            </p>
          ) : (
            <p className="text-slate-500">Write one statement per line, each ending in a semicolon.</p>
          )}
        </div>
      </div>

      <div className="flex gap-2">
        <Button type="submit" disabled={isSubmitting} aria-busy={isSubmitting || undefined}>
          {policy ? 'Save policy' : 'Create policy'}
        </Button>
        <Link href={list} className={buttonClassName('secondary')}>
          Cancel
        </Link>
      </div>
    </form>
  );
}
