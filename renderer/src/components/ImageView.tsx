// One image: manifest, platforms of an index, layers with sizes and the command that made each, config and history.
import { useEffect, useState } from 'react';
import { formatBytes, plural } from '../../../shared/format.js';
import { useCompare } from '../stores/compare.js';
import { useImage } from '../stores/image.js';
import { useNav } from '../stores/nav.js';
import { Bar, Bytes, Digest, ErrorState, Loading, When } from './common.js';

export function ImageView({ registryId, repository, reference }: { readonly registryId: string; readonly repository: string; readonly reference: string }) {
  const { image, loading, error, platform, load, choosePlatform } = useImage();
  const addPick = useCompare((s) => s.add);
  const go = useNav((s) => s.go);
  const [raw, setRaw] = useState(false);
  useEffect(() => void load(registryId, repository, reference), [registryId, repository, reference, load]);
  if (error) return <ErrorState error={error} onRetry={() => void load(registryId, repository, reference)} />;
  if (loading || !image) return <Loading what={`${repository}:${reference}`} />;
  const platforms = image.platforms.filter((p) => !p.isAttestation);
  const current = platforms[platform] ?? platforms[0];
  const largest = Math.max(1, ...(current?.layers.map((l) => l.size) ?? [1]));
  const made = current?.config?.history.filter((h) => !h.emptyLayer) ?? [];
  const platformName = current ? [current.platform.os, current.platform.architecture, current.platform.variant].filter(Boolean).join('/') : '';

  return (
    <section className="view image-view" aria-label="Image">
      <header className="view-head">
        <h1>
          {repository}:{reference}
        </h1>
        <div className="toolbar">
          <button type="button" onClick={() => { addPick({ registryId, repository, reference, ...(image.kind === 'index' ? { platform: platformName } : {}) }); go({ view: 'compare' }); }}>
            Add to compare
          </button>
          <button type="button" onClick={() => setRaw(!raw)} aria-pressed={raw}>
            Raw JSON
          </button>
        </div>
      </header>
      <dl className="facts">
        <dt>Digest</dt>
        <dd>
          <Digest value={image.digest} full />
        </dd>
        <dt>Media type</dt>
        <dd>
          {image.mediaType} <span className="muted">({image.kind === 'index' ? `index of ${plural(platforms.length, 'platform')}` : 'single platform'})</span>
        </dd>
        <dt>Total size</dt>
        <dd>
          <Bytes value={image.totalSize} /> <span className="muted">compressed; layers shared between platforms counted once</span>
        </dd>
        <dt>Created</dt>
        <dd>
          <When iso={image.created} />
        </dd>
      </dl>
      {raw && <pre className="raw" aria-label="Raw manifest">{JSON.stringify(JSON.parse(image.rawManifest), null, 2)}</pre>}
      {image.kind === 'index' && (
        <div className="tabs" role="tablist" aria-label="Platforms">
          {platforms.map((p, i) => (
            <button key={p.digest} type="button" role="tab" aria-selected={i === platform} onClick={() => choosePlatform(i)}>
              {[p.platform.os, p.platform.architecture, p.platform.variant].filter(Boolean).join('/')} · {formatBytes(p.size)}
            </button>
          ))}
        </div>
      )}
      {current && (
        <>
          <h2>
            Layers of {platformName} <span className="muted">({current.layers.length}, <Bytes value={current.size} />)</span>
          </h2>
          <table className="layers">
            <thead>
              <tr>
                <th>#</th>
                <th>Digest</th>
                <th>Size</th>
                <th className="wide">Created by</th>
              </tr>
            </thead>
            <tbody>
              {current.layers.map((layer, i) => (
                <tr key={`${layer.digest}-${i}`}>
                  <td>{i + 1}</td>
                  <td>
                    <Digest value={layer.digest} />
                  </td>
                  <td>
                    <Bytes value={layer.size} />
                    <Bar fraction={layer.size / largest} label={`layer ${i + 1} size`} />
                  </td>
                  <td className="command">{made.length === current.layers.length ? made[i]?.createdBy : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {current.config && (
            <>
              <h2>Config</h2>
              <dl className="facts">
                <dt>Entrypoint</dt>
                <dd><code>{current.config.entrypoint.join(' ') || '-'}</code></dd>
                <dt>Cmd</dt>
                <dd><code>{current.config.cmd.join(' ') || '-'}</code></dd>
                <dt>Env</dt>
                <dd>{current.config.env.map((e) => <div key={e}><code>{e}</code></div>)}</dd>
                <dt>Labels</dt>
                <dd>{Object.entries(current.config.labels).map(([k, v]) => <div key={k}><code>{k}={v}</code></div>)}</dd>
                <dt>Working dir, user</dt>
                <dd>{current.config.workingDir ?? '-'}, {current.config.user ?? '-'}</dd>
              </dl>
              <h2>History</h2>
              <ol className="history">
                {current.config.history.map((h, i) => (
                  <li key={i} className={h.emptyLayer ? 'muted' : ''}>
                    <When iso={h.created} /> <code>{h.createdBy}</code>
                  </li>
                ))}
              </ol>
            </>
          )}
        </>
      )}
    </section>
  );
}
