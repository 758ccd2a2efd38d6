// The route lives in the address bar's fragment: reload opens the same screen, browser back moves between screens.
import { afterEach, describe, expect, it } from 'vitest';
import { useNav, type Route } from '../stores/nav.js';
import { routeFromHash, routeToHash, syncRouteWithUrl, type RouteWindow } from './route-url.js';

function fakeWindow(hash: string) {
  const entries = [hash];
  let at = 0;
  const listeners = new Set<() => void>();
  const win: RouteWindow & { back(): void; entries: string[] } = {
    entries,
    location: {
      get hash() {
        return entries[at] ?? '';
      },
    },
    history: {
      pushState: (_d, _u, url) => {
        entries.splice(++at, entries.length, url);
      },
      replaceState: (_d, _u, url) => {
        entries[at] = url;
      },
    },
    addEventListener: (_t, l) => listeners.add(l),
    removeEventListener: (_t, l) => listeners.delete(l),
    back() {
      at -= 1;
      for (const l of listeners) l();
    },
  };
  return win;
}

describe('route in the URL', () => {
  let stop: (() => void) | undefined;
  afterEach(() => {
    stop?.();
    useNav.setState({ route: { view: 'home' }, history: [] });
  });

  it('round-trips every route, names with slashes and colons included, and ignores a fragment that names nothing', () => {
    const routes: Route[] = [{ view: 'home' }, { view: 'catalog', registryId: 'staging' }, { view: 'repository', registryId: 'staging', repository: 'team/web' }, { view: 'image', registryId: 'prod', repository: 'team/web', reference: 'sha256:abc' }, { view: 'compare' }];
    for (const route of routes) expect(routeFromHash(routeToHash(route))).toEqual(route);
    expect(routeFromHash('#view=image&registry=x')).toEqual({ view: 'home' });
    expect(routeFromHash('#garbage')).toEqual({ view: 'home' });
  });

  it('keeps the compared images in the route, platforms and digests included', () => {
    const picks = [
      { registryId: 'staging', repository: 'team/web', reference: 'sha256:abc' },
      { registryId: 'prod & co', repository: 'team/web', reference: '2', platform: 'linux/arm64/v8' },
    ];
    expect(routeFromHash(routeToHash({ view: 'compare', picks }))).toEqual({ view: 'compare', picks });
    // An image missing a part names nothing to compare.
    expect(routeFromHash('#view=compare&registry=a&repository=b')).toEqual({ view: 'compare' });
  });

  it('a change of the compared images replaces the browser entry instead of adding one', () => {
    const win = fakeWindow('');
    stop = syncRouteWithUrl(win);
    const one = { registryId: 'r', repository: 'app', reference: '1' };
    useNav.getState().go({ view: 'compare', picks: [one, { ...one, reference: '2' }, { ...one, reference: '3' }] });
    useNav.getState().update({ view: 'compare', picks: [one, { ...one, reference: '3' }] });
    expect(win.entries).toHaveLength(2);
    expect(routeFromHash(win.location.hash)).toEqual({ view: 'compare', picks: [one, { ...one, reference: '3' }] });
  });

  it('opens the screen a reloaded address names, and browser back returns to the previous screen', () => {
    const win = fakeWindow(routeToHash({ view: 'repository', registryId: 'staging', repository: 'team/web' }));
    stop = syncRouteWithUrl(win);
    expect(useNav.getState().route).toEqual({ view: 'repository', registryId: 'staging', repository: 'team/web' });
    useNav.getState().go({ view: 'image', registryId: 'staging', repository: 'team/web', reference: '1' });
    expect(routeFromHash(win.location.hash)).toEqual({ view: 'image', registryId: 'staging', repository: 'team/web', reference: '1' });
    win.back();
    expect(useNav.getState().route).toEqual({ view: 'repository', registryId: 'staging', repository: 'team/web' });
    expect(useNav.getState().history).toEqual([]);
  });
});
