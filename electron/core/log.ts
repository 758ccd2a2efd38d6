// The structured log: one JSON object per line (pino), silent until a process points it somewhere. Every record
// passes through redact.ts on its way out, whatever field a secret hides in.
import { pino, type DestinationStream, type Logger } from 'pino';
import type { BlobAction } from '../../shared/push.js';
import type { ErrorCode, ErrorInfo } from '../../shared/errors.js';
import { SECRET_NAMES, redactText, redactValue } from './redact.js';

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

const CENSOR = '***';

function pinoPath(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : `["${name}"]`;
}

function silent(): Logger {
  return pino({ enabled: false });
}

let logger: Logger = silent();

/** Points the log at a destination (stderr, a file); until then, and after resetLog, nothing is written. */
export function configureLog(destination: DestinationStream, level: LogLevel = 'info'): void {
  logger = pino(
    {
      level,
      messageKey: 'event',
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        // The one redaction step: secret-named fields at any depth, and every string.
        log: (record) => redactValue(record) as Record<string, unknown>,
      },
      // A second net for top-level secret-named fields; the formatter masks them at any depth (wildcard paths here
      // would cost ten times the rest of a line).
      redact: { paths: SECRET_NAMES.map(pinoPath), censor: CENSOR },
    },
    destination,
  );
}

/** The `start` line; `process` names the front end (cli push, serve, desktop). */
export function logStart(processName: string, version: string): void {
  logEvent('start', { process: processName, version, node: process.versions.node, platform: `${process.platform}-${process.arch}` });
}

export function resetLog(): void {
  logger = silent();
}

/** Whether a line at `level` would be written: lets a caller skip preparing fields nobody reads. */
export function logEnabled(level: LogLevel = 'info'): boolean {
  return logger.isLevelEnabled(level);
}

export function logEvent<E extends keyof LogEvents>(event: E, fields: LogEvents[E], level: LogLevel = 'info'): void {
  if (!logEnabled(level)) return;
  // Widened to a plain record: pino's generic overloads cannot follow a mapped event type.
  const record: object = fields;
  try {
    logger[level](record, event as string);
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
