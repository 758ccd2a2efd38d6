// Signed schema 1 manifests (application/vnd.docker.distribution.manifest.v1+prettyjws) are addressed by the digest
// of their payload without the signatures: the JSON up to the protected header's formatLength, followed by its
// base64url-decoded formatTail. This follows libtrust's ParsePrettySignature, which distribution's schema1 uses.

export interface CanonicalBytes {
  /** What the registry hashed: the payload of a signed schema 1 manifest, otherwise the bytes as served. */
  readonly bytes: Buffer;
  /** Why a document that looked signed was hashed as served instead. */
  readonly problem?: string;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** libtrust's joseBase64UrlDecode: newlines and spaces dropped, padding optional, the URL alphabet only. */
function base64UrlDecode(text: string): Buffer | undefined {
  const s = text.replace(/[\n ]/g, '');
  if (!/^[A-Za-z0-9_-]*$/.test(s) || s.length % 4 === 1) return undefined;
  return Buffer.from(s, 'base64url');
}

function formatOf(signature: unknown): { length: number; tail: Buffer } | string {
  if (!isObject(signature) || typeof signature.protected !== 'string') return 'a signature has no protected header';
  const protectedBytes = base64UrlDecode(signature.protected);
  if (protectedBytes === undefined) return 'a protected header is not base64url';
  let header: unknown;
  try {
    header = JSON.parse(protectedBytes.toString('utf8'));
  } catch {
    return 'a protected header is not JSON';
  }
  if (!isObject(header)) return 'a protected header is not a JSON object';
  const { formatLength, formatTail } = header;
  if (typeof formatLength !== 'number' || !Number.isSafeInteger(formatLength) || formatLength < 0) return 'a protected header has no formatLength';
  if (typeof formatTail !== 'string') return 'a protected header has no formatTail';
  const tail = base64UrlDecode(formatTail);
  if (tail === undefined) return 'a formatTail is not base64url';
  return { length: formatLength, tail };
}

/** The bytes to hash for a manifest as served; `problem` says why a signed-looking one could not be unwrapped. */
export function canonicalManifestBytes(bytes: Buffer): CanonicalBytes {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { bytes };
  }
  // Unsigned schema 1 (v1+json) and every other manifest hash as served.
  if (!isObject(json) || json.schemaVersion !== 1 || !('signatures' in json)) return { bytes };
  const signatures = json.signatures;
  if (!Array.isArray(signatures) || signatures.length === 0) return { bytes, problem: 'its signatures block is empty or not a list' };
  let format: { length: number; tail: Buffer } | undefined;
  for (const signature of signatures) {
    const found = formatOf(signature);
    if (typeof found === 'string') return { bytes, problem: found };
    if (format !== undefined && (format.length !== found.length || !format.tail.equals(found.tail))) return { bytes, problem: 'its signatures disagree on formatLength or formatTail' };
    format = found;
  }
  if (format === undefined || format.length > bytes.length) return { bytes, problem: 'its formatLength is past the end of the document' };
  return { bytes: Buffer.concat([bytes.subarray(0, format.length), format.tail]) };
}
