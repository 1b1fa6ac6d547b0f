import { cloneElement, isValidElement, type ReactElement, type ReactNode, useId } from 'react';
import { cx } from './cx';

type ControlProps = { id?: string; 'aria-invalid'?: boolean; 'aria-describedby'?: string };

export interface FieldProps {
  label: ReactNode;
  /** Inline error under the control; also marks the control `aria-invalid`. */
  error?: string | null;
  /** Help text under the control (hidden while an error shows). */
  hint?: ReactNode;
  /** One control: `<input className="input" …/>`, `<select className="select">`, `<textarea>`. */
  children: ReactElement<ControlProps>;
  className?: string;
}

/**
 * Label + control + inline error. The label is tied to the control by id (Playwright's `getByLabel`
 * and screen readers both find it) and the error is announced as the control's description.
 */
export function Field({ label, error, hint, children, className }: FieldProps) {
  const autoId = useId();
  const child = isValidElement(children) ? children : null;
  const id = child?.props.id ?? `f${autoId.replace(/[^a-zA-Z0-9_-]/g, '')}`;
  const noteId = `${id}-note`;
  const note = error || hint;
  const control = child
    ? cloneElement(child, {
        id,
        'aria-invalid': error ? true : child.props['aria-invalid'],
        'aria-describedby': note ? cx(child.props['aria-describedby'], noteId) : child.props['aria-describedby'],
      })
    : children;
  return (
    <div className={cx('field', error && 'field-invalid', className)}>
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {control}
      {error ? (
        <span className="field-error" id={noteId} role="alert">
          {error}
        </span>
      ) : hint ? (
        <span className="field-hint" id={noteId}>
          {hint}
        </span>
      ) : null}
    </div>
  );
}

/** A message for the whole form (errors not tied to one field). */
export function FormError({ children }: { children?: ReactNode }) {
  if (!children) return null;
  return (
    <div className="form-error" role="alert">
      {children}
    </div>
  );
}
