// Small pieces every view uses: sizes and dates with exact values on hover, and the loading, empty and error states.
import type { ReactNode } from 'react';
import type { ErrorInfo } from '../../../shared/errors.js';
import { formatBytes, formatRelative, formatWhen, shortDigest } from '../../../shared/format.js';
import { visibleText } from '../../../shared/visible-text.js';

export function Bytes({ value }: { readonly value: number }) {
  return <span title={`${value.toLocaleString('en-US')} bytes`}>{formatBytes(value)}</span>;
}

export function When({ iso }: { readonly iso: string | undefined }) {
  return <span title={iso ? `${new Date(iso).toString()} (${formatRelative(iso)})` : undefined}>{visibleText(formatWhen(iso))}</span>;
}

export function Digest({ value, full = false }: { readonly value: string; readonly full?: boolean }) {
  return (
    <span className="digest">
      <code title={value}>{full ? value : shortDigest(value)}</code>
      <button type="button" className="icon" aria-label={`Copy ${value}`} title="Copy" onClick={() => void navigator.clipboard?.writeText(value)}>
        <svg width="12" height="12" viewBox="0 0 16 16" aria-hidden="true">
          <rect x="5" y="5" width="9" height="9" rx="1.5" fill="none" stroke="currentColor" strokeWidth="1.5" />
          <path d="M11 3.5V3a1.5 1.5 0 0 0-1.5-1.5h-6A1.5 1.5 0 0 0 2 3v6a1.5 1.5 0 0 0 1.5 1.5H4" fill="none" stroke="currentColor" strokeWidth="1.5" />
        </svg>
      </button>
    </span>
  );
}

export function Loading({ what }: { readonly what: string }) {
  return (
    <div className="state" role="status">
      <span className="spinner" aria-hidden="true" /> Loading {what}…
    </div>
  );
}

export function Empty({ children }: { readonly children: ReactNode }) {
  return <div className="state empty">{children}</div>;
}

export function ErrorState({ error, onRetry }: { readonly error: ErrorInfo; readonly onRetry?: () => void }) {
  return (
    <div className="state error" role="alert">
      <div>
        <strong>{visibleText(error.message)}</strong> <code className="code">{error.code}</code>
      </div>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

export function Bar({ fraction, label, tone = 'accent' }: { readonly fraction: number; readonly label?: string; readonly tone?: string }) {
  const percent = Math.max(0, Math.min(100, fraction * 100));
  return (
    <div className="bar" role="progressbar" aria-valuenow={Math.round(percent)} aria-valuemin={0} aria-valuemax={100} aria-label={label}>
      <div className={`fill ${tone}`} style={{ width: `${percent}%` }} />
    </div>
  );
}
