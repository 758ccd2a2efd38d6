// The structured log: one JSON object per line, silent until a process points it somewhere. The events and their
// fields live here; what writes them (pino, with redact.ts on every record) is set by log-writer.ts, so a process that
// logs nothing never loads it: a short CLI command starts without pino's modules.
import type { BlobAction } from '../../shared/push.js';
import type { ErrorCode, ErrorInfo } from '../../shared/errors.js';
import { redactText } from './redact.js';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/** One blob of a push plan, as the log records it. */
export interface PlanLine {
  readonly id: string;
  readonly kind: 'config' | 'layer';
  readonly action: BlobAction;
  /** Bytes as stored in the archive. */
  readonly size: number;
  readonly digest?: string;
  readonly mountFrom?: string;
}

/** Every event the log writes, with its fields: a new event is one entry here. */
export interface LogEvents {
  /** The first line of every process that logs: enough for support to know what ran where. */
  readonly start: { readonly process: string; readonly version: string; readonly node: string; readonly platform: string };
  /** One HTTP exchange; each retry is its own line. `ms` runs to the response headers (or the failure). */
  readonly http: { readonly method: string; readonly url: string; readonly status?: number; readonly ms: number; readonly attempt: number; readonly error?: string };
  readonly 'auth.challenge': { readonly registry: string; readonly scheme: string; readonly realm?: string; readonly service?: string };
  /** A bearer token was issued; its value is never logged. */
  readonly 'auth.token': { readonly registry: string; readonly scopes: readonly string[]; readonly expiresInS: number };
  readonly 'push.plan': { readonly jobId: string; readonly target: string; readonly blobs: readonly PlanLine[] };
  readonly 'push.done': { readonly jobId: string; readonly target: string; readonly digest: string; readonly ms: number };
  readonly 'push.failed': { readonly jobId: string; readonly target: string; readonly code: ErrorCode; readonly message: string; readonly ms: number };
  /** An error at an edge (a CLI command, a contract request), with its stable code. */
  readonly error: { readonly where: string; readonly code: ErrorCode; readonly message: string; readonly status?: number; readonly url?: string; readonly registryCode?: string };
}

/** What the log writes through (pino's Logger fits it); log-writer.ts sets one. */
export interface LogSink {
  isLevelEnabled(level: LogLevel): boolean;
  debug(fields: object, event: string): void;
  info(fields: object, event: string): void;
  warn(fields: object, event: string): void;
  error(fields: object, event: string): void;
}

let sink: LogSink | undefined;

/** Points the log at a writer; undefined silences it. Use configureLog (log-writer.ts) to open one. */
export function setLogSink(next: LogSink | undefined): void {
  sink = next;
}

/** The `start` line; `process` names the front end (cli push, serve, desktop). */
export function logStart(processName: string, version: string): void {
  logEvent('start', { process: processName, version, node: process.versions.node, platform: `${process.platform}-${process.arch}` });
}

export function resetLog(): void {
  sink = undefined;
}

/** Whether a line at `level` would be written: lets a caller skip preparing fields nobody reads. */
export function logEnabled(level: LogLevel = 'info'): boolean {
  return sink?.isLevelEnabled(level) ?? false;
}

export function logEvent<E extends keyof LogEvents>(event: E, fields: LogEvents[E], level: LogLevel = 'info'): void {
  if (sink === undefined || !sink.isLevelEnabled(level)) return;
  // Widened to a plain record: the writer's generic overloads cannot follow a mapped event type.
  const record: object = fields;
  try {
    sink[level](record, event as string);
  } catch {
    // The log serves the work, never stops it: a full disk loses lines, not pushes.
  }
}

/** An error that reached an edge, with its code; what a registry said stays, secrets do not. */
export function logError(where: string, info: ErrorInfo): void {
  const { details } = info;
  logEvent(
    'error',
    {
      where: redactText(where.slice(0, 200)),
      code: info.code,
      message: info.message.slice(0, 4000),
      ...(details?.status !== undefined ? { status: details.status } : {}),
      ...(details?.url !== undefined ? { url: details.url } : {}),
      ...(details?.registryCode !== undefined ? { registryCode: details.registryCode } : {}),
    },
    'error',
  );
}
