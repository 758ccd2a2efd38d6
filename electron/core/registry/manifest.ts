// Parses manifest JSON from the network into typed manifests, refusing anything malformed rather than guessing.
import type { Descriptor, ImageIndex, ImageManifest, Manifest, Platform, Schema1Manifest } from '../../../shared/image.js';
import { MediaType, isIndexMediaType } from '../../../shared/media-types.js';
import { StevedoreError } from '../errors.js';
import { isDigest } from '../reference.js';

type Json = Record<string, unknown>;

/** RFC 6838 `type/subtype`, each a restricted-name: what the OCI image spec requires of a mediaType. */
const MEDIA_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;

function malformed(why: string): StevedoreError {
  return new StevedoreError('INVALID_RESPONSE', `malformed manifest: ${why}`);
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringMap(value: unknown): Readonly<Record<string, string>> | undefined {
  if (!isObject(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}

export function parsePlatform(value: unknown): Platform | undefined {
  if (!isObject(value) || typeof value.os !== 'string' || typeof value.architecture !== 'string') return undefined;
  return {
    os: value.os,
    architecture: value.architecture,
    ...(typeof value.variant === 'string' && value.variant !== '' ? { variant: value.variant } : {}),
    ...(typeof value['os.version'] === 'string' ? { osVersion: value['os.version'] } : {}),
  };
}

export function parseDescriptor(value: unknown, where: string): Descriptor {
  if (!isObject(value)) throw malformed(`${where} is not an object`);
  const { mediaType, digest, size } = value;
  if (typeof mediaType !== 'string') throw malformed(`${where} has no mediaType`);
  if (typeof digest !== 'string' || !isDigest(digest)) throw malformed(`${where} has an invalid digest`);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw malformed(`${where} has an invalid size`);
  const platform = parsePlatform(value.platform);
  const annotations = stringMap(value.annotations);
  return {
    mediaType,
    digest,
    size,
    ...(platform ? { platform } : {}),
    ...(typeof value.artifactType === 'string' ? { artifactType: value.artifactType } : {}),
    ...(annotations ? { annotations } : {}),
  };
}

function descriptors(value: unknown, where: string): Descriptor[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw malformed(`${where} is not a list`);
  return value.map((item, i) => parseDescriptor(item, `${where}[${i}]`));
}

/** `contentType` is the response's Content-Type; the document's own mediaType wins when present. */
export function parseManifest(bytes: Uint8Array, contentType?: string): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw malformed('not JSON');
  }
  if (!isObject(json)) throw malformed('not a JSON object');
  if (json.schemaVersion === 1) return parseSchema1(json, contentType);
  if (json.schemaVersion !== 2) throw malformed(`unsupported schemaVersion ${String(json.schemaVersion)}`);

  const declared = typeof json.mediaType === 'string' ? json.mediaType : undefined;
  // The media type becomes the Content-Type of the PUT that copies or pushes these bytes: it must be one (RFC 6838),
  // not a line break or anything else a header cannot carry.
  if (declared !== undefined && !MEDIA_TYPE.test(declared)) throw malformed(`mediaType "${declared.slice(0, 80)}" is not a media type`);
  const given = contentType?.split(';')[0]?.trim();
  const header = given !== undefined && MEDIA_TYPE.test(given) ? given : undefined;
  const mediaType = declared ?? (header && header !== 'application/json' ? header : undefined) ?? (Array.isArray(json.manifests) ? MediaType.ociIndex : MediaType.ociManifest);
  const subject = json.subject === undefined ? undefined : parseDescriptor(json.subject, 'subject');
  const annotations = stringMap(json.annotations);
  const common = { ...(subject ? { subject } : {}), ...(annotations ? { annotations } : {}) };

  if (isIndexMediaType(mediaType) || (declared === undefined && Array.isArray(json.manifests))) {
    const index: ImageIndex = { kind: 'index', mediaType, manifests: descriptors(json.manifests, 'manifests'), ...common };
    return index;
  }
  const manifest: ImageManifest = {
    kind: 'manifest',
    mediaType,
    config: parseDescriptor(json.config, 'config'),
    layers: descriptors(json.layers, 'layers'),
    ...(typeof json.artifactType === 'string' ? { artifactType: json.artifactType } : {}),
    ...common,
  };
  return manifest;
}

function parseSchema1(json: Json, contentType?: string): Schema1Manifest {
  const fsLayers = Array.isArray(json.fsLayers) ? json.fsLayers : [];
  const layerDigests = fsLayers.map((layer, i) => {
    const blobSum = isObject(layer) ? layer.blobSum : undefined;
    if (typeof blobSum !== 'string' || !isDigest(blobSum)) throw malformed(`fsLayers[${i}] has an invalid blobSum`);
    return blobSum;
  });
  const history = (Array.isArray(json.history) ? json.history : []).map((h) => (isObject(h) && typeof h.v1Compatibility === 'string' ? h.v1Compatibility : ''));
  const signed = Array.isArray(json.signatures) || contentType?.includes('prettyjws') === true;
  return {
    kind: 'schema1',
    mediaType: signed ? MediaType.dockerSchema1Signed : MediaType.dockerSchema1,
    architecture: typeof json.architecture === 'string' ? json.architecture : 'unknown',
    // Schema 1 lists layers newest first.
    layerDigests: [...layerDigests].reverse(),
    history: [...history].reverse(),
  };
}
