// One look for every status word, so "running" reads the same in the history and the live view.
export function StatusChip({ status }: { status: string }) {
  return <span className={`status-chip status-${status}`}>{status}</span>;
}
