// What a TLS connection trusts and shows: Node's own store, the certificates of an extra-CA file bin/stevedore
// deferred past Node's start (deferred-extra-ca.ts), a registry's own CAs, and its client certificate. Built into one
// SecureContext per distinct set, on the first connection that needs it: handing tls.connect a `ca` list instead makes
// OpenSSL parse every certificate again at every connection (~0.5 ms each, 150 roots and more).
import { Buffer } from 'node:buffer';
import type { SecureContext } from 'node:tls';
import { deferredExtraCaFile } from '../deferred-extra-ca.js';
import { StevedoreError } from '../errors.js';
import { fileProblem, readRegularFileSync } from '../regular-file.js';

export interface TrustSettings {
  readonly ca: readonly string[];
  readonly clientCert?: { readonly cert: string; readonly key: string };
}

const contexts = new Map<string, SecureContext>();

/** Whether connections need a context of their own: else Node's default one is exactly right. */
export function needsOwnContext(trust: TrustSettings): boolean {
  return trust.ca.length > 0 || trust.clientCert !== undefined || deferredExtraCaFile() !== undefined;
}

export function secureContextFor(trust: TrustSettings): SecureContext {
  // The extra file is the same for the whole process: the registry's own material tells the sets apart.
  // JSON, not a join: no CA text can make two different sets one key (a NUL in a PEM moved a join's boundaries).
  const key = JSON.stringify([trust.ca, trust.clientCert?.cert ?? null, trust.clientCert?.key ?? null]);
  let context = contexts.get(key);
  if (context === undefined) {
    context = buildContext([...extraCerts(trust), ...trust.ca], trust.clientCert);
    contexts.set(key, context);
  }
  return context;
}

/**
 * What Node's default store lacks of the extra-CA files: all of a deferred file; and a NODE_EXTRA_CA_CERTS file Node
 * loaded itself (no launcher) again wherever the context adds CAs of its own: Node keeps those certificates in its
 * shared store only, which a context adding CAs copies without them.
 */
function extraCerts(trust: TrustSettings): readonly string[] {
  const deferred = deferredExtraCaFile();
  const env = process.env.NODE_EXTRA_CA_CERTS;
  // After the handover the variable names the deferred file (which Node never loaded), unless the user set both.
  const loaded = env && env !== deferred ? env : undefined;
  // Node warned about that file at its start already.
  const again = loaded !== undefined && (trust.ca.length > 0 || deferred !== undefined) ? certsOf(loaded, false) : [];
  return deferred !== undefined ? [...certsOf(deferred, true), ...again] : again;
}

function buildContext(ca: readonly string[], clientCert: TrustSettings['clientCert']): SecureContext {
  const tls = process.getBuiltinModule('node:tls');
  const identity = clientCert ? { cert: clientCert.cert, key: clientCert.key } : {};
  // Node's default store plus these: adding to a context that starts from it copies the parsed store once, where
  // `ca: [...tls.rootCertificates, ...]` would parse every root again.
  const context = tls.createSecureContext(identity);
  if (ca.length === 0) return context;
  const native = (context as { context?: { addCACert?: unknown } }).context;
  if (typeof native?.addCACert !== 'function') return tls.createSecureContext({ ...identity, ca: [...tls.rootCertificates, ...ca] });
  for (const pem of ca) (native.addCACert as (pem: string) => void).call(native, pem);
  return context;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----([^-]*)-----END CERTIFICATE-----/g;

const extraFiles = new Map<string, readonly string[]>();
/** Far above any CA bundle (the system's holds ~150 certificates in ~200 KB): a bigger file is not read into memory. */
const MAX_EXTRA_CA_BYTES = 64 * 1024 * 1024;

/** A file's certificates, read once. As Node does, a file that cannot be read or holds a damaged certificate is
 * ignored with one warning line; one without certificates adds none. Only a regular file of sane size is read (a FIFO
 * would block the thread forever, a device never end). */
function certsOf(path: string, warn: boolean): readonly string[] {
  let certs = extraFiles.get(path);
  if (certs !== undefined) return certs;
  certs = [];
  try {
    const blocks = [...readRegularFileSync(path, 'extra CA file', MAX_EXTRA_CA_BYTES).matchAll(PEM_CERT)];
    if (blocks.some((m) => !isDer(m[1] as string))) throw new Error('bad base64 decode');
    certs = blocks.map((m) => m[0]);
  } catch (error) {
    if (warn) process.stderr.write(`Warning: Ignoring extra certs from \`${path}\`, load failed: ${loadFailure(error)}\n`);
  }
  extraFiles.set(path, certs);
  return certs;
}

/** Node's warning says why; a failed open said plainly ("the file does not exist", not "ENOENT: ..., open '...'"). */
function loadFailure(error: unknown): string {
  if (error instanceof StevedoreError || typeof (error as { code?: unknown } | null)?.code !== 'string') return error instanceof Error ? error.message : String(error);
  return `the file ${fileProblem(error)}`;
}

function isDer(base64: string): boolean {
  const text = base64.replace(/\s+/g, '');
  return /^[A-Za-z0-9+/]+={0,2}$/.test(text) && Buffer.from(text, 'base64')[0] === 0x30;
}
