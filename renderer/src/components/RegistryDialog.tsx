// Add or edit a registry: tested before it is saved, kept only when it works or the user says so; removable.
import { useState, type FormEvent } from 'react';
import type { RequestArgs } from '../../../shared/contract.js';
import { useNav } from '../stores/nav.js';
import { Dialog } from './Dialog.js';
import { registryHost, sameRegistry, type CredentialSource, type RegistryTestResult, type RegistryView } from '../../../shared/registry-profile.js';
import { errorInfo } from '../lib/api.js';
import { useRegistries } from '../stores/registries.js';
import type { ErrorInfo } from '../../../shared/errors.js';

export function RegistryDialog({ existing, onClose, onEdit }: { readonly existing?: RegistryView; readonly onClose: () => void; readonly onEdit?: (registry: RegistryView) => void }) {
  const save = useRegistries((s) => s.save);
  const list = useRegistries((s) => s.list);
  const check = useRegistries((s) => s.check);
  const removeRegistry = useRegistries((s) => s.remove);
  const info = useRegistries((s) => s.info);
  const route = useNav((s) => s.route);
  const go = useNav((s) => s.go);
  const [removing, setRemoving] = useState(false);
  const storeMissing = info !== undefined && !info.secureStore;
  const [name, setName] = useState(existing?.name ?? '');
  const [url, setUrl] = useState(existing?.url ?? '');
  const [source, setSource] = useState<CredentialSource>(existing?.credentialSource ?? 'docker-config');
  const [username, setUsername] = useState(existing?.username ?? '');
  const [password, setPassword] = useState('');
  const [insecure, setInsecure] = useState(existing?.insecure ?? false);
  const [caFile, setCaFile] = useState(existing?.caFile ?? '');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<RegistryTestResult | undefined>();
  const [error, setError] = useState<ErrorInfo | undefined>();
  // One entry per registry (the host refuses a second one too): say so while the address is typed, and offer the entry.
  const duplicate = sameRegistry(list, url, existing?.id);
  const unchangedHost = existing !== undefined && registryHost(existing.url) === registryHost(url);
  const taken = unchangedHost ? undefined : duplicate;

  const args = (): RequestArgs<'registries:save'> => ({
    profile: {
      ...(existing ? { id: existing.id, bookmarks: [...existing.bookmarks], concurrency: existing.concurrency } : {}),
      name: name || url,
      url,
      credentialSource: source,
      insecure,
      ...(source === 'stored' ? { username } : {}),
      ...(caFile ? { caFile } : {}),
    },
    ...(source === 'stored' && password ? { secret: password } : {}),
  });

  const run = async (work: () => Promise<void>): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } catch (failure) {
      setError(errorInfo(failure));
    } finally {
      setBusy(false);
    }
  };

  // Test first; save only what works. A failed test keeps the dialog, with the reason, and saves nothing.
  const submit = (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (taken) return Promise.resolve();
    return run(async () => {
      setResult(undefined);
      const outcome = await check(args());
      setResult(outcome);
      if (!outcome.ok) return;
      saved(await save(args()));
    });
  };

  const saveAnyway = (): Promise<void> => run(async () => saved(await save(args())));

  // A registry just added opens, as a click on it in the sidebar would (an edited one leaves the view where it is).
  const saved = (registry: RegistryView): void => {
    onClose();
    if (!existing) go({ view: 'catalog', registryId: registry.id });
  };

  const remove = (): Promise<void> =>
    run(async () => {
      if (!existing) return;
      await removeRegistry(existing.id);
      if ('registryId' in route && route.registryId === existing.id) go({ view: 'home' });
      onClose();
    });

  return (
    <Dialog label={existing ? 'Edit registry' : 'Add registry'} onClose={onClose} className="card dialog-form">
      <form className="form" onSubmit={(e) => void submit(e)}>
        <h2>{existing ? 'Edit registry' : 'Add registry'}</h2>
        <label>
          Address
          <input data-initial-focus required value={url} onChange={(e) => setUrl(e.target.value)} placeholder="registry.example.com or localhost:5000" aria-label="Registry address" />
        </label>
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="(the address)" aria-label="Registry name" />
        </label>
        <label>
          Credentials
          <select value={source} onChange={(e) => setSource(e.target.value as CredentialSource)} aria-label="Credential source">
            <option value="docker-config">From docker login / credential helper</option>
            <option value="stored" disabled={storeMissing}>
              User name and password, stored by Stevedore{storeMissing ? ' (not available here)' : ''}
            </option>
            <option value="none">None (anonymous)</option>
          </select>
        </label>
        {storeMissing && <p className="hint small">Stored passwords: {info?.secureStoreReason}</p>}
        {source === 'stored' && (
          <div className="row">
            <input value={username} onChange={(e) => setUsername(e.target.value)} placeholder="User name" aria-label="User name" required />
            <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} placeholder={existing?.hasSecret ? '(unchanged)' : 'Password or token'} aria-label="Password" />
          </div>
        )}
        <label>
          Extra CA certificate (PEM file, optional)
          <input value={caFile} onChange={(e) => setCaFile(e.target.value)} placeholder="/path/to/ca.crt" aria-label="CA certificate file" />
        </label>
        <label className="check">
          <input type="checkbox" checked={insecure} onChange={(e) => setInsecure(e.target.checked)} /> Allow plain HTTP and unverified TLS
        </label>
        {taken && (
          <p className="error-text" role="alert">
            {registryHost(url)} is already in your registries as <strong>{taken.name}</strong>.{' '}
            {onEdit && (
              <button type="button" className="link" onClick={() => onEdit(taken)}>
                Edit {taken.name} instead
              </button>
            )}
          </p>
        )}
        {result && !result.ok && (
          <p className="error-text" role="alert">
            Connection test failed: {result.message} <code className="code">{result.code}</code>. Nothing was saved.
          </p>
        )}
        {error && (
          <p className="error-text" role="alert">
            {error.message} <code className="code">{error.code}</code>
          </p>
        )}
        {removing && existing && (
          <div className="confirm" role="alertdialog" aria-label={`Remove ${existing.name}?`}>
            <p>
              Remove <strong>{existing.name}</strong> from Stevedore? {existing.hasSecret ? 'Its stored password is deleted too. ' : ''}Nothing in the registry changes; you can add it again.
            </p>
            <div className="actions">
              <button type="button" onClick={() => setRemoving(false)}>
                Keep it
              </button>
              <button type="button" className="danger" disabled={busy} onClick={() => void remove()}>
                Remove registry
              </button>
            </div>
          </div>
        )}
        <div className="actions">
          {existing && !removing && (
            <button type="button" className="danger push-left" onClick={() => setRemoving(true)}>
              Remove…
            </button>
          )}
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          {result && !result.ok && !taken && (
            <button type="button" disabled={busy} onClick={() => void saveAnyway()}>
              Save anyway
            </button>
          )}
          <button type="submit" className="primary" disabled={busy || taken !== undefined}>
            {busy ? 'Testing…' : 'Save and test connection'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
