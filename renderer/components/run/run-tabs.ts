// The run page's tabs. The open one rides in the URL (#/run/<id>/<tab>, renderer/lib/route.ts),
// so a copied link reopens the same tab.
export const RUN_TABS = [
  { id: 'overview', label: 'Overview' },
  { id: 'curves', label: 'Curves' },
  { id: 'config', label: 'Config' },
  { id: 'log', label: 'Log' },
  { id: 'checkpoints', label: 'Checkpoints' },
] as const;
export type RunTabId = (typeof RUN_TABS)[number]['id'];

/** An unknown tab in a hand-edited URL opens the overview rather than an empty page. */
export function runTab(tab: string | undefined): RunTabId {
  return RUN_TABS.find((t) => t.id === tab)?.id ?? 'overview';
}
