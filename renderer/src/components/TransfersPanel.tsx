// Every push, copy and export: where it goes (an export's file and folder), per-layer bars (compressing, uploading, exists, mounted), bytes, rate, ETA, cancel and retry.
import { useEffect } from 'react';
import { formatBytes } from '../../../shared/format.js';
import type { BlobProgress } from '../../../shared/push.js';
import { gzipWith, transferSummary } from '../../../shared/transfer-summary.js';
import { useNav } from '../stores/nav.js';
import { jobImage, useTransfers, wroteImage, type Job } from '../stores/transfers.js';
import { Bar, Digest } from './common.js';

/** A blob as people tell it apart: where the image uses it (`config linux/arm64`), else its short digest. */
function blobName(blob: BlobProgress): string {
  if (blob.label) return blob.label;
  return blob.kind === 'config' ? 'config' : (blob.digest ?? blob.diffId ?? blob.id).replace(/^sha256:/, '').slice(0, 12);
}

/**
 * A blob's bytes: read of all while it moves; once done, what went to the registry (a layer gzipped on the way says
 * from how much); a blob the registry had moved nothing, so its size alone (`skipped 22.4 MB / 22.4 MB` read as sent).
 */
export function blobBytes(blob: BlobProgress): string {
  if (blob.state === 'skipped' || blob.state === 'mounted') return formatBytes(blob.bytesTotal);
  if (blob.state === 'done' && blob.action === 'compress' && blob.bytesSent > 0) return `${formatBytes(blob.bytesTotal)} → ${formatBytes(blob.bytesSent)} sent`;
  return `${formatBytes(blob.bytesDone)} / ${formatBytes(blob.bytesTotal)}`;
}

/** A blob's state as the row says it: one still moving when its job ended (cancelled, failed) has stopped. */
function rowState(blob: BlobProgress, job: Job['view']['state']): BlobProgress['state'] | 'stopped' {
  const moving = blob.state === 'waiting' || blob.state === 'compressing' || blob.state === 'uploading';
  return moving && job !== 'running' ? 'stopped' : blob.state;
}

type RowState = ReturnType<typeof rowState>;

/**
 * A row's state in the words docker push uses ('Layer already exists', 'Mounted from …'), with what it means on hover
 * and for a screen reader: 'skipped' (the engine's word) read as if the blob had been left out of the image.
 */
const ROW_WORDS: Partial<Record<RowState, { readonly word: string; readonly meaning: string }>> = {
  skipped: { word: 'exists', meaning: 'already in the registry: nothing sent' },
  mounted: { word: 'mounted', meaning: 'mounted from another repository of the registry: nothing sent' },
  stopped: { word: 'stopped', meaning: 'stopped when the job ended' },
};

function BlobRow({ blob, job }: { readonly blob: BlobProgress; readonly job: Job['view']['state'] }) {
  const fraction = blob.bytesTotal > 0 ? blob.bytesDone / blob.bytesTotal : 1;
  const state = rowState(blob, job);
  const words = ROW_WORDS[state];
  return (
    <div className="blob-row" data-state={state}>
      <span className="blob-name" title={`${blob.label ? `${blob.label}\n` : ''}${blob.digest ?? blob.diffId ?? blob.id}`}>{blobName(blob)}</span>
      <span className={`state-tag ${state}`} title={words?.meaning}>{words?.word ?? state}</span>
      <Bar fraction={fraction} label={`${blob.kind} ${words ? `${words.word}, ${words.meaning}` : state}`} tone={state === 'failed' ? 'bad' : state === 'skipped' || state === 'mounted' || state === 'stopped' ? 'quiet' : 'accent'} />
      <span className="muted">{blobBytes(blob)}</span>
    </div>
  );
}

const titlePrefix = (kind: Job['view']['kind']): string => (kind === 'copy' ? 'Copy to ' : kind === 'export' ? 'Export to ' : 'Push to ');

/**
 * An export's destination as the card shows it: the file's name in the title (a whole path would be cut at the
 * panel's width), its folder in full on a line of its own; a browser download has no folder here.
 */
export function exportDestination(target: string): { readonly file: string; readonly folder?: string } {
  const cut = Math.max(target.lastIndexOf('/'), target.lastIndexOf('\\'));
  if (cut < 0 || cut === target.length - 1) return { file: target };
  return { file: target.slice(cut + 1), folder: target.slice(0, cut + 1) };
}

/** Where styles.css floats the panel over the content (@media (max-width: 1100px)) rather than beside it. */
const PANEL_FLOATS = '(max-width: 1100px)';

