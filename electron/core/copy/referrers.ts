// What refers to an image (signatures, SBOMs, attestations), found through the referrers API or the
// `sha256-<hex>` tag schema, and made findable at the destination the same two ways.
import type { Descriptor } from '../../../shared/image.js';
import { MediaType } from '../../../shared/media-types.js';
import { repositoryScope } from '../auth/authenticator.js';
import { digestOf } from '../digest.js';
import { StevedoreError, isStevedoreError } from '../errors.js';
import type { FetchedManifest, RegistryClient } from '../registry/client.js';
import type { UploadSessions } from '../registry/upload-session.js';
import { ManifestBudget, graphOf, type ImageGraph } from './image-graph.js';

/** Referrers of one subject beyond this are refused rather than copied. */
export const MAX_REFERRERS = 256;

export interface SourceReferrers {
  readonly subject: string;
  readonly descriptors: readonly Descriptor[];
  readonly graphs: readonly ImageGraph[];
  /** The source's tag-schema index, kept to copy byte for byte. */
  readonly tagIndex?: FetchedManifest;
}

export function referrersTag(subject: string): string {
  return subject.replace(':', '-');
}

export async function collectReferrers(client: RegistryClient, repository: string, subject: string, signal?: AbortSignal): Promise<SourceReferrers> {
  const descriptors = await client.referrers(repository, subject, signal ? { signal } : {});
  if (descriptors.length > MAX_REFERRERS) throw new StevedoreError('TOO_LARGE', `${subject} has ${descriptors.length} referrers, more than the ${MAX_REFERRERS} copied`);
  const graphs: ImageGraph[] = [];
  // One budget for all of them: 256 referrers may not hold 256 graphs' worth of manifest bytes.
  const budget = new ManifestBudget();
  for (const descriptor of descriptors) {
    const fetched = await client.getManifest(repository, descriptor.digest, signal);
    graphs.push(await graphOf(client, repository, fetched, `referrer ${descriptor.digest}`, signal, budget));
  }
  const tagIndex = await optionalManifest(client, repository, referrersTag(subject), signal);
  return { subject, descriptors, graphs, ...(tagIndex ? { tagIndex } : {}) };
}

async function optionalManifest(client: RegistryClient, repository: string, reference: string, signal?: AbortSignal): Promise<FetchedManifest | undefined> {
  try {
    return await client.getManifest(repository, reference, signal);
  } catch (error) {
    if (isStevedoreError(error, 'NOT_FOUND')) return undefined;
    throw error;
  }
}

/** Whether the registry answers the referrers API (then it indexes `subject` itself and needs no tag). */
async function hasReferrersApi(client: RegistryClient, repository: string, subject: string, signal?: AbortSignal): Promise<boolean> {
  const response = await client.send({ method: 'GET', path: `/v2/${repository}/referrers/${subject}`, scopes: [repositoryScope(repository)], headers: { accept: MediaType.ociIndex }, ...(signal ? { signal } : {}) });
  await response.body.dump().catch(() => undefined);
  return response.status === 200;
}

/**
 * After the referrer manifests are in: where the destination has no referrers API, its tag-schema index must list
 * them. The source's own index bytes when they list everything the destination needs; otherwise a merged one.
 */
export async function writeReferrersTag(target: RegistryClient, sessions: UploadSessions, repository: string, found: SourceReferrers, signal?: AbortSignal): Promise<void> {
  if (found.descriptors.length === 0 || (await hasReferrersApi(target, repository, found.subject, signal))) return;
  const tag = referrersTag(found.subject);
  const existing = await optionalManifest(target, repository, tag, signal);
  const held = existing?.manifest.kind === 'index' ? existing.manifest.manifests : [];
  const wanted = [...held, ...found.descriptors.filter((d) => !held.some((h) => h.digest === d.digest))];
  const source = found.tagIndex?.manifest.kind === 'index' ? found.tagIndex : undefined;
  const sourceCovers = source !== undefined && source.manifest.kind === 'index' && wanted.every((d) => source.manifest.kind === 'index' && source.manifest.manifests.some((s) => s.digest === d.digest));
  if (existing && wanted.length === held.length) return;
  const bytes = sourceCovers ? source.bytes : Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: wanted }));
  const stored = await sessions.putManifest(tag, bytes, sourceCovers ? source.mediaType : MediaType.ociIndex, signal);
  if (stored && stored !== digestOf(bytes)) throw new StevedoreError('DIGEST_MISMATCH', `the registry stored the referrers index as ${stored}, we sent ${digestOf(bytes)}`);
}
