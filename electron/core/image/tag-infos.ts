// Tag summaries for tag lists, many at once: what a row shows (digest, size, created, platforms), never configs or
// raw manifests. A tag seen before is asked with a HEAD: if it still points at the same digest, the summary held for
// that digest answers (content by digest never changes); if it moved, or was never seen, it is read in full.
import type { ErrorInfo } from '../../../shared/errors.js';
import type { ImageSummary, TagInfo, TagRow } from '../../../shared/image.js';
import { mapLimit } from '../concurrency.js';
import { StevedoreError, toErrorInfo } from '../errors.js';
import type { RegistryClient } from '../registry/client.js';
import { imageSummary } from './summary.js';

export interface TagInfoOptions {
  readonly signal?: AbortSignal;
  readonly concurrency?: number;
}

/** Errors that are about the registry, not the tag: they fail the whole batch instead of every row. */
const FATAL = new Set(['AUTH_REQUIRED', 'AUTH_FAILED', 'NETWORK', 'TLS', 'CANCELLED', 'TIMEOUT']);
const DEFAULT_LIMIT = 300_000;

export function tagInfo(summary: ImageSummary): TagInfo {
  return {
    digest: summary.digest,
    mediaType: summary.mediaType,
    kind: summary.kind,
    totalSize: summary.totalSize,
    ...(summary.created ? { created: summary.created } : {}),
    platforms: summary.platforms.filter((p) => !p.isAttestation).map((p) => ({ platform: p.platform, digest: p.digest, size: p.size, ...(p.created ? { created: p.created } : {}) })),
  };
}

/** Remembers summaries by digest and the digest each tag last had, both bounded (oldest forgotten first). */
export class TagInfoCache {
  readonly #byDigest = new Map<string, TagInfo>();
  readonly #tagDigest = new Map<string, string>();
  readonly #limit: number;

  constructor(limit = DEFAULT_LIMIT) {
    this.#limit = limit;
  }

  async rows(client: RegistryClient, repository: string, tags: readonly string[], options: TagInfoOptions = {}): Promise<TagRow[]> {
    return mapLimit(
      tags,
      options.concurrency ?? 8,
      async (tag): Promise<TagRow> => {
        try {
          return { tag, info: await this.#info(client, repository, tag, options.signal) };
        } catch (error) {
          options.signal?.throwIfAborted();
          const info: ErrorInfo = toErrorInfo(error);
          if (error instanceof StevedoreError && FATAL.has(error.code)) throw error;
          return { tag, error: info };
        }
      },
      options.signal,
    );
  }

  async #info(client: RegistryClient, repository: string, tag: string, signal: AbortSignal | undefined): Promise<TagInfo> {
    const tagKey = `${client.registry}/${repository}:${tag}`;
    const known = this.#tagDigest.get(tagKey);
    if (known !== undefined) {
      const { digest } = await client.headManifest(repository, tag, signal);
      const held = this.#byDigest.get(`${client.registry}@${digest}`);
      if (held) return held;
      return this.#remember(tagKey, await imageSummary(client, { registry: client.registry, repository, digest }, { concurrency: 2, ...(signal ? { signal } : {}) }));
    }
    return this.#remember(tagKey, await imageSummary(client, { registry: client.registry, repository, tag }, { concurrency: 2, ...(signal ? { signal } : {}) }));
  }

  #remember(tagKey: string, summary: ImageSummary): TagInfo {
    const info = tagInfo(summary);
    setBounded(this.#byDigest, `${summary.registry}@${summary.digest}`, info, this.#limit);
    setBounded(this.#tagDigest, tagKey, summary.digest, this.#limit);
    return info;
  }
}

function setBounded<V>(map: Map<string, V>, key: string, value: V, limit: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > limit) map.delete(map.keys().next().value as string);
}
