// The manifests a push writes: Docker schema 2 for docker-archive images, the source's own OCI manifest and index
// bytes where nothing changed, and the same documents with new layer descriptors where layers were compressed.
import { MediaType } from '../../../shared/media-types.js';
import { digestOf } from '../digest.js';

export interface PushedBlob {
  readonly digest: string;
  readonly size: number;
  readonly mediaType: string;
}

export interface BuiltManifest {
  readonly bytes: Buffer;
  readonly mediaType: string;
  readonly digest: string;
}

const built = (value: unknown, mediaType: string): BuiltManifest => {
  const bytes = Buffer.from(JSON.stringify(value));
  return { bytes, mediaType, digest: digestOf(bytes) };
};

const descriptor = (blob: PushedBlob): PushedBlob => ({ mediaType: blob.mediaType, digest: blob.digest, size: blob.size });

/** Docker schema 2, unless a layer is zstd, which only OCI manifests can carry. */
export function manifestForDockerArchive(config: PushedBlob, layers: readonly PushedBlob[]): BuiltManifest {
  const oci = layers.some((l) => l.mediaType === MediaType.ociLayerZstd);
  const mediaType = oci ? MediaType.ociManifest : MediaType.dockerManifest;
  return built(
    {
      schemaVersion: 2,
      mediaType,
      config: { ...descriptor(config), mediaType: oci ? MediaType.ociConfig : MediaType.dockerConfig },
      layers: layers.map(descriptor),
    },
    mediaType,
  );
}

/** The source OCI manifest, byte for byte when its layers went up as they were. */
export function manifestForOci(original: Buffer, mediaType: string, layers: readonly PushedBlob[]): BuiltManifest {
  const json = JSON.parse(original.toString('utf8')) as { layers?: PushedBlob[] };
  const source = json.layers ?? [];
  const same = source.length === layers.length && source.every((l, i) => l.digest === layers[i]?.digest && l.size === layers[i]?.size && l.mediaType === layers[i]?.mediaType);
  if (same) return { bytes: original, mediaType, digest: digestOf(original) };
  return built({ ...json, layers: source.map((l, i) => ({ ...l, ...descriptor(layers[i] as PushedBlob) })) }, mediaType);
}

/** The source index, byte for byte when every platform manifest is unchanged. */
export function indexForOci(original: Buffer, mediaType: string, children: ReadonlyMap<string, BuiltManifest>): BuiltManifest {
  const json = JSON.parse(original.toString('utf8')) as { manifests?: { digest: string; size: number; mediaType: string }[] };
  const source = json.manifests ?? [];
  if (source.every((m) => children.get(m.digest)?.digest === m.digest)) return { bytes: original, mediaType, digest: digestOf(original) };
  return built(
    {
      ...json,
      manifests: source.map((m) => {
        const child = children.get(m.digest);
        return child ? { ...m, digest: child.digest, size: child.bytes.length, mediaType: child.mediaType } : m;
      }),
    },
    mediaType,
  );
}
