// Minimal RS256 JWTs of the kind the distribution registry accepts (key id in libtrust's format).
import { createHash, createPublicKey, createSign, randomBytes } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** libtrust key id: base32 of the first 240 bits of SHA-256 over the DER public key, in groups of four. */
export function libtrustKeyId(privateKeyPem: string): string {
  const der = createPublicKey(privateKeyPem).export({ type: 'spki', format: 'der' });
  const encoded = base32(createHash('sha256').update(der).digest().subarray(0, 30));
  return encoded.match(/.{4}/g)?.join(':') ?? encoded;
}

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export interface Access {
  readonly type: string;
  readonly name: string;
  readonly actions: readonly string[];
}

export function signToken(privateKeyPem: string, claims: { issuer: string; subject: string; audience: string; access: readonly Access[]; expiresInS: number }): string {
  const now = Math.floor(Date.now() / 1000);
  const header = b64url({ alg: 'RS256', typ: 'JWT', kid: libtrustKeyId(privateKeyPem) });
  const payload = b64url({
    iss: claims.issuer,
    sub: claims.subject,
    aud: claims.audience,
    exp: now + claims.expiresInS,
    nbf: now - 10,
    iat: now,
    jti: randomBytes(8).toString('hex'),
    access: claims.access,
  });
  const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(privateKeyPem).toString('base64url');
  return `${header}.${payload}.${signature}`;
}
