// Dropped or chosen tarballs: what is inside each, and where to push it (prefilled from the archive's own names).
import { useEffect, useRef, useState } from 'react';
import type { ArchiveImage } from '../../../shared/archive.js';
import { formatBytes, plural } from '../../../shared/format.js';
import { errorInfo } from '../lib/api.js';
import { useNav } from '../stores/nav.js';
import { useRegistries } from '../stores/registries.js';
import { useTransfers, type Drop } from '../stores/transfers.js';
import { Bar, ErrorState, Loading } from './common.js';
import type { ErrorInfo } from '../../../shared/errors.js';
import { visibleText } from '../../../shared/visible-text.js';

function splitName(name: string | undefined): { repository: string; tag: string } {
  if (!name) return { repository: '', tag: 'latest' };
  const withoutRegistry = name.includes('/') && /[.:]|^localhost/.test(name.split('/')[0] ?? '') ? name.split('/').slice(1).join('/') : name;
  const colon = withoutRegistry.lastIndexOf(':');
  if (colon < 0) return { repository: withoutRegistry, tag: 'latest' };
  const repository = withoutRegistry.slice(0, colon);
  return { repository: repository.includes('/') || repository ? repository : '', tag: withoutRegistry.slice(colon + 1) };
}

const TAG = /^[\w][\w.-]{0,127}$/;

/** Several tags typed in one box: separated by commas or spaces. */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((t) => t !== ''))];
}

function ImageTarget({ drop, image }: { readonly drop: Drop; readonly image: ArchiveImage }) {
  const registries = useRegistries((s) => s.list);
  const route = useNav((s) => s.route);
  const startTags = useTransfers((s) => s.startTags);
  // The archive's own names say where it came from; the registry is the one being browsed, if any.
  const guesses = image.names.map(splitName);
  const browsedRegistry = 'registryId' in route && registries.some((r) => r.id === route.registryId) ? route.registryId : undefined;
  const browsedRepository = 'repository' in route ? route.repository : undefined;
  const [registryId, setRegistryId] = useState(browsedRegistry ?? registries[0]?.id ?? '');
  const [repository, setRepository] = useState((guesses[0]?.repository || browsedRepository || '').replace(/^library\//, ''));
  const [tagText, setTagText] = useState(guesses.length > 0 ? [...new Set(guesses.filter((g) => g.repository === guesses[0]?.repository).map((g) => g.tag))].join(', ') : 'latest');
  const [error, setError] = useState<ErrorInfo | undefined>();
  const [started, setStarted] = useState(false);
  const tags = parseTags(tagText);
  const badTag = tags.find((t) => !TAG.test(t));
  // A layer the platforms of an index share is stored, and pushed, once: counted once, as the image view counts it.
  const layers = [...new Map(image.platforms.flatMap((p) => p.layers).map((l) => [l.digest ?? l.diffId, l])).values()];
  const total = layers.reduce((sum, l) => sum + l.size, 0);

  return (
    <div className="push-image">
      <div>
        <strong>{visibleText(image.names.join(', '), true) || `image ${image.id}`}</strong>{' '}
        <span className="muted">
          {visibleText(image.platforms.map((p) => [p.platform.os, p.platform.architecture, p.platform.variant].filter(Boolean).join('/')).join(', '), true)} · {plural(layers.length, 'layer')} · {formatBytes(total)} stored (
          {layers.filter((l) => l.compression === 'none').length} to compress)
        </span>
      </div>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          setError(undefined);
          if (!drop.path || tags.length === 0 || badTag !== undefined) return;
          startTags({ path: drop.path, imageId: image.id, registryId, repository, tag: tags[0] as string }, tags, drop.id)
            .then(() => setStarted(true))
            .catch((failure: unknown) => setError(errorInfo(failure)));
        }}
      >
        <select value={registryId} onChange={(e) => setRegistryId(e.target.value)} aria-label="Target registry" required>
          {registries.map((r) => (
            <option key={r.id} value={r.id}>{r.name}</option>
          ))}
        </select>
        <input value={repository} onChange={(e) => setRepository(e.target.value)} placeholder="repository" aria-label="Target repository" required />
        <input value={tagText} onChange={(e) => setTagText(e.target.value)} placeholder="tag, or several: 1.2, latest" aria-label="Target tag" required />
        <button type="submit" className="primary" disabled={started || badTag !== undefined || tags.length === 0}>
          {started ? 'Queued' : tags.length > 1 ? `Push ${tags.length} tags` : 'Push'}
        </button>
      </form>
      {badTag !== undefined && <p className="error-text">“{badTag}” is not a valid tag (letters, digits, _ . -; up to 128).</p>}
      {error && <ErrorState error={error} />}
    </div>
  );
}

