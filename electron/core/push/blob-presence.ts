// Whether a repository holds a blob we are about to name in a manifest: HEAD must answer 200 with the same size, and
// with the same digest when it says one (Docker-Content-Digest). Anything else means "do not rely on it".
import { repositoryScope } from '../auth/authenticator.js';
import { isStevedoreError } from '../errors.js';
import { header, type HttpResponse } from '../http/transport.js';
import type { RegistryClient } from '../registry/client.js';
import { responseError } from '../registry/response-error.js';
import type { PushedBlob } from './manifests.js';

export type Presence = 'agrees' | 'absent' | 'disagrees';

export async function blobPresence(client: RegistryClient, repository: string, blob: Pick<PushedBlob, 'digest' | 'size'>, signal?: AbortSignal, push = false): Promise<Presence> {
  let response: HttpResponse;
  try {
    response = await client.send({ method: 'HEAD', path: `/v2/${repository}/blobs/${blob.digest}`, scopes: [repositoryScope(repository, push)], signal });
  } catch (error) {
    // A repository we may not read (a stale mount source) holds nothing we can use.
    if (!push && (isStevedoreError(error, 'DENIED') || isStevedoreError(error, 'AUTH_FAILED') || isStevedoreError(error, 'AUTH_REQUIRED'))) return 'absent';
    throw error;
  }
  await response.body.dump().catch(() => undefined);
  if (response.status === 404) return 'absent';
  if (response.status !== 200) {
    if (!push && (response.status === 401 || response.status === 403)) return 'absent';
    throw await responseError(response, 'HEAD', `blob ${client.registry}/${repository}@${blob.digest}`);
  }
  const digest = header(response, 'docker-content-digest');
  const length = header(response, 'content-length');
  const size = length !== undefined && /^\d+$/.test(length.trim()) ? Number(length) : undefined;
  return size === blob.size && (digest === undefined || digest === blob.digest) ? 'agrees' : 'disagrees';
}
