// Digest algorithms of archive blobs. The OCI image spec registers sha256 and sha512 (sha384 is accepted by go-digest
// and registries): those are verified; any other well-formed `algorithm:encoded` passes through unverified, as the
// spec says implementations SHOULD, and is never reported as verified.
import { createHash } from 'node:crypto';

export type HashAlgorithm = 'sha256' | 'sha384' | 'sha512';

const HEX_LENGTH: Readonly<Record<HashAlgorithm, number>> = { sha256: 64, sha384: 96, sha512: 128 };

/** The OCI digest grammar: algorithm-component ([+._-] separated), ':', encoded. */
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

export function hashAlgorithm(digest: string): HashAlgorithm | undefined {
  const algorithm = digest.slice(0, digest.indexOf(':'));
  return algorithm === 'sha256' || algorithm === 'sha384' || algorithm === 'sha512' ? algorithm : undefined;
}

/** A digest Stevedore can check (right hex length for its algorithm), or any well-formed one of another algorithm. */
export function isArchiveDigest(digest: string): boolean {
  if (!DIGEST.test(digest)) return false;
  const algorithm = hashAlgorithm(digest);
  return algorithm === undefined || new RegExp(`^[a-f0-9]{${HEX_LENGTH[algorithm]}}$`).test(digest.slice(algorithm.length + 1));
}

export function hashAs(bytes: Uint8Array, algorithm: HashAlgorithm): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

/** Two digests can be compared only when they use the same algorithm. */
export function sameAlgorithm(a: string, b: string): boolean {
  return a.slice(0, a.indexOf(':')) === b.slice(0, b.indexOf(':'));
}
