// Whether a compressed blob the registry holds really decompresses to a DiffID. The layer cache says which blob holds
// an uncompressed layer, but a file on disk can be edited or copied: a registry HEAD only proves the blob exists, not
// that it is this layer. So a cache entry is used only once the registry's own bytes, read back and decompressed,
// hash to the DiffID. Reading back costs a download; it saves the compression and the upload.
import { isAbortError } from '../errors.js';
import type { RegistryClient } from '../registry/client.js';
import { hashLike, uncompressedHasher } from './layer-digest.js';
import type { PushedBlob } from './manifests.js';

/** True only when `repository`'s blob hashes to its digest and size and decompresses (gzip) to `diffId`. */
export async function registryBlobDecompressesTo(client: RegistryClient, repository: string, blob: Pick<PushedBlob, 'digest' | 'size'>, diffId: string, signal?: AbortSignal): Promise<boolean> {
  const hasher = uncompressedHasher('gzip', `${client.registry}/${repository}@${blob.digest}`, hashLike(diffId).algorithm);
  try {
    // openBlob's stream fails unless the bytes hash to the digest and add up to the size.
    const { stream } = await client.openBlob(repository, blob.digest, { expectedSize: blob.size, ...(signal ? { signal } : {}) });
    for await (const chunk of stream) await hasher.update(chunk as Buffer);
    return (await hasher.digest()) === diffId;
  } catch (error) {
    // Whatever stops the proof (a missing blob, a broken one, a dropped connection) only means: do not rely on it.
    if (isAbortError(error) || signal?.aborted) throw error;
    return false;
  } finally {
    hasher.close();
  }
}
