// Which view is open lives in the URL hash, so a reload (or Electron's window restore) reopens it;
// the hash survives the token being stripped from the query string.
import { useEffect, useState } from 'react';

export type Route =
  | { view: 'import' }
  | { view: 'dataset'; id: string }
  /** tab: the comparison view's open tab (shared/comparison-views.ts ids), absent for the overview. */
  | { view: 'comparison'; id: string; tab?: string }
  /** tab: the run page's open tab (renderer/components/run/run-tabs.ts ids), absent for the overview. */
  | { view: 'run'; id: string; tab?: string }
  /** Try trained runs on typed text; comparisonId picks its arms as the default runs. */
  | { view: 'playground'; comparisonId?: string }
  /** Settings -> Workers: where new runs train (docs/workers.md). */
  | { view: 'workers' };

export function parseRoute(hash: string): Route {
  if (hash === '#/workers') return { view: 'workers' };
  const playground = /^#\/playground(?:\/(.+))?$/.exec(hash);
  if (playground) return playground[1] ? { view: 'playground', comparisonId: decodeURIComponent(playground[1]) } : { view: 'playground' };
  // A comparison's tab rides after its id: #/comparison/<id>/<tab> (ids never contain '/' unencoded).
  const comparison = /^#\/comparison\/([^/]+)\/([\w-]+)$/.exec(hash);
  if (comparison) return { view: 'comparison', id: decodeURIComponent(comparison[1]), tab: comparison[2] };
  const run = /^#\/run\/([^/]+)\/([\w-]+)$/.exec(hash);
  if (run) return { view: 'run', id: decodeURIComponent(run[1]), tab: run[2] };
  const match = /^#\/(dataset|comparison|run)\/(.+)$/.exec(hash);
  if (!match) return { view: 'import' };
  return { view: match[1] as 'dataset' | 'comparison' | 'run', id: decodeURIComponent(match[2]) };
}

export function routeHref(route: Route): string {
  if (route.view === 'workers') return '#/workers';
  if (route.view === 'playground') return route.comparisonId ? `#/playground/${encodeURIComponent(route.comparisonId)}` : '#/playground';
  if ((route.view === 'comparison' || route.view === 'run') && route.tab && route.tab !== 'overview') return `#/${route.view}/${encodeURIComponent(route.id)}/${route.tab}`;
  return route.view === 'import' ? '#/' : `#/${route.view}/${encodeURIComponent(route.id)}`;
}

export function navigate(route: Route): void {
  window.location.hash = routeHref(route);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onHashChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);
  return route;
}
