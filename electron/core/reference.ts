// Image references with Docker's rules: [registry[:port]/]repo[:tag][@digest], docker.io and library/ defaults.
import { VERIFIED_DIGESTS, isWellFormedDigest } from '../../shared/digests.js';
import { StevedoreError } from './errors.js';

export const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_API_HOST = 'registry-1.docker.io';

export interface Reference {
  /** Registry as the user names it: `docker.io`, `localhost:5000`, `[::1]:5000`. */
  readonly registry: string;
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const HOST = /^(?:\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*)(?::[0-9]{1,5})?$/;

function invalid(input: string, why: string): StevedoreError {
  return new StevedoreError('INVALID_REFERENCE', `invalid reference "${input}": ${why}`);
}

export function validateDigest(digest: string, input = digest): string {
  if (isWellFormedDigest(digest)) return digest;
  const algorithm = digest.slice(0, Math.max(0, digest.indexOf(':')));
  const length = VERIFIED_DIGESTS[algorithm];
  if (length !== undefined) throw invalid(input, `digest "${digest}" is not ${algorithm} hex of the right length (${length} digits)`);
  throw invalid(input, `unsupported digest algorithm in "${digest}": sha256, sha384 and sha512 are verified; another algorithm needs the form algorithm:encoded, 32 to 256 characters of [a-zA-Z0-9=_-]`);
}

/** A well-formed digest (any algorithm of the OCI grammar); whether it can be verified is digest.ts's question. */
export function isDigest(value: string): boolean {
  return isWellFormedDigest(value);
}

function splitRegistry(name: string): { registry: string; remainder: string } {
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const looksLikeHost = first !== '' && (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase());
  if (!looksLikeHost) return { registry: DOCKER_HUB, remainder: name };
  const registry = first === 'index.docker.io' || first === DOCKER_HUB_API_HOST ? DOCKER_HUB : first;
  return { registry, remainder: name.slice(slash + 1) };
}

/** Parses a full reference; `requireRepository` rejects a bare registry name. */
export function parseReference(input: string): Reference {
  const trimmed = input.trim();
  if (trimmed === '') throw invalid(input, 'it is empty');
  if (/^[a-z]+:\/\//i.test(trimmed)) throw invalid(input, 'leave out the scheme (https://)');

  let rest = trimmed;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = validateDigest(rest.slice(at + 1), input);
    rest = rest.slice(0, at);
  }

  let tag: string | undefined;
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > rest.lastIndexOf('/')) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!TAG.test(tag)) throw invalid(input, `tag "${tag}" may hold only letters, digits, _ . - and at most 128 characters`);
  }

  const { registry, remainder } = splitRegistry(rest);
  if (!HOST.test(registry)) throw invalid(input, `"${registry}" is not a valid registry host`);
  const repository = registry === DOCKER_HUB && !remainder.includes('/') ? `library/${remainder}` : remainder;
  if (repository === '') throw invalid(input, 'it names no repository');
  if (repository.length > 255) throw invalid(input, 'the repository name is longer than 255 characters');
  for (const component of repository.split('/')) {
    if (!COMPONENT.test(component)) {
      throw invalid(input, `"${component}" must be lowercase letters and digits, separated by . _ __ or -`);
    }
  }
  return { registry, repository, ...(tag === undefined ? {} : { tag }), ...(digest === undefined ? {} : { digest }) };
}

/** Parses a registry given alone: `localhost:5000`, `docker.io`, `https://registry.example`. */
export function parseRegistry(input: string): { registry: string; scheme?: 'http' | 'https' } {
  const match = /^(https?):\/\/(.*)$/i.exec(input.trim());
  const scheme = match?.[1]?.toLowerCase() as 'http' | 'https' | undefined;
  const host = (match?.[2] ?? input.trim()).replace(/\/+(v2\/?)?$/, '');
  if (!HOST.test(host)) throw invalid(input, `"${host}" is not a valid registry host`);
  const registry = host === 'index.docker.io' || host === DOCKER_HUB_API_HOST ? DOCKER_HUB : host;
  return scheme === undefined ? { registry } : { registry, scheme };
}

/** The host the v2 API answers on (Docker Hub's API is not at docker.io). */
export function apiHost(registry: string): string {
  return registry === DOCKER_HUB ? DOCKER_HUB_API_HOST : registry;
}

export function formatReference(ref: Reference): string {
  const tag = ref.tag === undefined ? '' : `:${ref.tag}`;
  const digest = ref.digest === undefined ? '' : `@${ref.digest}`;
  return `${ref.registry}/${ref.repository}${tag}${digest}`;
}

/** Tag or digest to ask the registry for; `latest` when neither was given, as Docker does. */
export function manifestReference(ref: Reference): string {
  return ref.digest ?? ref.tag ?? 'latest';
}

export function isLoopbackHost(registry: string): boolean {
  const host = (registry.startsWith('[') ? registry.slice(1, registry.indexOf(']')) : registry.replace(/:\d+$/, '')).toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}
