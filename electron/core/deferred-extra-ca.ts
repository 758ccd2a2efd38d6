// NODE_EXTRA_CA_CERTS, deferred: bin/stevedore hands the variable over as STEVEDORE_EXTRA_CA_CERTS so that Node does
// not parse the file (and its own roots) at every start. The CLI's entry takes it back at once (takeDeferredExtraCa):
// child processes see NODE_EXTRA_CA_CERTS as the user set it, and the path is kept where every bundle of this process
// finds it (the CLI's entry and its commands are separate bundles, each with its own copy of this module), for the
// Transport to read on its first TLS connection (http/trust.ts).

export const DEFERRED_ENV = 'STEVEDORE_EXTRA_CA_CERTS';
const KEY = Symbol.for('stevedore.deferredExtraCaFile');

/** Moves a deferred extra-CA file back into NODE_EXTRA_CA_CERTS and remembers that Node did not load it. */
export function takeDeferredExtraCa(env: NodeJS.ProcessEnv = process.env): void {
  const path = env[DEFERRED_ENV];
  delete env[DEFERRED_ENV];
  if (!path) return;
  env.NODE_EXTRA_CA_CERTS = path;
  (globalThis as Record<symbol, unknown>)[KEY] = path;
}

/** The extra-CA file Node's own trust store lacks, if the launcher deferred one. */
export function deferredExtraCaFile(): string | undefined {
  const path = (globalThis as Record<symbol, unknown>)[KEY];
  return typeof path === 'string' ? path : undefined;
}
