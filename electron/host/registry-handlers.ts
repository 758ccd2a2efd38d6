// registries:* handlers: profiles with their secrets kept host-side, and a connection test that says what is wrong.
import type { RegistryView } from '../../shared/registry-profile.js';
import type { RegistryProfile } from '../../shared/registry-profile.js';
import { toErrorInfo, StevedoreError } from '../core/errors.js';
import { parseRegistry } from '../core/reference.js';
import type { Handlers, HostContext } from './contract-host.js';
import { requireSecretStore } from './secret-store.js';

/** Scheme (as written) and host:port: a stored secret is for this origin only. */
function originOf(url: string): string {
  try {
    const { registry, scheme } = parseRegistry(url);
    return `${scheme ?? ''}://${registry.toLowerCase()}`;
  } catch {
    return url.trim().toLowerCase();
  }
}

type RegistryHandlers = Pick<Handlers, 'registries:list' | 'registries:save' | 'registries:remove' | 'registries:test' | 'tags:list'>;

export function registryHandlers(context: HostContext): RegistryHandlers {
  const { profiles, secrets } = context.deps;
  const view = (profile: RegistryProfile): RegistryView => ({ ...profile, hasSecret: secrets.has(profile.id) });
  return {
    'registries:list': async () => (await profiles.list()).map(view),
    'registries:save': async ({ profile, secret }) => {
      parseRegistry(profile.url);
      if (profile.credentialSource === 'stored' && !profile.username) throw new StevedoreError('INVALID_ARGUMENT', 'a stored credential needs a user name');
      // Credentials belong to one origin: a profile moved to another registry does not take its stored secret along
      // (the page never sees the secret, so it could otherwise send it anywhere by editing the address).
      const before = profile.id === undefined ? undefined : (await profiles.list()).find((p) => p.id === profile.id);
      if (before && secret === undefined && profile.credentialSource === 'stored' && secrets.has(before.id) && originOf(before.url) !== originOf(profile.url)) {
        throw new StevedoreError('INVALID_ARGUMENT', `enter the password again: the stored one is for ${before.url} only, not ${profile.url}`);
      }
      // Refuse before saving anything: a profile that points at a secret we cannot keep would be a broken profile.
      if (secret !== undefined && profile.credentialSource === 'stored') requireSecretStore(secrets);
      const saved = await profiles.save({
        ...profile,
        ...(profile.username ? { username: profile.username } : {}),
        ...(profile.caFile ? { caFile: profile.caFile } : {}),
      });
      if (secret !== undefined && profile.credentialSource === 'stored') secrets.set(saved.id, secret);
      if (profile.credentialSource !== 'stored') secrets.delete(saved.id);
      await context.clients.forget(saved.id);
      return view(saved);
    },
    'registries:remove': async ({ id }) => {
      secrets.delete(id);
      await context.clients.forget(id);
      return { removed: await profiles.remove(id) };
    },
    'registries:test': async ({ id }) => {
      try {
        const client = await context.clients.for(await profiles.get(id));
        const ping = await client.ping(AbortSignal.timeout(20_000));
        return { ok: true, auth: ping.auth, usedCredentials: ping.usedCredentials, ...(ping.rateLimit ? { rateLimit: ping.rateLimit } : {}) };
      } catch (error) {
        const info = toErrorInfo(error);
        return { ok: false, code: info.code, message: info.message };
      }
    },
    'tags:list': async ({ registryId, repository, cursor }) => {
      const client = await context.clients.for(await profiles.get(registryId));
      const page = await client.tagsPage(repository, cursor ? { cursor } : {});
      return { items: page.items, ...(page.next ? { next: page.next } : {}) };
    },
  };
}
