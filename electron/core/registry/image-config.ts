// Reads an image config blob (os/arch, created, env, cmd, labels, history) from untrusted JSON.
import type { HistoryEntry, ImageConfig } from '../../../shared/image.js';
import { StevedoreError } from '../errors.js';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
const optionalString = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

export function parseImageConfig(bytes: Uint8Array): ImageConfig {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new StevedoreError('INVALID_RESPONSE', 'image config is not JSON');
  }
  if (!isObject(json)) throw new StevedoreError('INVALID_RESPONSE', 'image config is not a JSON object');
  const config = isObject(json.config) ? json.config : {};
  const rootfs = isObject(json.rootfs) ? json.rootfs : {};
  const labels: Record<string, string> = {};
  if (isObject(config.Labels)) for (const [k, v] of Object.entries(config.Labels)) if (typeof v === 'string') labels[k] = v;
  const history: HistoryEntry[] = (Array.isArray(json.history) ? json.history : []).filter(isObject).map((h) => ({
    ...(optionalString(h.created) ? { created: h.created as string } : {}),
    ...(optionalString(h.created_by) ? { createdBy: h.created_by as string } : {}),
    ...(optionalString(h.comment) ? { comment: h.comment as string } : {}),
    emptyLayer: h.empty_layer === true,
  }));
  const created = optionalString(json.created);
  const variant = optionalString(json.variant);
  const author = optionalString(json.author);
  const workingDir = optionalString(config.WorkingDir);
  const user = optionalString(config.User);
  return {
    os: optionalString(json.os) ?? 'unknown',
    architecture: optionalString(json.architecture) ?? 'unknown',
    ...(variant ? { variant } : {}),
    ...(created ? { created } : {}),
    ...(author ? { author } : {}),
    env: strings(config.Env),
    cmd: strings(config.Cmd),
    entrypoint: strings(config.Entrypoint),
    ...(workingDir ? { workingDir } : {}),
    ...(user ? { user } : {}),
    exposedPorts: isObject(config.ExposedPorts) ? Object.keys(config.ExposedPorts) : [],
    labels,
    diffIds: strings(rootfs.diff_ids),
    history,
  };
}
