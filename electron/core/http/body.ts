// Reading response bodies with a size cap and a deadline: a registry (or something pretending to be one) cannot make
// us buffer GBs, or wait forever for an answer that trickles in a byte at a time.
import { StevedoreError } from '../errors.js';
import { redactUrl } from '../redact.js';
import type { ErrorDetails } from '../../../shared/errors.js';
import { toNetworkError } from './network-errors.js';
import { TIMEOUT_ENV } from './timeouts.js';
import { header, type HttpResponse } from './transport.js';

/** Ends the body with TIMEOUT once its read deadline passes; returns the function that disarms it. */
export function armReadDeadline(response: HttpResponse, where: ErrorDetails): () => void {
  const ms = response.readDeadlineMs;
  if (ms === undefined) return () => undefined;
  const timer = setTimeout(() => {
    const url = redactUrl(where.url ?? response.url);
    response.body.destroy(new StevedoreError('TIMEOUT', `the answer from ${url} took longer than ${ms / 1000} s to arrive (limit: ${TIMEOUT_ENV}, in seconds)`, where));
  }, ms);
  return () => clearTimeout(timer);
}

export async function readLimited(response: HttpResponse, limit: number, where: ErrorDetails): Promise<Buffer> {
  const declared = strictLength(header(response, 'content-length'));
  if (declared !== undefined && declared > limit) {
    response.body.destroy();
    throw tooLarge(limit, where, declared);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  const disarm = armReadDeadline(response, where);
  try {
    for await (const chunk of response.body) {
      const buffer = chunk as Buffer;
      total += buffer.length;
      if (total > limit) {
        response.body.destroy();
        throw tooLarge(limit, where);
      }
      chunks.push(buffer);
    }
  } catch (error) {
    throw toNetworkError(error, where.method ?? 'GET', where.url ?? response.url);
  } finally {
    disarm();
  }
  return Buffer.concat(chunks, total);
}

/** A Content-Length as a number: digits only (no sign, no exponent, no blank); undefined when absent or not that. */
export function strictLength(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,15}$/.test(value.trim())) return undefined;
  return Number(value.trim());
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
