// A modal confirmation: the platform's <dialog> traps focus and closes on Escape (onCancel).
import { useEffect, useRef, type ReactNode } from 'react';

interface ConfirmDialogProps {
  title: string;
  confirmLabel: string;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  children: ReactNode;
  testId?: string;
}

export function ConfirmDialog({ title, confirmLabel, busy, onConfirm, onCancel, children, testId = 'confirm-delete' }: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog ref={ref} className="confirm-dialog" aria-labelledby={`${testId}-title`} onCancel={onCancel} data-testid={testId}>
      <h2 id={`${testId}-title`}>{title}</h2>
      {children}
      <div className="confirm-actions">
        {/* Cancel first and focused: Enter on an unexpected dialog must not delete anything. */}
        <button type="button" className="button small" onClick={onCancel} autoFocus>
          Cancel
        </button>
        <button type="button" className="button small danger" disabled={busy} onClick={onConfirm} data-testid={`${testId}-button`}>
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
