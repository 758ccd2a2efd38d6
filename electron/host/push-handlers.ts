// Archives and pushes over the contract: what a dropped tarball holds, and pushes run as host jobs (events, cancel,
// a history that survives a reload of the window).
import { copyTitle } from '../../shared/transfer-title.js';
import { parseRegistry } from '../core/reference.js';
import type { Handlers, HostContext } from './host-context.js';

type PushHandlers = Pick<Handlers, 'archive:inspect' | 'push:start' | 'push:cancel' | 'push:list'>;

export function pushHandlers(context: HostContext): PushHandlers {
  const { deps } = context;
  return {
    'archive:inspect': async ({ path }, signal) => (await context.openArchive(path, signal)).inspection,
    'push:start': async ({ path, imageId, registryId, repository, tag, compression }, signal) => {
      // Reading the archive stops if the client leaves first; once started, the push belongs to the host.
      const archive = await context.openArchive(path, signal);
      const profile = await deps.profiles.get(registryId);
      const client = await context.clients.for(profile);
      const { registry } = parseRegistry(profile.url);
      return { jobId: context.jobs.start(archive, imageId, { registry, repository, tag }, client, { compression, jobs: profile.concurrency }, copyTitle(profile.name, repository, tag), { registryId, repository, reference: tag }) };
    },
    'push:cancel': async ({ jobId }) => ({ cancelled: context.jobs.cancel(jobId) }),
    'push:list': async () => context.jobs.list(),
  };
}
