// image:* and compare:images handlers.
import type { ImageView } from '../../shared/contract.js';
import type { PlatformImage } from '../../shared/image.js';
import { layerCommands } from '../core/image/layer-commands.js';
import { StevedoreError, isStevedoreError } from '../core/errors.js';
import { compareLayers } from '../core/image/compare.js';
import { imageSummary, summarizeImage, type PlatformDetails } from '../core/image/summary.js';
import type { Handlers, HostContext } from './host-context.js';

type ImageHandlers = Pick<Handlers, 'tags:summaries' | 'image:summary' | 'image:delete' | 'compare:images'>;

/** Requests per `tags:summaries` batch at once; the renderer keeps a few batches in flight. */
const SUMMARY_CONCURRENCY = 8;

const platformName = (p: PlatformImage): string => [p.platform.os, p.platform.architecture, p.platform.variant].filter(Boolean).join('/');

export function imageHandlers(context: HostContext): ImageHandlers {
  const { profiles } = context.deps;
  return {
    'tags:summaries': async ({ registryId, repository, tags }, signal) => {
      const client = await context.clients.for(await profiles.get(registryId));
      const items = await context.tagInfos.rows(client, repository, tags, { signal, concurrency: SUMMARY_CONCURRENCY });
      return { items, deletable: !context.deleteRefused.has(registryId) };
    },
    'image:summary': async ({ registryId, repository, reference }, signal) => {
      // The request's signal: a page that leaves (or a host that closes) stops the reads with it.
      const client = await context.clients.for(await profiles.get(registryId));
      const ref = { registry: client.registry, repository, ...(reference.includes(':') ? { digest: reference } : { tag: reference }) };
      const { details, manifestBytes } = await summarizeImage(client, ref, { signal });
      // Configs were just read and are cached by digest: this reads them from the cache, not the registry.
      const platforms = await Promise.all(
        details.platforms.map(async (p) => (p.config ? { ...p, rawConfig: (await client.getBlobBytes(repository, p.configDigest, signal)).toString('utf8') } : p)),
      );
      const view: ImageView = { ...details, platforms, rawManifest: manifestBytes.toString('utf8'), deletable: !context.deleteRefused.has(registryId) };
      return view;
    },
    'image:delete': async ({ registryId, repository, digest }, signal) => {
      const client = await context.clients.for(await profiles.get(registryId));
      try {
        await client.deleteManifest(repository, digest, signal);
      } catch (error) {
        if (isStevedoreError(error, 'UNSUPPORTED')) context.deleteRefused.set(registryId, error.message);
        throw error;
      }
      return { deleted: digest };
    },
    'compare:images': async ({ images }, signal) => {
      const inputs = await Promise.all(
        images.map(async (ref) => {
          const client = await context.clients.for(await profiles.get(ref.registryId));
          const details = await imageSummary(client, { registry: client.registry, repository: ref.repository, ...(ref.reference.includes(':') ? { digest: ref.reference } : { tag: ref.reference }) }, { signal });
          const candidates = details.platforms.filter((p) => !p.isAttestation);
          const chosen: PlatformDetails | undefined = ref.platform ? candidates.find((p) => platformName(p) === ref.platform) : (candidates.find((p) => platformName(p) === 'linux/amd64') ?? candidates[0]);
          if (!chosen) throw new StevedoreError('NOT_FOUND', `${ref.repository}:${ref.reference} has no platform ${ref.platform ?? ''}`.trim());
          const label = `${ref.repository}:${ref.reference}${details.kind === 'index' ? ` (${platformName(chosen)})` : ''}`;
          return { label, image: chosen, commands: layerCommands(chosen.config, chosen.layers.length) };
        }),
      );
      return compareLayers(inputs);
    },
  };
}
