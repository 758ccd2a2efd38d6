// copy:start and export:start: an image to another registry profile, or to a tarball on this machine, run as jobs
// with the same events, cancel and history as pushes.
import type { Writable } from 'node:stream';
import type * as z from 'zod';
import { requests } from '../../shared/contract.js';
import { copyTitle } from '../../shared/transfer-title.js';
import { copyImage } from '../core/copy/copy-image.js';
import { parsePlatform } from '../core/copy/platform.js';
import { exportImages, exportToStream } from '../core/export/export-images.js';
import { linkSignals } from '../core/linked-signal.js';
import { formatReference, type Reference } from '../core/reference.js';
import { exportTarget } from './export-target.js';
import type { Handlers, HostContext } from './host-context.js';

type TransferHandlers = Pick<Handlers, 'copy:start' | 'export:start'>;

/** export:start's arguments without a path: the web host's streamed browser download. */
export const downloadArgs = requests['export:start'].args.omit({ path: true });
export type DownloadArgs = z.output<typeof downloadArgs>;

/**
 * The image as a tar written to `open()`'s stream once it resolved; the name is what the browser saves it as. It runs
 * as a job (`jobId`, handed out with the download's ticket) so the transfers panel follows it and can cancel it;
 * resolves or rejects with the job.
 */
export function streamExport(context: HostContext, args: DownloadArgs, open: (filename: string) => Writable, signal: AbortSignal, jobId?: string): Promise<string> {
  const filename = `${args.repository.replace(/\//g, '_')}_${args.reference.replace(/[^\w.-]/g, '_')}${args.format === 'oci-archive' ? '.oci' : ''}.tar`;
  const chosen = args.platform ? parsePlatform(args.platform) : undefined;
  return new Promise((resolve, reject) => {
    const view = { kind: 'export' as const, target: `${filename} (browser download)`, archive: `${args.repository}:${args.reference}` };
    context.jobs.run(
      view,
      async (job) => {
        // Stopped by the browser going away or by cancel in the transfers panel.
        const linked = linkSignals([signal, job.signal]);
        try {
          const client = await context.clients.for(await context.deps.profiles.get(args.registryId));
          const from = sourceOf(client.registry, args.repository, args.reference);
          const images = await exportToStream({ jobId: job.jobId, references: [from], format: args.format, ...(chosen ? { platform: chosen } : {}), emit: job.emit, signal: linked.signal }, view.target, () => open(filename), () => Promise.resolve(client));
          const digest = images[0]?.digest ?? '';
          resolve(digest);
          return digest;
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
          throw error;
        } finally {
          linked.done();
        }
      },
      jobId,
    );
  });
}

const sourceOf = (registry: string, repository: string, reference: string): Reference => ({ registry, repository, ...(reference.includes(':') ? { digest: reference } : { tag: reference }) });

export function transferHandlers(context: HostContext): TransferHandlers {
  const { profiles } = context.deps;
  return {
    'copy:start': async ({ registryId, repository, reference, targetRegistryId, targetRepository, targetTag, platform, referrers }) => {
      const sourceProfile = await profiles.get(registryId);
      const targetProfile = await profiles.get(targetRegistryId);
      const source = await context.clients.for(sourceProfile);
      const target = await context.clients.for(targetProfile);
      const from = sourceOf(source.registry, repository, reference);
      const to: Reference = { registry: target.registry, repository: targetRepository, tag: targetTag };
      const chosen = platform ? parsePlatform(platform) : undefined;
      const jobs = Math.min(sourceProfile.concurrency, targetProfile.concurrency);
      // Shown in the app's transfers panel: the registry by the name the user gave it, not its host and port.
      const jobId = context.jobs.run({ kind: 'copy', target: copyTitle(targetProfile.name, targetRepository, targetTag), archive: formatReference(from), opens: { registryId: targetRegistryId, repository: targetRepository, reference: targetTag } }, async ({ jobId, emit, signal }) => {
        const result = await copyImage({ jobId, source: from, target: to, ...(chosen ? { platform: chosen } : {}), referrers, emit, signal }, { source, target }, { jobs, chunkSize: 4 * 1024 * 1024 });
        return result.digest;
      });
      return { jobId };
    },
    'export:start': async ({ registryId, repository, reference, path, format, platform }) => {
      // Checked before any byte is downloaded; the web host takes a name in its export folder only.
      const replace = context.deps.exportDir === undefined && (context.deps.replaceConfirmed?.(path) ?? false);
      const file = await exportTarget(path, context.deps.exportDir, replace);
      const client = await context.clients.for(await profiles.get(registryId));
      const from = sourceOf(client.registry, repository, reference);
      const chosen = platform ? parsePlatform(platform) : undefined;
      const jobId = context.jobs.run({ kind: 'export', target: file, archive: formatReference(from) }, async ({ jobId, emit, signal }) => {
        const result = await exportImages({ jobId, references: [from], file, replace, format, ...(chosen ? { platform: chosen } : {}), emit, signal }, () => Promise.resolve(client));
        return result.images[0]?.digest ?? '';
      });
      return { jobId, file };
    },
  };
}
