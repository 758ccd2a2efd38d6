// One image: manifest, platforms of an index (each with its own digest), layers with sizes (sortable) and the command
// that made each, config and history, the pull command to copy, and the raw manifest and config side by side.
import { useEffect, useState } from 'react';
import type { ImageView as ImageData } from '../../../shared/contract.js';
import { formatBytes, plural } from '../../../shared/format.js';
import { layerBytes } from '../../../shared/image.js';
import { visibleText as shown } from '../../../shared/visible-text.js';
import { useCompare } from '../stores/compare.js';
import { useImage } from '../stores/image.js';
import { useNav } from '../stores/nav.js';
import { Bar, Bytes, Digest, ErrorState, Loading, When } from './common.js';
import { CopyDialog } from './CopyDialog.js';
import { ExportDialog } from './ExportDialog.js';
import { FilesView } from './FilesView.js';

/**
 * Rows drawn per list (layers, env, labels, history). Real images have tens; a lying registry can send tens of
 * thousands, which used to freeze the page for most of a minute. The rest is counted, not drawn.
 */
const SHOWN = 500;

function NotShown({ total }: { readonly total: number }) {
  return total > SHOWN ? <p className="muted">… and {(total - SHOWN).toLocaleString('en-US')} more not shown</p> : null;
}

