// Digest grammar shared by the contract and the engine. sha256, sha384 and sha512 are verified; any other algorithm
// of the OCI grammar passes through unverified (image spec: implementations SHOULD allow unknown algorithms).

/** Algorithms the engine hashes, with the hex length of their digests. */
export const VERIFIED_DIGESTS: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

// OCI image spec "Digests": components of [a-z0-9] joined by + . _ -, then the encoded part. At least 32 characters
// (128 bits, as distribution's reference grammar asks) and at most 256, so a digest stays a sane path segment.
const ALGORITHM = '[a-z0-9]+(?:[+._-][a-z0-9]+)*';
const KNOWN = Object.entries(VERIFIED_DIGESTS)
  .map(([algorithm, length]) => `${algorithm}:[a-f0-9]{${length}}`)
  .join('|');
const OTHER = `(?!(?:${Object.keys(VERIFIED_DIGESTS).join('|')}):)${ALGORITHM}:[a-zA-Z0-9=_-]{32,256}`;

/** A whole digest: a verified algorithm with hex of the right length, or another algorithm in the OCI grammar. */
export const DIGEST_SOURCE = `(?:${KNOWN}|${OTHER})`;
export const DIGEST_PATTERN = new RegExp(`^${DIGEST_SOURCE}$`);

export function isWellFormedDigest(value: string): boolean {
  return DIGEST_PATTERN.test(value);
}
