'use client';

import { type ReactNode, useEffect, useRef, useState } from 'react';
import { Button, type ButtonVariant } from './button';

export interface ConfirmButtonProps {
  /** Runs after the user confirms. */
  onConfirm: () => void;
  /** The first button's text, e.g. "Revoke". */
  children: ReactNode;
  /** The question shown inline, e.g. "Revoke key nw_ab12cd34? Clients using it stop working." */
  message: ReactNode;
  /** The confirming button's text; defaults to the first button's text. */
  confirmLabel?: ReactNode;
  variant?: ButtonVariant;
  size?: 'sm' | 'md';
  disabled?: boolean;
  pending?: boolean;
  title?: string;
}

/**
 * A destructive action in two steps: the first click shows the question with Confirm / Cancel inline
 * (no browser dialog); Escape or Cancel backs out.
 */
export function ConfirmButton({ onConfirm, children, message, confirmLabel, variant = 'danger', size = 'sm', disabled, pending, title }: ConfirmButtonProps) {
  const [asking, setAsking] = useState(false);
  const cancelRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!asking) return;
    cancelRef.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setAsking(false);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [asking]);

  if (!asking) {
    return (
      <Button variant={variant === 'danger' ? 'secondary' : variant} size={size} className={variant === 'danger' ? 'btn-danger-outline' : undefined} disabled={disabled} pending={pending} title={title} onClick={() => setAsking(true)}>
        {children}
      </Button>
    );
  }
  return (
    <span className="confirm" role="group" aria-label="Confirm action">
      <span className="confirm-message">{message}</span>
      <Button
        variant={variant}
        size={size}
        pending={pending}
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {confirmLabel ?? children}
      </Button>
      <Button variant="ghost" size={size} ref={cancelRef} onClick={() => setAsking(false)}>
        Cancel
      </Button>
    </span>
  );
}
