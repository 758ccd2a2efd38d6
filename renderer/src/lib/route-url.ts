// The route in the address bar's fragment (`#view=repository&registry=staging&repository=team%2Fweb`), so the
// browser's back and forward move between screens and a reload (or a shared link) opens the same screen. The fragment
// never reaches the server, and the session token's `?token=` handling keeps it.
import type { Pick } from '../stores/compare.js';
import { useNav, type Route } from '../stores/nav.js';

/** As many images as the compare screen takes. */
const MAX_PICKS = 8;

export function routeToHash(route: Route): string {
  const params = new URLSearchParams({ view: route.view });
  if ('registryId' in route) params.set('registry', route.registryId);
  if ('repository' in route) params.set('repository', route.repository);
  if ('reference' in route) params.set('reference', route.reference);
  // One image after another, each as the same four keys (an empty platform is none): any name round-trips.
  if (route.view === 'compare') {
    for (const pick of route.picks ?? []) {
      params.append('registry', pick.registryId);
      params.append('repository', pick.repository);
      params.append('reference', pick.reference);
      params.append('platform', pick.platform ?? '');
    }
  }
  return route.view === 'home' ? '' : `#${params.toString()}`;
}

/** The route a fragment names, or home for anything else (a fragment is typed by anyone). */
export function routeFromHash(hash: string): Route {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const registryId = params.get('registry') ?? '';
  const repository = params.get('repository') ?? '';
  const reference = params.get('reference') ?? '';
  switch (params.get('view')) {
    case 'catalog':
      return registryId ? { view: 'catalog', registryId } : { view: 'home' };
    case 'repository':
      return registryId && repository ? { view: 'repository', registryId, repository } : { view: 'home' };
    case 'image':
      return registryId && repository && reference ? { view: 'image', registryId, repository, reference } : { view: 'home' };
    case 'compare': {
      const picks = picksFromParams(params);
      return picks.length > 0 ? { view: 'compare', picks } : { view: 'compare' };
    }
    default:
      return { view: 'home' };
  }
}

function picksFromParams(params: URLSearchParams): readonly Pick[] {
  const [registries, repositories, references, platforms] = ['registry', 'repository', 'reference', 'platform'].map((key) => params.getAll(key)) as [string[], string[], string[], string[]];
  const picks: Pick[] = [];
  for (let i = 0; i < Math.min(registries.length, MAX_PICKS); i += 1) {
    const registryId = registries[i] ?? '';
    const repository = repositories[i] ?? '';
    const reference = references[i] ?? '';
    const platform = platforms[i] ?? '';
    if (!registryId || !repository || !reference) return [];
    picks.push(platform ? { registryId, repository, reference, platform } : { registryId, repository, reference });
  }
  return picks;
}

export interface RouteWindow {
  readonly location: { readonly hash: string };
  readonly history: { pushState(data: unknown, unused: string, url: string): void; replaceState(data: unknown, unused: string, url: string): void };
  addEventListener(type: 'popstate', listener: () => void): void;
  removeEventListener(type: 'popstate', listener: () => void): void;
}

/** Opens the screen the address names, then keeps the two in step; returns a function that stops it. */
export function syncRouteWithUrl(win: RouteWindow): () => void {
  const initial = routeFromHash(win.location.hash);
  if (initial.view !== 'home') useNav.setState({ route: initial, history: [] });
  let fromBrowser = false;
  const onPop = (): void => {
    const route = routeFromHash(win.location.hash);
    fromBrowser = true;
    useNav.setState((s) => {
      const previous = s.history[s.history.length - 1];
      // Back to where the app came from: its own history steps back too; anything else is a step forward.
      return previous && routeToHash(previous) === routeToHash(route) ? { route, history: s.history.slice(0, -1) } : { route, history: [...s.history, s.route].slice(-50) };
    });
    fromBrowser = false;
  };
  win.addEventListener('popstate', onPop);
  const unsubscribe = useNav.subscribe((state, prior) => {
    if (fromBrowser || routeToHash(state.route) === routeToHash(prior.route)) return;
    const url = routeToHash(state.route) || '#';
    // The app's own back (Esc) replaces the entry rather than growing the browser's history, and so does a change
    // of the same screen's details (its history untouched).
    if (state.history.length < prior.history.length || state.history === prior.history) win.history.replaceState(null, '', url);
    else win.history.pushState(null, '', url);
  });
  return () => {
    win.removeEventListener('popstate', onPop);
    unsubscribe();
  };
}
