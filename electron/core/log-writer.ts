// Opens the structured log: a pino logger writing one JSON object per line to a destination (log-destination.ts),
// every record passing through redact.ts on its way out, whatever field a secret hides in. Loaded only by a process
// that logs, so one that does not never pays for pino.
import { pino, type DestinationStream } from 'pino';
import { setLogSink, type LogLevel } from './log.js';
import { SECRET_NAMES, redactValue } from './redact.js';

const CENSOR = '***';

function pinoPath(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : `["${name}"]`;
}

/** Points the log at a destination (stderr, a file); until then, and after resetLog, nothing is written. */
export function configureLog(destination: DestinationStream, level: LogLevel = 'info'): void {
  setLogSink(
    pino(
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
    ),
  );
}
