// Test certificates made with openssl at test time: a CA, a server certificate for loopback, a token signing key.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { run } from './exec.js';

export interface Pki {
  readonly caCertFile: string;
  readonly caCert: string;
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
}

export async function makePki(dir: string): Promise<Pki> {
  const caKey = join(dir, 'ca.key');
  const caCertFile = join(dir, 'ca.crt');
  const serverKeyFile = join(dir, 'server.key');
  const csr = join(dir, 'server.csr');
  const serverCertFile = join(dir, 'server.crt');
  const ext = join(dir, 'server.ext');
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', caKey, '-out', caCertFile, '-days', '2', '-subj', '/CN=Stevedore Test CA']);
  await run('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', serverKeyFile, '-out', csr, '-subj', '/CN=localhost']);
  await writeFile(ext, 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nextendedKeyUsage=serverAuth\n');
  await run('openssl', ['x509', '-req', '-in', csr, '-CA', caCertFile, '-CAkey', caKey, '-CAcreateserial', '-out', serverCertFile, '-days', '2', '-extfile', ext]);
  return { caCertFile, caCert: await readFile(caCertFile, 'utf8'), serverCertFile, serverKeyFile };
}

export interface SigningKey {
  readonly keyPem: string;
  readonly certFile: string;
}

/** An RSA key and self-signed certificate the registry trusts for token signatures (its rootcertbundle). */
export async function makeSigningKey(dir: string): Promise<SigningKey> {
  const keyFile = join(dir, 'token.key');
  const certFile = join(dir, 'token.crt');
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=Stevedore Test Token Issuer']);
  return { keyPem: await readFile(keyFile, 'utf8'), certFile };
}
