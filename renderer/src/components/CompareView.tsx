// Two or more images side by side: which layers they share, which are their own, and what moving between them costs.
import { useEffect, useRef } from 'react';
import { formatBytes } from '../../../shared/format.js';
import { useCompare, type Pick } from '../stores/compare.js';
import { useNav } from '../stores/nav.js';
import { Bytes, Digest, Empty, ErrorState, Loading } from './common.js';
import { FilesChanged } from './FilesChanged.js';

export function CompareView() {
  const { picks, result, loading, error, removeAt, clear, run } = useCompare();
  useRouteInStep(picks);
  useEffect(() => {
    if (picks.length >= 2 && !result && !loading && !error) void run();
  }, [picks, result, loading, error, run]);
  const largest = Math.max(1, ...(result?.images.map((i) => i.totalSize) ?? [1]));

  return (
    <section className="view" aria-label="Compare">
      <header className="view-head">
        <h1>Compare images</h1>
        <div className="toolbar">
          <button type="button" onClick={clear} disabled={picks.length === 0}>Clear</button>
        </div>
      </header>
      <ul className="picks">
        {picks.map((p, i) => (
          <li key={i}>
            {p.repository}:{p.reference}
            {p.platform ? ` (${p.platform})` : ''}
            <button type="button" className="icon" aria-label={`Remove ${p.repository}:${p.reference}`} onClick={() => removeAt(i)}>✕</button>
          </li>
        ))}
      </ul>
      {picks.length < 2 ? (
        <Empty>Pick two or more tags: select them in a repository and choose “Compare selected”, or use “Add to compare” on an image.</Empty>
      ) : error ? (
        <ErrorState error={error} onRetry={() => void run()} />
      ) : loading || !result ? (
        <Loading what="the comparison" />
      ) : (
        <>
          {/* Two kinds of size meet on this page: layers as the registry sends them, and the files inside them. */}
          <h2>
            Image sizes <span className="size-kind">compressed, as pulled</span>
          </h2>
          <div className="compare-bars">
            {result.images.map((image, i) => (
              <div key={i} className="compare-bar" data-testid={`compare-image-${i}`}>
                <div className="label">{image.label}</div>
                <div className="stack" style={{ width: `${(image.totalSize / largest) * 100}%` }} aria-label={`${image.label}: ${formatBytes(image.sharedBytes)} shared, ${formatBytes(image.uniqueBytes)} unique`}>
                  <div className="shared" style={{ flexGrow: image.sharedBytes }} />
                  <div className="unique" style={{ flexGrow: image.uniqueBytes }} />
                </div>
                <div className="figures">
                  <span data-testid={`shared-${i}`} title={`${image.sharedBytes} bytes`}>shared {formatBytes(image.sharedBytes)}</span> ·{' '}
                  <span data-testid={`unique-${i}`} title={`${image.uniqueBytes} bytes`}>unique {formatBytes(image.uniqueBytes)}</span> · total <Bytes value={image.totalSize} />
                </div>
              </div>
            ))}
          </div>
          {picks[0] && picks[1] && <FilesChanged from={picks[0]} to={picks[1]} />}
          <h2>
            Bytes to pull going from one to another <span className="size-kind">compressed</span>
          </h2>
          <table className="pull">
            <thead>
              <tr>
                <th>from \ to</th>
                {result.images.map((image, i) => <th key={i}>{image.label}</th>)}
              </tr>
            </thead>
            <tbody>
              {result.images.map((from, a) => (
                <tr key={a}>
                  <th>{from.label}</th>
                  {result.images.map((_, b) => (
                    <td key={b} data-testid={`pull-${a}-${b}`}>{a === b ? '-' : <Bytes value={result.pull[a]?.[b] ?? 0} />}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Layers</h2>
          <table className="layers">
            <thead>
              <tr>
                <th>Layer</th>
                <th>Size <span className="size-kind">compressed</span></th>
                {result.images.map((image, i) => <th key={i}>{image.label}</th>)}
                <th className="wide">Created by</th>
              </tr>
            </thead>
            <tbody>
              {result.layers.map((layer) => (
                <tr key={layer.digest} className={layer.presentIn.every(Boolean) ? 'shared-row' : ''}>
                  <td><Digest value={layer.digest} /></td>
                  <td><Bytes value={layer.size} /></td>
                  {layer.presentIn.map((present, i) => <td key={i} aria-label={present ? 'present' : 'absent'}>{present ? '●' : '·'}</td>)}
                  <td className="command">{layer.createdBy ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

const samePicks = (a: readonly Pick[], b: readonly Pick[]): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Keeps the compared images and the route in step: a route that names images (a reload, a shared link, browser back)
 * sets what is compared; a change made here (remove, clear) or a route that names none takes the picks into the route.
 */
function useRouteInStep(picks: readonly Pick[]): void {
  const route = useNav((s) => s.route);
  const routePicks = route.view === 'compare' ? route.picks : undefined;
  const routeKey = route.view === 'compare' ? JSON.stringify(routePicks ?? null) : undefined;
  const seenRouteKey = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (routeKey === undefined) return;
    const routeChanged = seenRouteKey.current !== routeKey;
    seenRouteKey.current = routeKey;
    if (routeChanged && routePicks && !samePicks(routePicks, picks)) useCompare.getState().replace(routePicks);
    else if (!routePicks || !samePicks(routePicks, picks)) useNav.getState().update({ view: 'compare', picks });
  }, [routeKey, routePicks, picks]);
}
