import { forwardRef } from 'react';
import { cn } from '@/lib/cn';

const variants = {
  primary: 'bg-accent text-on-accent shadow-sm hover:bg-accent-hover',
  secondary: 'border border-slate-300 bg-white text-slate-800 shadow-sm hover:bg-slate-100',
  danger: 'bg-danger text-on-accent shadow-sm hover:bg-danger-hover',
  ghost: 'text-slate-700 hover:bg-slate-100',
} as const;

const sizes = { sm: 'h-8 px-3 text-sm', md: 'h-10 px-4 text-sm' } as const;

export type ButtonVariant = keyof typeof variants;
export type ButtonSize = keyof typeof sizes;

// Every variant looks the same when disabled: flat grey, so an unavailable action never reads as
// a paler version of an available one. `aria-disabled` covers links styled as buttons.
const DISABLED =
  'disabled:cursor-not-allowed disabled:border disabled:border-slate-200 disabled:bg-slate-100 disabled:text-slate-500 disabled:shadow-none ' +
  'aria-disabled:cursor-not-allowed aria-disabled:border aria-disabled:border-slate-200 aria-disabled:bg-slate-100 aria-disabled:text-slate-500 aria-disabled:shadow-none';

/** The classes of a button, for links and triggers that look like one. */
export function buttonClassName(variant: ButtonVariant = 'primary', size: ButtonSize = 'md', className?: string): string {
  return cn(
    'inline-flex shrink-0 items-center justify-center gap-2 rounded-md font-medium transition-colors',
    variants[variant],
    sizes[size],
    DISABLED,
    className,
  );
}

export interface ButtonProps extends React.ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: ButtonVariant;
  size?: ButtonSize;
}

export const Button = forwardRef<HTMLButtonElement, ButtonProps>(function Button(
  { variant = 'primary', size = 'md', className, type = 'button', ...props },
  ref,
) {
  return <button ref={ref} type={type} className={buttonClassName(variant, size, className)} {...props} />;
});