/** A tarball on its way from the browser to the web host: the archive is read once it is all there. */
function UploadState({ uploaded }: { readonly uploaded: NonNullable<Drop['uploaded']> }) {
  return (
    <div className="state upload-state" role="status">
      {/* 'Uploading' alone, in a push drawer, read as the push to the registry under way. */}
      <span>Sending the file to the web host (not pushed yet): {formatBytes(uploaded.sent)} of {formatBytes(uploaded.total)}</span>
      <Bar fraction={uploaded.total > 0 ? uploaded.sent / uploaded.total : 1} label="sent to the web host" />
    </div>
  );
}

export function PushDialog() {
  const drops = useTransfers((s) => s.drops);
  if (drops.length === 0) return null;
  return <PushDrawer drops={drops} />;
}

/** Closing the drawer: every drop in it is dismissed (its upload released). */
function dismissAll(): void {
  const { drops, dismissDrop } = useTransfers.getState();
  for (const drop of drops) dismissDrop(drop.id);
}

/**
 * The drawer, mounted while it holds a drop: focus moves into it, Esc (from inside it, or from nowhere in particular)
 * and its close button dismiss every drop in it, and focus goes back to where it was when the drawer opened (else to
 * the Push tarball… button). Queued pushes go on in the transfers panel.
 */
function PushDrawer({ drops }: { readonly drops: readonly Drop[] }) {
  const dismiss = useTransfers((s) => s.dismissDrop);
  const ref = useRef<HTMLElement>(null);

  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : undefined;
    ref.current?.focus();
    const onKey = (event: KeyboardEvent): void => {
      if (event.key !== 'Escape' || document.querySelector('.modal')) return;
      const focused = document.activeElement;
      if (focused && focused !== document.body && !ref.current?.contains(focused)) return;
      // Caught before the window's own Esc (which goes back a view): the drawer is what is on top.
      event.stopPropagation();
      event.preventDefault();
      dismissAll();
    };
    window.addEventListener('keydown', onKey, true);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      // Only when focus was in the drawer (it went with it) or nowhere: a click elsewhere meanwhile keeps its focus.
      const lost = !document.activeElement || document.activeElement === document.body || !document.activeElement.isConnected;
      if (!lost) return;
      const back = previous?.isConnected ? previous : document.querySelector<HTMLElement>('.push-button');
      back?.focus();
    };
  }, []);

  return (
    <aside ref={ref} className="push-dialog" aria-labelledby="push-drawer-title" tabIndex={-1}>
      <div className="drawer-head">
        <h2 id="push-drawer-title">Push tarballs</h2>
        <button type="button" className="icon" aria-label="Close push tarballs" title="Close (Esc)" onClick={dismissAll}>✕</button>
      </div>
      {drops.map((drop) => (
        <div key={drop.id} className="drop">
          <div className="drop-head">
            <strong>{drop.name}</strong>
            <button type="button" className="icon" aria-label={`Dismiss ${drop.name}`} onClick={() => dismiss(drop.id)}>✕</button>
          </div>
          {drop.state === 'uploading' && (drop.uploaded ? <UploadState uploaded={drop.uploaded} /> : <Loading what="the file" />)}
          {drop.state === 'inspecting' && <Loading what="the archive" />}
          {drop.state === 'error' && drop.error && <ErrorState error={drop.error} />}
          {drop.state === 'ready' && drop.inspection && (
            <>
              <div className="muted">{drop.inspection.format}{drop.inspection.gzipped ? ', gzip-wrapped' : ''}</div>
              {drop.inspection.images.map((image) => <ImageTarget key={image.id} drop={drop} image={image} />)}
            </>
          )}
        </div>
      ))}
    </aside>
  );
}
