// One row of tabs with the WAI-ARIA tabs pattern (roving tabindex, Left / Right arrows move and
// focus), for the comparison views and the run page alike.
import type { KeyboardEvent } from 'react';

export interface TabItem {
  id: string;
  label: string;
  /** Shown greyed with its reason on hover: a tab that vanishes for one dataset reads as a bug. */
  notApplicable?: string;
}

interface TabListProps {
  tabs: readonly TabItem[];
  selected: string;
  onSelect: (id: string) => void;
  /** Prefix of each tab button's id (`<prefix>-<tab id>`), which the panel's aria-labelledby names. */
  idPrefix: string;
  panelId: string;
  testIdPrefix: string;
  className: string;
  label: string;
}

export function TabList({ tabs, selected, onSelect, idPrefix, panelId, testIdPrefix, className, label }: TabListProps) {
  const onKeyDown = (event: KeyboardEvent) => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    const index = tabs.findIndex((t) => t.id === selected);
    const next = tabs[(index + step + tabs.length) % tabs.length];
    onSelect(next.id);
    document.getElementById(`${idPrefix}-${next.id}`)?.focus();
  };
  return (
    <div className={`tabs ${className}`} role="tablist" aria-label={label} onKeyDown={onKeyDown}>
      {tabs.map((t) => (
        <button
          key={t.id}
          id={`${idPrefix}-${t.id}`}
          type="button"
          role="tab"
          aria-selected={t.id === selected}
          aria-controls={panelId}
          tabIndex={t.id === selected ? 0 : -1}
          className={`tab${t.id === selected ? ' is-active' : ''}`}
          onClick={() => onSelect(t.id)}
          data-testid={`${testIdPrefix}-${t.id}`}
          data-not-applicable={t.notApplicable ? 'true' : undefined}
          title={t.notApplicable ? `Does not apply to this dataset: ${t.notApplicable}` : undefined}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}
