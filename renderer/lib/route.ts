// Which view is open lives in the URL hash, so a reload (or Electron's window restore) reopens it;
// the hash survives the token being stripped from the query string.
import { useEffect, useState } from 'react';

export type Route =
  | { view: 'import' }
  | { view: 'dataset'; id: string }
  | { view: 'comparison'; id: string }
  | { view: 'run'; id: string }
  /** Try trained runs on typed text; comparisonId picks its arms as the default runs. */
  | { view: 'playground'; comparisonId?: string };

export function parseRoute(hash: string): Route {
  const playground = /^#\/playground(?:\/(.+))?$/.exec(hash);
  if (playground) return playground[1] ? { view: 'playground', comparisonId: decodeURIComponent(playground[1]) } : { view: 'playground' };
  const match = /^#\/(dataset|comparison|run)\/(.+)$/.exec(hash);
  if (!match) return { view: 'import' };
  return { view: match[1] as 'dataset' | 'comparison' | 'run', id: decodeURIComponent(match[2]) };
}

export function routeHref(route: Route): string {
  if (route.view === 'playground') return route.comparisonId ? `#/playground/${encodeURIComponent(route.comparisonId)}` : '#/playground';
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
