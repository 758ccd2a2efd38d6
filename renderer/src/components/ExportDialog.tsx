// "Export…": an image saved as a tarball on this machine (docker-archive for `docker load`, or oci-archive of the
// whole index). The job runs in the transfers panel like a push; the file appears only once it is complete.
import { useState, type FormEvent } from 'react';
import type { ErrorInfo } from '../../../shared/errors.js';
import { plural } from '../../../shared/format.js';
import { api, call, desktop, errorInfo, startDownload } from '../lib/api.js';
import { useTransfers } from '../stores/transfers.js';
import type { ImageSource } from './CopyDialog.js';
import { Dialog } from './Dialog.js';

type Format = 'docker-archive' | 'oci-archive';

export function ExportDialog({ source, current, onClose }: { readonly source: ImageSource; readonly current: string; readonly onClose: () => void }) {
  const track = useTransfers((s) => s.track);
  const safeName = `${source.repository.replace(/\//g, '_')}_${source.reference.replace(/[^\w.-]/g, '_')}.tar`;
  const [path, setPath] = useState(safeName);
  const [format, setFormat] = useState<Format>('docker-archive');
  const [platform, setPlatform] = useState(current);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | undefined>();
  const index = source.platforms.length > 0;
  // In a browser the tarball can come straight to this computer, streamed by the web host as it is read.
  const bridge = desktop();
  const download = bridge === undefined ? `/export?${new URLSearchParams({ registryId: source.registryId, repository: source.repository, reference: source.reference, format, ...(index && platform ? { platform } : {}) }).toString()}` : undefined;

  // An oci-archive holds the whole index, as `stevedore pull --format oci-archive` does, unless a platform other than
  // the one on screen was picked; a docker-archive holds one platform, the one on screen unless another was picked.
  const chooseFormat = (next: Format): void => {
    setFormat(next);
    if (next === 'oci-archive' && platform === current) setPlatform('');
    if (next === 'docker-archive' && platform === '') setPlatform(current);
  };

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const args = { registryId: source.registryId, repository: source.repository, reference: source.reference, path, format, ...(index && platform ? { platform } : {}) };
      const { jobId, file } = await call(api().exportStart(args));
      track(jobId, { kind: 'export', target: file, archive: `${source.repository}:${source.reference}` }, undefined, { channel: 'export:start', args });
      onClose();
    } catch (failure) {
      setError(errorInfo(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog label="Export image" onClose={onClose} className="dialog-frame">
      <form className="card" onSubmit={(e) => void submit(e)}>
        <h2>
          Export {source.repository}:{source.reference}
        </h2>
        <label>
          {download ? 'File name (saved on the machine running Stevedore, in its export folder: Downloads/stevedore)' : 'Save as (a bare name goes to the home folder; an existing file is replaced only when you chose it with "Choose where to save…", which asks first)'}
          <input value={path} onChange={(e) => setPath(e.target.value)} placeholder={download ? 'image.tar' : '/home/me/image.tar'} aria-label="Export file" required />
        </label>
        {bridge && (
          <button type="button" onClick={() => void bridge.chooseExportFile(path.split(/[\\/]/).pop() || safeName).then((chosen) => chosen !== undefined && setPath(chosen))}>
            Choose where to save…
          </button>
        )}
        <label>
          Format
          <select value={format} onChange={(e) => chooseFormat(e.target.value as Format)} aria-label="Export format">
            <option value="docker-archive">docker-archive (docker load, podman load)</option>
            <option value="oci-archive">oci-archive (OCI layout)</option>
          </select>
        </label>
        {index && (
          <label>
            Platform
            <select value={platform} onChange={(e) => setPlatform(e.target.value)} aria-label="Platform to export">
              {format === 'oci-archive' && <option value="">All {plural(source.platforms.length, 'platform')}</option>}
              {source.platforms.map((p) => (
                <option key={p} value={p}>{p}</option>
              ))}
            </select>
          </label>
        )}
        {error && (
          <p className="error-text" role="alert">
            {error.message} <code className="code">{error.code}</code>
          </p>
        )}
        <div className="actions">
          <button type="button" onClick={onClose}>Cancel</button>
          {download && (
            <a
              className="button"
              href={download}
              download
              onClick={(event) => {
                // The link itself carries no credential: trade it for a one-time ticket first. The host runs the
                // download as a job, followed in the transfers panel; a refused ticket stays in this dialog.
                event.preventDefault();
                void startDownload(download).then(
                  ({ jobId }) => {
                    if (jobId) track(jobId, { kind: 'export', target: `${safeName.replace(/\.tar$/, '')}${format === 'oci-archive' ? '.oci' : ''}.tar (browser download)`, archive: `${source.repository}:${source.reference}` });
                    onClose();
                  },
                  (failure: unknown) => setError(errorInfo(failure)),
                );
              }}
            >
              Download in the browser
            </a>
          )}
          <button type="submit" className="primary" disabled={busy}>{busy ? 'Starting…' : 'Export'}</button>
        </div>
      </form>
    </Dialog>
  );
}
