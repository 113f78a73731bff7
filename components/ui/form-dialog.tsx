'use client';

import { Button } from './button';
import { Dialog, DialogClose, DialogContent, DialogFooter } from './dialog';
import { FormAlert } from './field';

/** A dialog that is one form: its message for the whole form, its fields, then Cancel and submit. */
export function FormDialog({
  open,
  onOpenChange,
  title,
  description,
  message,
  onSubmit,
  isSubmitting,
  submitLabel,
  children,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description?: React.ReactNode;
  message: string | null;
  onSubmit: React.FormEventHandler<HTMLFormElement>;
  isSubmitting: boolean;
  submitLabel: string;
  children: React.ReactNode;
}) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent title={title} description={description}>
        {/* The schema validates on submit, with messages tied to the fields; the browser's own checks would come first. */}
        <form onSubmit={onSubmit} noValidate className="space-y-4">
          <FormAlert message={message} />
          {children}
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="secondary">Cancel</Button>
            </DialogClose>
            <Button type="submit" disabled={isSubmitting} aria-busy={isSubmitting || undefined}>
              {submitLabel}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
