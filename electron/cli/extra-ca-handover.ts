// The CLI's side of bin/stevedore's NODE_EXTRA_CA_CERTS deferral (core/deferred-extra-ca.ts says why). Its own module,
// not that one: the CLI's entry importing what the Transport also imports would cost `--version` a shared chunk.
export const DEFERRED_ENV = 'STEVEDORE_EXTRA_CA_CERTS';

/**
 * Moves a deferred extra-CA file back into NODE_EXTRA_CA_CERTS and leaves its path for the Transport. Where the user
 * set NODE_EXTRA_CA_CERTS too (no launcher: Node loaded that file), children keep theirs and the Transport trusts both.
 */
export function takeDeferredExtraCa(env: NodeJS.ProcessEnv = process.env): void {
  const path = env[DEFERRED_ENV];
  delete env[DEFERRED_ENV];
  if (!path) return;
  if (!env.NODE_EXTRA_CA_CERTS) env.NODE_EXTRA_CA_CERTS = path;
  // The key core/deferred-extra-ca.ts reads (DEFERRED_EXTRA_CA_KEY); Symbol.for makes it one across bundles.
  (globalThis as Record<symbol, unknown>)[Symbol.for('stevedore.deferredExtraCaFile')] = path;
}