function JobCard({ job }: { readonly job: Job }) {
  const setOpen = useTransfers((s) => s.setOpen);
  const cancel = useTransfers((s) => s.cancel);
  const start = useTransfers((s) => s.start);
  const startAgain = useTransfers((s) => s.startAgain);
  const go = useNav((s) => s.go);
  const { view, overall } = job;
  const blobs = Object.values(job.blobs);
  const exported = view.kind === 'export' ? exportDestination(view.target) : undefined;
  const image = jobImage(job);
  return (
    <div className="job" data-testid="job" data-state={view.state}>
      <div className="job-head">
        <strong title={`${titlePrefix(view.kind)}${view.target}`}>
          {titlePrefix(view.kind)}
          {exported ? exported.file : view.target}
        </strong>
        <span className={`state-tag ${view.state}`}>{view.state === 'pushed' && view.kind === 'copy' ? 'copied' : view.state === 'pushed' && view.kind === 'export' ? 'saved' : view.state}</span>
        {view.state === 'running' && <button type="button" onClick={() => void cancel(view.jobId)}>Cancel</button>}
        {(view.state === 'failed' || view.state === 'cancelled') && job.request && <button type="button" onClick={() => void start(job.request!)}>Retry</button>}
        {(view.state === 'failed' || view.state === 'cancelled') && job.again && <button type="button" onClick={() => void startAgain(job)}>Retry</button>}
        {wroteImage(view) && image && (
          <button
            type="button"
            className="link"
            onClick={() => {
              go({ view: 'image', ...image });
              // A floating panel would cover the image it opened (its Copy to… and Export… buttons among it).
              if (window.matchMedia?.(PANEL_FLOATS).matches) setOpen(false);
            }}
          >
            Open image
          </button>
        )}
      </div>
      {exported && (
        <div className="muted job-where" data-testid="export-destination">
          {view.archive}
          {exported.folder ? ` into the folder ${exported.folder}` : ''}
        </div>
      )}
      {overall && view.state === 'running' && (
        <div className="muted">
          {formatBytes(overall.bytesDone)} / {formatBytes(overall.bytesTotal)}
          {overall.rate > 0 ? ` · ${formatBytes(Math.round(overall.rate))}/s` : ''}
          {overall.etaSeconds !== undefined && overall.etaSeconds > 0 ? ` · ${overall.etaSeconds}s left` : ''}
        </div>
      )}
      {view.state === 'running' && job.compressor && blobs.some((b) => b.action === 'compress') && <div className="muted" data-testid="job-compressor">Gzipping layers {gzipWith(job.compressor)}</div>}
      {view.state === 'pushed' && view.kind !== 'export' && blobs.length > 0 && <div className="job-summary" data-testid="job-summary">{transferSummary(view.kind ?? 'push', blobs, view.compressor ?? job.compressor)}</div>}
      {/* Cut to the panel's width: the whole digest on hover, and a copy button (as everywhere else a digest shows). */}
      {view.digest && <div className="muted job-digest"><Digest value={view.digest} full /></div>}
      {view.error && <div className="error-text">{view.error.message} <code className="code">{view.error.code}</code></div>}
      {blobs.map((blob) => <BlobRow key={blob.id} blob={blob} job={view.state} />)}
    </div>
  );
}

/**
 * Esc closes the open panel, as it closes the push drawer: the panel is what is on top, so it goes before the window's
 * own Esc (which goes back a view). Not from a field (its Esc clears it), a dialog, or while the drawer is open
 * (the drawer takes that Esc).
 */
function useEscapeCloses(open: boolean, setOpen: (open: boolean) => void): void {
  useEffect(() => {
    if (!open) return undefined;
    const onKey = (event: KeyboardEvent): void => {
      if (event.key !== 'Escape' || document.querySelector('.modal, .push-dialog')) return;
      const target = event.target as HTMLElement | null;
      if (target?.closest('input, textarea, select')) return;
      event.stopPropagation();
      event.preventDefault();
      setOpen(false);
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [open, setOpen]);
}

export function TransfersPanel() {
  const { jobs, order, open, setOpen } = useTransfers();
  useEscapeCloses(open, setOpen);
  if (!open) return null;
  return (
    <aside className="transfers" aria-label="Transfers">
      <div className="transfers-head">
        <h2>Transfers</h2>
        <button type="button" className="icon" aria-label="Close transfers" title="Close (Esc)" onClick={() => setOpen(false)}>✕</button>
      </div>
      {order.length === 0 ? <p className="muted">No transfers yet. Drop an image tarball on the window, or copy or export an image.</p> : order.map((id) => jobs[id] && <JobCard key={id} job={jobs[id]} />)}
    </aside>
  );
}
