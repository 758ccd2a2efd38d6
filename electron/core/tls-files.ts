// Per-registry TLS material from files: an explicit CA file, and docker's certs.d layout (*.crt CAs, *.cert/*.key pairs).
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { StevedoreError } from './errors.js';
import type { TlsSettings } from './http/transport.js';
import { fileProblem, readRegularFile } from './regular-file.js';

export const DOCKER_CERTS_DIR = '/etc/docker/certs.d';

export interface TlsFileOptions {
  readonly caFile?: string;
  /** A directory in docker's certs.d layout for this registry; defaults to /etc/docker/certs.d/<host>. */
  readonly certDir?: string;
}

export async function loadTlsSettings(registry: string, options: TlsFileOptions = {}): Promise<TlsSettings> {
  const ca: string[] = [];
  if (options.caFile) ca.push(await readPem(options.caFile, 'CA file', registry));
  const dir = options.certDir ?? join(DOCKER_CERTS_DIR, registry.replace(/[/\\]/g, '_'));
  let entries: string[] = [];
  try {
    entries = (await readdir(dir)).sort();
  } catch (error) {
    if (options.certDir !== undefined) throw new StevedoreError('CONFIG', `certificate directory ${dir} for ${registry} ${fileProblem(error)}`);
  }
  const cas = entries.filter((n) => n.endsWith('.crt'));
  if (cas.length > MAX_CA_FILES) throw new StevedoreError('TOO_LARGE', `certificate directory ${dir} holds ${cas.length} *.crt files, more than the ${MAX_CA_FILES} read`);
  let total = ca[0]?.length ?? 0;
  for (const name of cas) {
    const pem = await readPem(join(dir, name), 'CA certificate', registry);
    // Each file is bounded, and so is what they hold together: every certificate is parsed for each connection's context.
    total += pem.length;
    if (total > MAX_TLS_BYTES) throw new StevedoreError('TOO_LARGE', `the CA certificates for ${registry} (in ${dir}) are larger than ${MAX_TLS_BYTES} bytes in all`);
    ca.push(pem);
  }
  let clientCert: TlsSettings['clientCert'];
  const certName = entries.find((n) => n.endsWith('.cert'));
  if (certName) {
    const keyName = `${certName.slice(0, -'.cert'.length)}.key`;
    if (!entries.includes(keyName)) throw new StevedoreError('CONFIG', `client certificate ${join(dir, certName)} has no matching ${keyName}`);
    clientCert = { cert: await readPem(join(dir, certName), 'client certificate', registry), key: await readPem(join(dir, keyName), 'client key', registry) };
  }
  return { ...(ca.length > 0 ? { ca } : {}), ...(clientCert ? { clientCert } : {}) };
}

/** Far larger than any CA bundle (the system's is about 200 KiB). */
const MAX_PEM_BYTES = 16 * 1024 * 1024;
/** CA files of one registry's certs.d directory, and the bytes of all its CA files together: far above any real set. */
export const MAX_CA_FILES = 1000;
const MAX_TLS_BYTES = 64 * 1024 * 1024;

/** A PEM file's text; what goes wrong is one line naming the file, what it is and the registry it is for. */
async function readPem(path: string, what: string, registry: string): Promise<string> {
  let text: string;
  try {
    // Only a regular file: a FIFO here would hold a libuv thread until someone writes to it.
    text = await readRegularFile(path, what, MAX_PEM_BYTES);
  } catch (error) {
    if (error instanceof StevedoreError) throw error;
    throw new StevedoreError('CONFIG', `${what} ${path} for ${registry} ${fileProblem(error)}`);
  }
  if (!text.includes('-----BEGIN')) throw new StevedoreError('CONFIG', `${what} ${path} for ${registry} is not PEM (no -----BEGIN line)`);
  return text;
}
