// The engine words its errors for every edge (issue #10: the app never tells a user to pass a flag); the terminal adds
// the command-line option that resolves one, from the choice the error names.
import type { ErrorDetails, ErrorInfo } from '../../shared/errors.js';

// Appended to the engine's message: a platform error ends "choose a platform", which the option completes.
const OPTION_FOR: Readonly<Record<NonNullable<ErrorDetails['choice']>, string>> = {
  platform: ' with --platform',
  'all-tags': ' (as --all-tags asks)',
  'upload-limit': ' (see --max-upload or STEVEDORE_MAX_UPLOAD)',
  'plain-http': ' (--plain-http)',
};

/** What the terminal adds to the message to name the option that resolves the error, or '' when none does. */
export function cliHint(info: ErrorInfo): string {
  if (info.code === 'AUTH_REQUIRED' || info.code === 'AUTH_FAILED') return ' (or give --creds USER:PASS)';
  // "Add the registry's CA certificate, or opt in to insecure access": how, on the command line (unless the choice is
  // another: a server answering in plain HTTP needs no CA).
  if (info.code === 'TLS' && info.details?.choice === undefined) return ' (--ca-file FILE, or --insecure)';
  // A repository the registry does not know: most often a typo, which the list of its repositories shows.
  if (info.code === 'NOT_FOUND' && info.details?.registryCode === 'NAME_UNKNOWN') {
    const host = hostOf(info.details.url);
    // Docker Hub lists no catalog.
    if (host !== undefined && host !== 'registry-1.docker.io') return ` (stevedore ls ${host} lists the repositories it has)`;
  }
  const choice = info.details?.choice;
  return choice === undefined ? '' : OPTION_FOR[choice];
}

function hostOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}
