// Stable error codes shared by the engine, the CLI and (later) the IPC contract.
export const ERROR_CODES = [
  'AUTH_REQUIRED',
  'AUTH_FAILED',
  'DENIED',
  'NOT_FOUND',
  'UNSUPPORTED',
  'DIGEST_MISMATCH',
  'TOO_LARGE',
  'RATE_LIMITED',
  'NETWORK',
  'TLS',
  'TIMEOUT',
  'REGISTRY_ERROR',
  'INVALID_REFERENCE',
  'INVALID_RESPONSE',
  'CONFIG',
  'CANCELLED',
  'ARCHIVE_INVALID',
  'INVALID_ARGUMENT',
  'NOT_A_FILE',
  'ALREADY_EXISTS',
  /** A path this host does not let its caller write to (the web host writes exports only into its export folder). */
  'PATH_NOT_ALLOWED',
  /** The disk (or a quota, or a file size limit) had no room for what was being written. */
  'NO_SPACE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** What an error looks like once it leaves the engine (JSON output, IPC). Never holds secrets. */
export interface ErrorInfo {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details?: ErrorDetails;
}

export interface ErrorDetails {
  readonly status?: number;
  readonly method?: string;
  readonly url?: string;
  readonly registryCode?: string;
  readonly registryMessage?: string;
  /** From a 429/503 answer's Retry-After. */
  readonly retryAfterMs?: number;
  /**
   * The choice that resolves the error, for an edge to word its own way: the app shows its control, the CLI names its
   * option (electron/cli/error-hint.ts). Messages never name a command-line option themselves.
   */
  readonly choice?: 'platform' | 'all-tags' | 'upload-limit' | 'plain-http';
  /**
   * A push or copy cancelled while its tag's PUT (the commit point) was in flight: what the registry said of the tag
   * afterwards. Absent when the cancel came before the PUT left (no tag was written).
   */
  readonly tagState?: TagState;
  /** With `tagState: 'written'`: the digest the tag now names. */
  readonly digest?: string;
}

/**
 * The tag after a cancel at the commit point: written (the registry, asked, named the job's image), or unknown (no
 * answer, or it named something else: the PUT it received may still be stored). Never "not written": once the PUT
 * has left, only the registry's answer to it could say so, and a cancel abandons that answer.
 */
export type TagState = 'written' | 'unknown';
