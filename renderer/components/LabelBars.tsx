// Class balance at a glance: a skewed dataset makes accuracy differences misleading.
interface LabelBarsProps {
  counts: Record<string, number>;
}

export function LabelBars({ counts }: LabelBarsProps) {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  const total = entries.reduce((sum, [, count]) => sum + count, 0);
  const largest = Math.max(1, ...entries.map(([, count]) => count));
  return (
    <ul className="label-bars" aria-label="Rows per label">
      {entries.map(([label, count]) => (
        <li key={label}>
          <span className="label-name" title={label}>
            {label}
          </span>
          <span className="label-bar-track">
            <span className="label-bar" style={{ width: `${(count / largest) * 100}%` }} />
          </span>
          <span className="label-count">
            {count.toLocaleString()} <span className="muted">({total ? ((count / total) * 100).toFixed(0) : 0}%)</span>
          </span>
        </li>
      ))}
    </ul>
  );
}