export function ImageView({ registryId, repository, reference }: { readonly registryId: string; readonly repository: string; readonly reference: string }) {
  const { image, loading, error, platform, load, choosePlatform } = useImage();
  const addPick = useCompare((s) => s.add);
  const go = useNav((s) => s.go);
  // One view at a time: the layers, the files, or the raw JSON (two independent toggles left states that showed one
  // while the other's button was pressed).
  const [mode, setMode] = useState<'layers' | 'files' | 'raw'>('layers');
  const toggle = (next: 'files' | 'raw'): void => setMode(mode === next ? 'layers' : next);
  const [bySize, setBySize] = useState(false);
  const [dialog, setDialog] = useState<'copy' | 'export' | undefined>();
  useEffect(() => void load(registryId, repository, reference), [registryId, repository, reference, load]);
  if (error) return <ErrorState error={error} onRetry={() => void load(registryId, repository, reference)} />;
  if (loading || !image) return <Loading what={`${repository}:${reference}`} />;
  const platforms = image.platforms.filter((p) => !p.isAttestation);
  const current = platforms[platform] ?? platforms[0];
  const largest = (current?.layers ?? []).reduce((most, l) => Math.max(most, l.size), 1);
  const made = current?.config?.history.filter((h) => !h.emptyLayer) ?? [];
  const platformName = current ? [current.platform.os, current.platform.architecture, current.platform.variant].filter(Boolean).join('/') : '';
  const layers = current ? current.layers.map((layer, index) => ({ layer, index })) : [];
  if (bySize) layers.sort((a, b) => b.layer.size - a.layer.size || a.index - b.index);
  const name = `${image.registry}/${repository}`;
  const pullRef = reference.includes(':') ? `${name}@${reference}` : `${name}:${reference}`;
  const platformFlag = image.kind === 'index' && current ? ` --platform ${platformName}` : '';
  const source = { registryId, repository, reference, platforms: image.kind === 'index' ? platforms.map((p) => [p.platform.os, p.platform.architecture, p.platform.variant].filter(Boolean).join('/')) : [] };

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
          <button type="button" onClick={() => toggle('raw')} aria-pressed={mode === 'raw'}>
            Raw JSON
          </button>
          <button type="button" onClick={() => setDialog('copy')}>
            Copy to…
          </button>
          <button type="button" onClick={() => setDialog('export')}>
            Export…
          </button>
          <button type="button" onClick={() => toggle('files')} aria-pressed={mode === 'files'}>
            Files
          </button>
        </div>
      </header>
      {dialog === 'copy' && <CopyDialog source={source} onClose={() => setDialog(undefined)} />}
      {dialog === 'export' && <ExportDialog source={source} current={platformName} onClose={() => setDialog(undefined)} />}
      <dl className="facts">
        <dt>Digest</dt>
        <dd>
          <Digest value={image.digest} full />
        </dd>
        <dt>Media type</dt>
        <dd>
          {shown(image.mediaType)} <span className="muted">({image.kind === 'index' ? `index of ${plural(platforms.length, 'platform')}` : 'single platform'})</span>
        </dd>
        <dt>Total size</dt>
        <dd>
          <Bytes value={image.totalSize} /> <span className="muted">compressed{platforms.length > 1 ? '; layers shared between platforms counted once' : ''}</span>
        </dd>
        <dt>Pull</dt>
        <dd className="pull-lines">
          <CopyLine text={`docker pull${platformFlag} ${pullRef}`} />
          <CopyLine text={`podman pull${platformFlag} ${pullRef}`} />
        </dd>
        <dt>Created</dt>
        <dd>
          <When iso={image.created} />
        </dd>
      </dl>
      {mode === 'raw' && <RawView image={image} current={current} platformName={platformName} />}
      {mode !== 'raw' && image.kind === 'index' && (
        <div className="tabs" role="tablist" aria-label="Platforms">
          {platforms.map((p, i) => (
            <button key={p.digest} type="button" role="tab" aria-selected={i === platform} onClick={() => choosePlatform(i)}>
              {shown([p.platform.os, p.platform.architecture, p.platform.variant].filter(Boolean).join('/'))} · {formatBytes(p.size)}
            </button>
          ))}
        </div>
      )}
      {mode === 'files' && current && <FilesView target={{ registryId, repository, reference: current.digest, platform: platformName }} />}
      {mode === 'layers' && current && (
        <>
          {image.kind === 'index' && (
            <dl className="facts">
              <dt>Platform digest</dt>
              <dd>
                <Digest value={current.digest} full />
              </dd>
            </dl>
          )}
          <h2>
            Layers of {shown(platformName)} <span className="muted">({plural(current.layers.length, 'layer')}, <Bytes value={layerBytes(current)} />)</span>
          </h2>
          <table className="layers">
            <thead>
              <tr>
                <th>#</th>
                <th>Digest</th>
                <th aria-sort={bySize ? 'descending' : 'none'}>
                  <button type="button" className="th" onClick={() => setBySize(!bySize)} aria-label={bySize ? 'Sort layers in image order' : 'Sort layers by size'}>
                    Size{bySize ? ' ↓' : ''}
                  </button>
                </th>
                <th className="wide">Created by</th>
              </tr>
            </thead>
            <tbody>
              {layers.slice(0, SHOWN).map(({ layer, index: i }) => (
                <tr key={`${layer.digest}-${i}`}>
                  <td>{i + 1}</td>
                  <td>
                    <Digest value={layer.digest} />
                  </td>
                  <td>
                    <Bytes value={layer.size} />
                    <Bar fraction={layer.size / largest} label={`layer ${i + 1} size`} />
                  </td>
                  <td className="command">{made.length === current.layers.length ? shown(made[i]?.createdBy ?? '') : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <NotShown total={current.layers.length} />
          {current.config && (
            <>
              <h2>Config</h2>
              <dl className="facts">
                <dt>Entrypoint</dt>
                <dd><code>{shown(current.config.entrypoint.join(' ')) || '-'}</code></dd>
                <dt>Cmd</dt>
                <dd><code>{shown(current.config.cmd.join(' ')) || '-'}</code></dd>
                <dt>Env</dt>
                <dd>
                  {current.config.env.length === 0 && '-'}
                  {current.config.env.slice(0, SHOWN).map((e, i) => <div key={i}><code>{shown(e)}</code></div>)}
                  <NotShown total={current.config.env.length} />
                </dd>
                <dt>Labels</dt>
                <dd>
                  {Object.keys(current.config.labels).length === 0 && '-'}
                  {Object.entries(current.config.labels).slice(0, SHOWN).map(([k, v]) => <div key={k}><code>{shown(`${k}=${v}`)}</code></div>)}
                  <NotShown total={Object.keys(current.config.labels).length} />
                </dd>
                <dt>Working dir, user</dt>
                <dd>{shown(current.config.workingDir ?? '-')}, {shown(current.config.user ?? '-')}</dd>
              </dl>
              <h2>History</h2>
              <ol className="history">
                {current.config.history.slice(0, SHOWN).map((h, i) => (
                  <li key={i} className={h.emptyLayer ? 'muted' : ''}>
                    <When iso={h.created} /> <code>{shown(h.createdBy ?? '')}</code>
                  </li>
                ))}
              </ol>
              <NotShown total={current.config.history.length} />
            </>
          )}
        </>
      )}
    </section>
  );
}

function CopyLine({ text }: { readonly text: string }) {
  return (
    <div className="copy-line">
      <code>{text}</code>
      <CopyButton text={text} label={`Copy ${text}`} />
    </div>
  );
}

function CopyButton({ text, label }: { readonly text: string; readonly label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="icon"
      aria-label={label}
      title="Copy"
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(() => setCopied(true));
      }}
    >
      {copied ? 'copied' : 'copy'}
    </button>
  );
}

const pretty = (text: string): string => {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
};

/** The manifest and the chosen platform's config as the registry stores them, side by side, using the height there is. */
function RawView({ image, current, platformName }: { readonly image: ImageData; readonly current: ImageData['platforms'][number] | undefined; readonly platformName: string }) {
  const manifest = pretty(image.rawManifest);
  const config = current?.rawConfig === undefined ? undefined : pretty(current.rawConfig);
  return (
    <div className="raw-grid">
      <div className="raw-pane">
        <div className="raw-head">
          <strong>Manifest</strong>
          <CopyButton text={image.rawManifest} label="Copy manifest JSON" />
        </div>
        <pre className="raw" aria-label="Raw manifest">
          {manifest}
        </pre>
      </div>
      <div className="raw-pane">
        <div className="raw-head">
          <strong>Config{platformName ? ` of ${platformName}` : ''}</strong>
          {current?.rawConfig !== undefined && <CopyButton text={current.rawConfig} label="Copy config JSON" />}
        </div>
        <pre className="raw" aria-label="Raw config">
          {config ?? 'No image config (an artifact or schema 1 image).'}
        </pre>
      </div>
    </div>
  );
}
