import { formatError, type AppErrorValue } from '../../shared/errors';

interface ErrorMessageProps {
  error: AppErrorValue | string | null | undefined;
  /** What the person was trying to do, e.g. "Could not import reviews.csv". */
  title?: string;
  onDismiss?: () => void;
}

/** Errors are shown as the server wrote them (file:line:column: message) so they can be acted on. */
export function ErrorMessage({ error, title, onDismiss }: ErrorMessageProps) {
  if (!error) return null;
  const text = typeof error === 'string' ? error : formatError(error);
  return (
    <div className="error-message" role="alert">
      {title && <strong>{title}</strong>}
      <code>{text}</code>
      {onDismiss && (
        <button type="button" className="link-button" onClick={onDismiss} aria-label="Dismiss error">
          Dismiss
        </button>
      )}
    </div>
  );
}
