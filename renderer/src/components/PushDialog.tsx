// Dropped or chosen tarballs: what is inside each, and where to push it (prefilled from the archive's own names).
import { useState } from 'react';
import type { ArchiveImage } from '../../../shared/archive.js';
import { formatBytes } from '../../../shared/format.js';
import { errorInfo } from '../lib/api.js';
import { useRegistries } from '../stores/registries.js';
import { useTransfers, type Drop } from '../stores/transfers.js';
import { ErrorState, Loading } from './common.js';
import type { ErrorInfo } from '../../../shared/errors.js';

function splitName(name: string | undefined): { repository: string; tag: string } {
  if (!name) return { repository: '', tag: 'latest' };
  const withoutRegistry = name.includes('/') && /[.:]|^localhost/.test(name.split('/')[0] ?? '') ? name.split('/').slice(1).join('/') : name;
  const colon = withoutRegistry.lastIndexOf(':');
  if (colon < 0) return { repository: withoutRegistry, tag: 'latest' };
  const repository = withoutRegistry.slice(0, colon);
  return { repository: repository.includes('/') || repository ? repository : '', tag: withoutRegistry.slice(colon + 1) };
}

function ImageTarget({ drop, image }: { readonly drop: Drop; readonly image: ArchiveImage }) {
  const registries = useRegistries((s) => s.list);
  const start = useTransfers((s) => s.start);
  const guess = splitName(image.names[0]);
  const [registryId, setRegistryId] = useState(registries[0]?.id ?? '');
  const [repository, setRepository] = useState(guess.repository.replace(/^library\//, ''));
  const [tag, setTag] = useState(guess.tag);
  const [error, setError] = useState<ErrorInfo | undefined>();
  const [started, setStarted] = useState(false);
  const layers = image.platforms.flatMap((p) => p.layers);
  const total = layers.reduce((sum, l) => sum + l.size, 0);

  return (
    <div className="push-image">
      <div>
        <strong>{image.names.join(', ') || `image ${image.id}`}</strong>{' '}
        <span className="muted">
          {image.platforms.map((p) => `${p.platform.os}/${p.platform.architecture}`).join(', ')} · {layers.length} layers · {formatBytes(total)} stored (
          {layers.filter((l) => l.compression === 'none').length} to compress)
        </span>
      </div>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          setError(undefined);
          if (!drop.path) return;
          start({ path: drop.path, imageId: image.id, registryId, repository, tag }, drop.id)
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
        <input value={tag} onChange={(e) => setTag(e.target.value)} placeholder="tag" aria-label="Target tag" required />
        <button type="submit" className="primary" disabled={started}>{started ? 'Queued' : 'Push'}</button>
      </form>
      {error && <ErrorState error={error} />}
    </div>
  );
}

export function PushDialog() {
  const drops = useTransfers((s) => s.drops);
  const dismiss = useTransfers((s) => s.dismissDrop);
  if (drops.length === 0) return null;
  return (
    <aside className="push-dialog" aria-label="Push tarballs">
      <h2>Push tarballs</h2>
      {drops.map((drop) => (
        <div key={drop.id} className="drop">
          <div className="drop-head">
            <strong>{drop.name}</strong>
            <button type="button" className="icon" aria-label={`Dismiss ${drop.name}`} onClick={() => dismiss(drop.id)}>✕</button>
          </div>
          {drop.state === 'uploading' && <Loading what="the file" />}
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
