// Every setting of a run as a table, the ones that differ from Comparo's defaults marked, so what
// was changed for this run is visible at a glance.
import { DEFAULT_RUN_CONFIG, type RunConfig } from '../../../shared/schemas';

/** model.dim, model.pretrained...: nested settings flattened into one list. */
export function configRows(config: RunConfig): Array<{ key: string; value: string; defaultValue: string }> {
  const flat = (obj: Record<string, unknown>, prefix = ''): Array<[string, unknown]> =>
    Object.entries(obj).flatMap(([k, v]) => (v && typeof v === 'object' && !Array.isArray(v) ? flat(v as Record<string, unknown>, `${prefix}${k}.`) : [[`${prefix}${k}`, v] as [string, unknown]]));
  const defaults = new Map(flat(DEFAULT_RUN_CONFIG as unknown as Record<string, unknown>));
  const show = (v: unknown) => (v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));
  const rows = flat(config as unknown as Record<string, unknown>).map(([key, value]) => ({ key, value: show(value), defaultValue: show(defaults.get(key)) }));
  // The built-in model's default has no pretrained folder; say so rather than leave the row out.
  if (!config.model.pretrained) rows.push({ key: 'model.pretrained', value: '— (built-in model)', defaultValue: '—' });
  return rows;
}

export function RunConfigTable({ config }: { config: RunConfig }) {
  const rows = configRows(config);
  return (
    <section className="card" aria-labelledby="run-config-heading" data-testid="run-config">
      <h2 id="run-config-heading">Every setting</h2>
      <p className="muted">Marked: changed from Comparo's default.</p>
      <div className="table-scroll">
        <table className="run-config-table">
          <thead>
            <tr>
              <th scope="col">Setting</th>
              <th scope="col">Value</th>
              <th scope="col">Default</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const changed = r.value !== r.defaultValue && !r.value.startsWith('— (');
              return (
                <tr key={r.key} data-setting={r.key} data-changed={changed ? 'true' : undefined}>
                  <th scope="row">
                    <code>{r.key}</code>
                  </th>
                  <td className="run-config-value">{r.value}</td>
                  <td className="muted">{r.defaultValue}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
