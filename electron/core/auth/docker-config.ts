// Credentials from ~/.docker/config.json ($DOCKER_CONFIG): credHelpers, then credsStore, then inline auths.
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { StevedoreError } from '../errors.js';
import { readRegularFile } from '../regular-file.js';
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

/** Far larger than any docker config (a few KiB): a bigger file is refused, not read into memory. */
const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

/** Reads the config; a missing file is an empty config, a malformed one a CONFIG error naming the file. */
export async function readDockerConfig(path: string = dockerConfigPath()): Promise<DockerConfig> {
  let text: string;
  try {
    // Only a regular file of a config's size: a FIFO put in its place would hold the command forever.
    text = await readRegularFile(path, 'docker config', MAX_CONFIG_BYTES);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { path, auths: {}, credHelpers: {} };
    if (error instanceof StevedoreError) throw error;
    throw new StevedoreError('CONFIG', `cannot read ${path}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new StevedoreError('CONFIG', `${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null) throw new StevedoreError('CONFIG', `${path} does not hold a JSON object`);
  const obj = raw as Record<string, unknown>;
  return {
    path,
    auths: isRecord(obj.auths) ? (obj.auths as Record<string, DockerAuthEntry>) : {},
    ...(typeof obj.credsStore === 'string' && obj.credsStore !== '' ? { credsStore: obj.credsStore } : {}),
    credHelpers: isRecord(obj.credHelpers) ? stringValues(obj.credHelpers) : {},
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
