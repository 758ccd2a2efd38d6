// Reading response bodies with a size cap: a registry (or something pretending to be one) cannot make us buffer GBs.
import { StevedoreError } from '../errors.js';
import type { ErrorDetails } from '../../../shared/errors.js';
import { header, type HttpResponse } from './transport.js';

export async function readLimited(response: HttpResponse, limit: number, where: ErrorDetails): Promise<Buffer> {
  const declared = Number(header(response, 'content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    response.body.destroy();
    throw tooLarge(limit, where, declared);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response.body) {
    const buffer = chunk as Buffer;
    total += buffer.length;
    if (total > limit) {
      response.body.destroy();
      throw tooLarge(limit, where);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, total);
}

export async function readJson(response: HttpResponse, limit: number, where: ErrorDetails): Promise<unknown> {
  const bytes = await readLimited(response, limit, where);
  return parseJson(bytes, where);
}

export function parseJson(bytes: Buffer, where: ErrorDetails): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new StevedoreError('INVALID_RESPONSE', `expected JSON from ${where.url ?? 'the registry'}, got something else`, where);
  }
}

function tooLarge(limit: number, where: ErrorDetails, declared?: number): StevedoreError {
  const size = declared === undefined ? 'more than' : `${declared} bytes, over`;
  return new StevedoreError('TOO_LARGE', `response from ${where.url ?? 'the registry'} is ${size} the ${limit}-byte limit`, where);
}
