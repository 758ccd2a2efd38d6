// NODE_EXTRA_CA_CERTS, deferred: bin/stevedore hands the variable over as STEVEDORE_EXTRA_CA_CERTS so that Node does
// not parse the file (and its own roots) at every start, and the CLI's entry takes it back at once
// (cli/extra-ca-handover.ts): child processes see NODE_EXTRA_CA_CERTS as the user set it, and the path is left under
// this key, for the Transport to read the file on its first TLS connection (http/trust.ts). A global key, because the
// CLI's entry and its commands are separate bundles, each with its own copy of a module.
export const DEFERRED_EXTRA_CA_KEY = Symbol.for('stevedore.deferredExtraCaFile');

/** The extra-CA file Node's own trust store lacks, if the launcher deferred one. */
export function deferredExtraCaFile(): string | undefined {
  const path = (globalThis as Record<symbol, unknown>)[DEFERRED_EXTRA_CA_KEY];
  return typeof path === 'string' ? path : undefined;
}
