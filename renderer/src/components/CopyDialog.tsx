// "Copy to…": an image to another registry (or repository), all platforms or one, digests unchanged. The job then
// runs in the transfers panel like a push.
import { useState, type FormEvent } from 'react';
import type { ErrorInfo } from '../../../shared/errors.js';
import { plural } from '../../../shared/format.js';
import { copyTitle } from '../../../shared/transfer-title.js';
import { api, call, errorInfo } from '../lib/api.js';
import { useRegistries } from '../stores/registries.js';
import { useTransfers } from '../stores/transfers.js';
import { Dialog } from './Dialog.js';

export interface ImageSource {
  readonly registryId: string;
  readonly repository: string;
  readonly reference: string;
  /** Several tags of the repository (dragged together): each is copied to the same tag at the destination. */
  readonly tags?: readonly string[];
  /** `os/arch[/variant]` of each platform, for an index. */
  readonly platforms: readonly string[];
}

export function CopyDialog({ source, target, onClose }: { readonly source: ImageSource; readonly target?: string; readonly onClose: () => void }) {
  const registries = useRegistries((s) => s.list);
  const status = useRegistries((s) => s.status);
  const track = useTransfers((s) => s.track);
  // Another registry, one not known to be down first (the default Docker Hub is first in the list, and unreachable
  // on a machine without internet).
  const others = registries.filter((r) => r.id !== source.registryId);
  const down = (id: string): boolean => {
    const known = status[id];
    return known !== undefined && known !== 'testing' && !known.ok;
  };
  const [registryId, setRegistryId] = useState(target ?? (others.find((r) => !down(r.id)) ?? others[0])?.id ?? source.registryId);
  const several = (source.tags?.length ?? 0) > 1;
  const [repository, setRepository] = useState(source.repository);
  const [tag, setTag] = useState(source.reference.includes(':') ? 'latest' : source.reference);
  const [platform, setPlatform] = useState('');
  const [referrers, setReferrers] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | undefined>();
  const from = registries.find((r) => r.id === source.registryId)?.name ?? source.registryId;

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const to = registries.find((r) => r.id === registryId)?.name ?? registryId;
      // Dragged tags keep their names; a single image goes to the tag in the form.
      const pairs = several ? (source.tags ?? []).map((t) => [t, t] as const) : [[source.reference, tag] as const];
      for (const [reference, targetTag] of pairs) {
        const args = { registryId: source.registryId, repository: source.repository, reference, targetRegistryId: registryId, targetRepository: repository, targetTag, referrers, ...(platform ? { platform } : {}) };
        const { jobId } = await call(api().copyStart(args));
        track(jobId, { kind: 'copy', target: copyTitle(to, repository, targetTag), archive: copyTitle(from, source.repository, reference) }, { registryId, repository, reference: targetTag }, { channel: 'copy:start', args });
      }
      onClose();
    } catch (failure) {
      setError(errorInfo(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog label="Copy image" onClose={onClose} className="dialog-frame">
      <form className="card" onSubmit={(e) => void submit(e)}>
        <h2>
          Copy {source.repository}:{several ? `{${(source.tags ?? []).join(', ')}}` : source.reference}
        </h2>
        <label>
          To registry
          <select value={registryId} onChange={(e) => setRegistryId(e.target.value)} aria-label="Target registry" required>
            {registries.map((r) => (
              <option key={r.id} value={r.id}>{r.name}</option>
            ))}
          </select>
        </label>
        <div className="row">
          <input value={repository} onChange={(e) => setRepository(e.target.value)} placeholder="repository" aria-label="Target repository" required />
          {!several && <input value={tag} onChange={(e) => setTag(e.target.value)} placeholder="tag" aria-label="Target tag" required />}
        </div>
        {source.platforms.length > 0 && (
          <label>
            Platforms
            <select value={platform} onChange={(e) => setPlatform(e.target.value)} aria-label="Platforms to copy">
              <option value="">All {plural(source.platforms.length, 'platform')} (the index digest stays the same)</option>
              {source.platforms.map((p) => (
                <option key={p} value={p}>Only {p}</option>
              ))}
            </select>
          </label>
        )}
        <label className="check">
          <input type="checkbox" checked={referrers} onChange={(e) => setReferrers(e.target.checked)} /> Also copy signatures, SBOMs and attestations
        </label>
        {error && (
          <p className="error-text" role="alert">
            {error.message} <code className="code">{error.code}</code>
          </p>
        )}
        <div className="actions">
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="submit" className="primary" disabled={busy}>{busy ? 'Starting…' : 'Copy'}</button>
        </div>
      </form>
    </Dialog>
  );
}
