// Add or edit a registry, with a connection test that says exactly what is wrong.
import { useState, type FormEvent } from 'react';
import type { CredentialSource, RegistryTestResult, RegistryView } from '../../../shared/registry-profile.js';
import { errorInfo } from '../lib/api.js';
import { useRegistries } from '../stores/registries.js';
import type { ErrorInfo } from '../../../shared/errors.js';

export function RegistryDialog({ existing, onClose }: { readonly existing?: RegistryView; readonly onClose: () => void }) {
  const save = useRegistries((s) => s.save);
  const test = useRegistries((s) => s.test);
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

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    try {
      const saved = await save({
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
      const outcome = await test(saved.id);
      setResult(outcome);
      if (outcome.ok) onClose();
    } catch (failure) {
      setError(errorInfo(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="modal" role="dialog" aria-modal="true" aria-label={existing ? 'Edit registry' : 'Add registry'} onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <form className="card" onSubmit={(e) => void submit(e)}>
        <h2>{existing ? 'Edit registry' : 'Add registry'}</h2>
        <label>
          Address
          <input autoFocus required value={url} onChange={(e) => setUrl(e.target.value)} placeholder="registry.example.com or localhost:5000" aria-label="Registry address" />
        </label>
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="(the address)" aria-label="Registry name" />
        </label>
        <label>
          Credentials
          <select value={source} onChange={(e) => setSource(e.target.value as CredentialSource)} aria-label="Credential source">
            <option value="docker-config">From docker login / credential helper</option>
            <option value="stored">User name and password, stored by Stevedore</option>
            <option value="none">None (anonymous)</option>
          </select>
        </label>
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
        {result && !result.ok && (
          <p className="error-text" role="alert">
            Connection test failed: {result.message} <code className="code">{result.code}</code>
          </p>
        )}
        {error && (
          <p className="error-text" role="alert">
            {error.message} <code className="code">{error.code}</code>
          </p>
        )}
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Testing…' : 'Save and test connection'}
          </button>
        </div>
      </form>
    </div>
  );
}
