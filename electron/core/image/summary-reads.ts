// What one image summary may read from a registry: each child manifest and config once, and a stated amount in all.
// A registry decides what an index names: without a bound, one lying index (a child named thousands of times, each
// with an 8 MB config) makes a single click read gigabytes and exhausts the host's memory.
import type { Descriptor, ImageConfig } from '../../../shared/image.js';
import { formatBytes } from '../../../shared/format.js';
import { StevedoreError } from '../errors.js';
import type { RegistryClient } from '../registry/client.js';
import { parseImageConfig } from '../registry/image-config.js';

/**
 * Manifests of one index. Real multi-platform images list a few dozen (platforms plus their attestations); a
 * thousand leaves ample room.
 */
export const MAX_INDEX_MANIFESTS = 1_000;

/**
 * Bytes of child manifests and configs read for one summary. A config is a few kB (a long history: a few hundred),
 * so real images need well under 1 MiB; 64 MiB bounds what the summary, and the answer built from it, can hold.
 */
export const MAX_SUMMARY_BYTES = 64 * 1024 * 1024;

/** The distinct children of an index, in order: a digest named twice is one image, read once. */
export function distinctChildren(what: string, manifests: readonly Descriptor[]): Descriptor[] {
  const seen = new Map<string, Descriptor>();
  for (const descriptor of manifests) if (!seen.has(descriptor.digest)) seen.set(descriptor.digest, descriptor);
  if (seen.size > MAX_INDEX_MANIFESTS) {
    throw new StevedoreError('TOO_LARGE', `${what}: the index lists ${seen.size.toLocaleString('en-US')} manifests; Stevedore reads at most ${MAX_INDEX_MANIFESTS.toLocaleString('en-US')} for one image`);
  }
  return [...seen.values()];
}

export class SummaryReads {
  readonly #what: string;
  #left = MAX_SUMMARY_BYTES;
  readonly #configs = new Map<string, Promise<ImageConfig>>();

  /** `what` names the image for the error, e.g. "localhost:5000/app:1". */
  constructor(what: string) {
    this.#what = what;
  }

  /** Counts bytes read (a child manifest, a config) against the summary's budget. */
  count(bytes: number): void {
    this.#left -= bytes;
    if (this.#left < 0) {
      throw new StevedoreError('TOO_LARGE', `${this.#what}: its manifests and configs add up to more than ${formatBytes(MAX_SUMMARY_BYTES)}; Stevedore reads at most that for one image`);
    }
  }

  /** A config, read and parsed once however many platforms share it. */
  config(client: RegistryClient, repository: string, digest: string, signal?: AbortSignal): Promise<ImageConfig> {
    let pending = this.#configs.get(digest);
    if (!pending) {
      pending = client.getBlobBytes(repository, digest, signal).then((bytes) => {
        this.count(bytes.length);
        return parseImageConfig(bytes);
      });
      this.#configs.set(digest, pending);
    }
    return pending;
  }
}
