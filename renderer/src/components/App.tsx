// The window: registries on the left, the current view, transfers on the right; Esc goes back.
import { lazy, Suspense, useEffect } from 'react';
import { useNav } from '../stores/nav.js';
import { useRegistries } from '../stores/registries.js';
import { CatalogView } from './CatalogView.js';
import { CommandPalette } from './CommandPalette.js';
import { Empty, ErrorState, Loading } from './common.js';
import { DropZone } from './DropZone.js';
import { PushDialog } from './PushDialog.js';
import { Sidebar } from './Sidebar.js';
import { TransfersPanel } from './TransfersPanel.js';

// The first screen is the registries and a catalog; the other views (with their chart, treemap and file browser) are
// not needed to show it, so they load apart: fetched when the window is idle after its first render, or when opened.
const loadRepository = () => import('./RepositoryView.js');
const loadImage = () => import('./ImageView.js');
const loadCompare = () => import('./CompareView.js');
const RepositoryView = lazy(() => loadRepository().then((m) => ({ default: m.RepositoryView })));
const ImageView = lazy(() => loadImage().then((m) => ({ default: m.ImageView })));
const CompareView = lazy(() => loadCompare().then((m) => ({ default: m.CompareView })));

function preloadViews(): () => void {
  const load = (): void => void Promise.all([loadRepository(), loadImage(), loadCompare()]).catch(() => undefined);
  if (typeof window.requestIdleCallback !== 'function') {
    const timer = setTimeout(load, 200);
    return () => clearTimeout(timer);
  }
  const idle = window.requestIdleCallback(load, { timeout: 2000 });
  return () => window.cancelIdleCallback(idle);
}

function Breadcrumbs() {
  const route = useNav((s) => s.route);
  const go = useNav((s) => s.go);
  const registry = useRegistries((s) => ('registryId' in route ? s.list.find((r) => r.id === route.registryId) : undefined));
  if (!('registryId' in route) || !registry) return <div className="crumbs" />;
  return (
    <div className="crumbs" aria-label="Breadcrumbs">
      <button type="button" className="link" onClick={() => go({ view: 'catalog', registryId: registry.id })}>{registry.name}</button>
      {'repository' in route && (
        <>
          {' / '}
          <button type="button" className="link" onClick={() => go({ view: 'repository', registryId: registry.id, repository: route.repository })}>{route.repository}</button>
        </>
      )}
      {'reference' in route && <> : {route.reference}</>}
    </div>
  );
}

function Current() {
  return (
    <Suspense fallback={<Loading what="the view" />}>
      <View />
    </Suspense>
  );
}

function View() {
  const route = useNav((s) => s.route);
  const { list, loading, error, load } = useRegistries();
  switch (route.view) {
    case 'catalog':
      return <CatalogView registryId={route.registryId} />;
    case 'repository':
      return <RepositoryView registryId={route.registryId} repository={route.repository} />;
    case 'image':
      return <ImageView registryId={route.registryId} repository={route.repository} reference={route.reference} />;
    case 'compare':
      return <CompareView />;
    default:
      if (error) return <ErrorState error={error} onRetry={() => void load()} />;
      return <Empty>{loading ? 'Loading registries…' : list.length === 0 ? 'Add a registry to begin.' : 'Choose a registry on the left, or drop an image tarball anywhere to push it.'}</Empty>;
  }
}

export function App() {
  const back = useNav((s) => s.back);
  const ensureLoaded = useRegistries((s) => s.ensureLoaded);
  useEffect(() => void ensureLoaded(), [ensureLoaded]);
  useEffect(preloadViews, []);
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      const target = event.target as HTMLElement | null;
      if (event.key === 'Escape' && !target?.closest('.modal') && target?.tagName !== 'INPUT') back();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [back]);
  return (
    <div className="app">
      <Sidebar />
      <main>
        <div className="topbar">
          <Breadcrumbs />
          <DropZone />
        </div>
        <Current />
      </main>
      <PushDialog />
      <TransfersPanel />
      <CommandPalette />
    </div>
  );
}
