// registries:* handlers: profiles with their secrets kept host-side, and a connection test that says what is wrong.
import { registryHost, sameRegistry, type RegistryProfile, type RegistryTestResult, type RegistryView } from '../../shared/registry-profile.js';
import type { RegistryClient } from '../core/registry/client.js';
import { toErrorInfo, StevedoreError } from '../core/errors.js';
import { parseRegistry } from '../core/reference.js';
import { formatPlatform, hostPlatform } from '../core/copy/platform.js';
import type { Handlers, HostContext } from './host-context.js';
import { linkSignals } from '../core/linked-signal.js';
import { noStoreMessage, requireSecretStore } from './secret-store.js';

/** Scheme (as written) and host:port: a stored secret is for this origin only. */
function originOf(url: string): string {
  try {
    const { registry, scheme } = parseRegistry(url);
    return `${scheme ?? ''}://${registry.toLowerCase()}`;
  } catch {
    return url.trim().toLowerCase();
  }
}

type RegistryHandlers = Pick<Handlers, 'registries:list' | 'registries:save' | 'registries:remove' | 'registries:test' | 'registries:check' | 'app:info' | 'tags:list'>;

const TEST_TIMEOUT_MS = 20_000;

async function testClient(client: RegistryClient, signal: AbortSignal): Promise<RegistryTestResult> {
  const linked = linkSignals([signal, AbortSignal.timeout(TEST_TIMEOUT_MS)]);
  try {
    const ping = await client.ping(linked.signal);
    return { ok: true, auth: ping.auth, usedCredentials: ping.usedCredentials, ...(ping.rateLimit ? { rateLimit: ping.rateLimit } : {}) };
  } catch (error) {
    const info = toErrorInfo(error);
    return { ok: false, code: info.code, message: info.message };
  } finally {
    linked.done();
  }
}

export function registryHandlers(context: HostContext): RegistryHandlers {
  const { profiles, secrets } = context.deps;
  const view = (profile: RegistryProfile): RegistryView => ({ ...profile, hasSecret: secrets.has(profile.id) });
  return {
    'registries:list': async () => (await profiles.list()).map(view),
    'registries:save': async ({ profile, secret }) => {
      parseRegistry(profile.url);
      if (profile.credentialSource === 'stored' && !profile.username) throw new StevedoreError('INVALID_ARGUMENT', 'a stored credential needs a user name');
      const known = await profiles.list();
      const before = profile.id === undefined ? undefined : known.find((p) => p.id === profile.id);
      // One entry per registry: a second profile for the same host would split its bookmarks and credentials. (An
      // entry that keeps its host saves as before, even beside a duplicate an older version let in.) Checked again by
      // the save against the list it changes: two saves of one new registry at once would both pass this first look.
      const refuseDuplicate = (list: readonly RegistryProfile[]): void => {
        const kept = profile.id === undefined ? undefined : list.find((p) => p.id === profile.id);
        const existing = kept && registryHost(kept.url) === registryHost(profile.url) ? undefined : sameRegistry(list, profile.url, profile.id);
        if (existing) throw new StevedoreError('ALREADY_EXISTS', `${registryHost(profile.url)} is already in your registries as "${existing.name}"; edit that entry instead`);
      };
      refuseDuplicate(known);
      // Credentials belong to one origin: a profile moved to another registry does not take its stored secret along
      // (the page never sees the secret, so it could otherwise send it anywhere by editing the address).
      if (before && secret === undefined && profile.credentialSource === 'stored' && secrets.has(before.id) && originOf(before.url) !== originOf(profile.url)) {
        throw new StevedoreError('INVALID_ARGUMENT', `enter the password again: the stored one is for ${before.url} only, not ${profile.url}`);
      }
      // Refuse before saving anything: a profile that points at a secret we cannot keep would be a broken profile.
      if (secret !== undefined && profile.credentialSource === 'stored') requireSecretStore(secrets);
      const saved = await profiles.save(
        {
          ...profile,
          ...(profile.username ? { username: profile.username } : {}),
          ...(profile.caFile ? { caFile: profile.caFile } : {}),
        },
        refuseDuplicate,
      );
      if (secret !== undefined && profile.credentialSource === 'stored') secrets.set(saved.id, secret);
      if (profile.credentialSource !== 'stored') secrets.delete(saved.id);
      await context.clients.forget(saved.id);
      return view(saved);
    },
    'registries:remove': async ({ id }) => {
      secrets.delete(id);
      // Gone from the list first: a catalog page that arrives from now on is not recorded (see catalog:list).
      const removed = await profiles.remove(id);
      await context.catalogs.forget(id);
      await context.clients.forget(id);
      return { removed };
    },
    'registries:test': async ({ id }, signal) => {
      try {
        return await testClient(await context.clients.for(await profiles.get(id)), signal);
      } catch (error) {
        const info = toErrorInfo(error);
        return { ok: false, code: info.code, message: info.message };
      }
    },
    'registries:check': async ({ profile, secret }, signal) => {
      let client: RegistryClient | undefined;
      try {
        parseRegistry(profile.url);
        const candidate: RegistryProfile = { ...profile, id: profile.id ?? 'unsaved', ...(profile.username ? { username: profile.username } : {}), ...(profile.caFile ? { caFile: profile.caFile } : {}) };
        if (candidate.credentialSource === 'stored') requireSecretStore(secrets);
        client = await context.clients.build(candidate, candidate.credentialSource === 'stored' ? secret : undefined);
        return await testClient(client, signal);
      } catch (error) {
        const info = toErrorInfo(error);
        return { ok: false, code: info.code, message: info.message };
      } finally {
        await client?.close();
      }
    },
    'app:info': async () => ({ ...(secrets.available ? { secureStore: true } : { secureStore: false, secureStoreReason: noStoreMessage(secrets) }), platform: formatPlatform(hostPlatform()) }),
    'tags:list': async ({ registryId, repository, cursor }, signal) => {
      const client = await context.clients.for(await profiles.get(registryId));
      const page = await client.tagsPage(repository, { signal, ...(cursor ? { cursor } : {}) });
      return { items: page.items, ...(page.next ? { next: page.next } : {}) };
    },
  };
}
