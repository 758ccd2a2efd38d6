// Credentials from ~/.docker/config.json ($DOCKER_CONFIG): credHelpers, then credsStore, then inline auths.
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { StevedoreError } from '../errors.js';
import { readJsonFile } from '../json-file.js';
import { DOCKER_HUB } from '../reference.js';
import { runCredentialHelper } from './credential-helper.js';
import type { Credential, CredentialProvider } from './credentials.js';

const DOCKER_HUB_CONFIG_KEY = 'https://index.docker.io/v1/';
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

export interface DockerConfig {
  readonly path: string;
  readonly auths: Readonly<Record<string, DockerAuthEntry>>;
  readonly credsStore?: string;
  readonly credHelpers: Readonly<Record<string, string>>;
}

export interface DockerAuthEntry {
  readonly auth?: string;
  readonly username?: string;
  readonly password?: string;
  readonly identitytoken?: string;
  readonly registrytoken?: string;
}

export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.DOCKER_CONFIG ?? join(homedir(), '.docker'), 'config.json');
}

/**
 * Bounds on what is read of a docker config before it is believed. Docker and containers/image read it whole, with no
 * limit; here a hostile one must not cost more than a moment (it is read before a registry's credentials are first
 * used, and again whenever it changes).
 * A config holds a few KiB: one small object per registry in `auths` (an inline ECR token, the largest, is about
 * 3 KB), a string per registry in `credHelpers`, a few settings. 4 MiB is over a thousand such registries; the
 * structure's bounds are as far above what that many need.
 */
const CONFIG_BOUNDS = { maxBytes: 4 * 1024 * 1024, maxContainers: 20_000, maxCommas: 200_000, maxDepth: 64 } as const;

/** The fields of an `auths` entry read here: strings (or null, which docker reads as absent), as docker's AuthConfig has them. */
const AUTH_FIELDS = ['auth', 'username', 'password', 'identitytoken', 'registrytoken'] as const;

/** Reads the config; a missing file is an empty config, an unreadable, oversized or malformed one a CONFIG (or TOO_LARGE, NOT_A_FILE) error naming the file. */
export async function readDockerConfig(path: string = dockerConfigPath()): Promise<DockerConfig> {
  try {
    // Only a regular file of a config's size: a FIFO put in its place would hold the command forever.
    // An empty file (or `null`) is an empty config, as docker's decoder reads it (io.EOF is no error there).
    return { path, ...(await readJsonFile(path, 'docker config', { ...CONFIG_BOUNDS, check: configShape, remedy: '; fix or remove it', empty: { auths: {}, credHelpers: {} } })) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { path, auths: {}, credHelpers: {} };
    throw error;
  }
}

/**
 * A field as docker's JSON decoder (Go's encoding/json) finds it: its name in any case ("Auth", "Username" are read
 * as "auth", "username"), the last such key in the object winning, as the decoder assigns each key in turn.
 */
function goField(record: Record<string, unknown>, name: string): unknown {
  let value: unknown;
  for (const [key, given] of Object.entries(record)) if (key.toLowerCase() === name) value = given;
  return value;
}

/** The parts of a config read here, with the types docker gives them (where docker would refuse the file, so does this). */
function configShape(raw: unknown): Omit<DockerConfig, 'path'> {
  if (raw === null) return { auths: {}, credHelpers: {} };
  if (!isRecord(raw)) throw new Error('it does not hold a JSON object');
  const given = goField(raw, 'auths') ?? {};
  if (!isRecord(given)) throw new Error('"auths" is not an object');
  // No prototype: a registry keyed "__proto__" is an entry like any other.
  const auths = Object.create(null) as Record<string, DockerAuthEntry>;
  for (const [key, entry] of Object.entries(given)) {
    const named = `"auths" entry ${JSON.stringify(key.slice(0, 200))}`;
    // null is an empty entry, as docker reads it.
    if (entry !== null && !isRecord(entry)) throw new Error(`${named} is not an object`);
    const kept: Record<string, string> = {};
    for (const field of AUTH_FIELDS) {
      const value = entry === null ? undefined : goField(entry, field);
      if (typeof value === 'string') kept[field] = value;
      else if (value !== undefined && value !== null) throw new Error(`"${field}" of ${named} is not a string`);
    }
    auths[key] = kept;
  }
  const credsStore = goField(raw, 'credsstore');
  const credHelpers = goField(raw, 'credhelpers');
  return {
    auths,
    ...(typeof credsStore === 'string' && credsStore !== '' ? { credsStore } : {}),
    credHelpers: isRecord(credHelpers) ? stringValues(credHelpers) : {},
  };
}

/** The hostname docker keys its config by: scheme and path removed. */
export function configKeyHost(key: string): string {
  const host = key.replace(/^https?:\/\//i, '').split('/')[0] ?? '';
  return DOCKER_HUB_ALIASES.has(host) ? DOCKER_HUB : host;
}

/** The server URL docker hands a credential helper for a registry. */
export function helperServerUrl(registry: string): string {
  return registry === DOCKER_HUB ? DOCKER_HUB_CONFIG_KEY : registry;
}

export function decodeAuthEntry(entry: DockerAuthEntry, where: string): Credential | undefined {
  if (entry.registrytoken) return { kind: 'registry-token', token: entry.registrytoken };
  let username = entry.username;
  let password = entry.password;
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new StevedoreError('CONFIG', `the auth entry for ${where} is not base64 of user:password`);
    username = decoded.slice(0, colon);
    password = decoded.slice(colon + 1);
  }
  if (entry.identitytoken) return { kind: 'identity-token', token: entry.identitytoken, ...(username ? { username } : {}) };
  if (username !== undefined && password !== undefined && (username !== '' || password !== '')) {
    return { kind: 'basic', username, password };
  }
  return undefined;
}

export interface DockerConfigProviderOptions {
  readonly path?: string;
  /** Where to look for docker-credential-* (defaults to PATH). */
  readonly env?: NodeJS.ProcessEnv;
}

export function dockerConfigCredentials(options: DockerConfigProviderOptions = {}): CredentialProvider {
  const path = options.path ?? dockerConfigPath(options.env);
  return {
    async get(registry, signal) {
      const config = await readDockerConfig(path);
      const helper = findByHost(config.credHelpers, registry) ?? config.credsStore;
      if (helper !== undefined) {
        const fromHelper = await runCredentialHelper(helper, helperServerUrl(registry), { signal, env: options.env });
        if (fromHelper) return fromHelper;
      }
      const entry = findByHost(config.auths, registry);
      return entry === undefined ? undefined : decodeAuthEntry(entry, `${registry} in ${path}`);
    },
    // `docker login` rewrites the file: its mtime (and size) tell that credentials may have changed.
    stamp() {
      try {
        const info = statSync(path, { bigint: true });
        return `${info.mtimeNs}:${info.size}`;
      } catch {
        return 'absent';
      }
    },
  };
}

function findByHost<T>(map: Readonly<Record<string, T>>, registry: string): T | undefined {
  if (registry === DOCKER_HUB && map[DOCKER_HUB_CONFIG_KEY] !== undefined) return map[DOCKER_HUB_CONFIG_KEY];
  for (const [key, value] of Object.entries(map)) {
    if (configKeyHost(key) === registry) return value;
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringValues(record: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(record)) if (typeof value === 'string') out[key] = value;
  return out;
}
