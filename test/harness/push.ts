// Pushes an archive to a test registry with the engine, collecting its events.
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArchiveImage } from '../../shared/archive.js';
import type { PushEvent } from '../../shared/push.js';
import { inspectArchive } from '../../electron/core/archive/inspect-archive.js';
import type { BufferPool } from '../../electron/core/push/buffer-pool.js';
import { LayerCache } from '../../electron/core/push/layer-cache.js';
import { DEFAULT_PUSH_SETTINGS, pushImage, type PushSettings } from '../../electron/core/push/push-image.js';
import { parseReference } from '../../electron/core/reference.js';
import { openGzipEngine, type GzipEngine } from '../../electron/core/workers/gzip-engine.js';
import { ZlibGzip } from '../../electron/core/workers/zlib-gzip.js';
import { clientFor } from './clients.js';
import type { TestRegistry } from './registry.js';

export interface PushRun {
  readonly digest: string;
  readonly events: readonly PushEvent[];
}

/** A fresh layer cache inside `parent` (the test's own work directory, which the test removes when it ends). */
export async function newLayerCache(parent: string): Promise<LayerCache> {
  return new LayerCache(await mkdtemp(join(parent, 'layercache-')));
}

export async function pushWithEngine(
  reg: TestRegistry,
  archivePath: string,
  reference: string,
  options: {
    imageId?: number;
    layers?: LayerCache;
    settings?: Partial<PushSettings>;
    signal?: AbortSignal;
    onEvent?: (e: PushEvent) => void;
    via?: string;
    compressor?: 'default' | 'zlib';
    /** Pushes this image instead of the one read (an inspection that does not match the archive). */
    tamper?: (image: ArchiveImage) => ArchiveImage;
    /** A compressor of the test's own (faults). */
    gzip?: GzipEngine;
    /** The push's buffer pool (one that checks how buffers are given back). */
    buffers?: BufferPool;
  } = {},
): Promise<PushRun> {
  // `via`: push through a proxy in front of the registry (fault tests).
  const target = options.via ? { ...reg, host: options.via, url: `http://${options.via}` } : reg;
  const archive = await inspectArchive(archivePath);
  const read = archive.inspection.images[options.imageId ?? 0];
  if (!read) throw new Error(`no image ${options.imageId ?? 0}`);
  const image = options.tamper ? options.tamper(read) : read;
  const events: PushEvent[] = [];
  const client = clientFor(target);
  const gzip = options.gzip ?? (options.compressor === 'zlib' ? new ZlibGzip(2) : openGzipEngine(2));
  try {
    const digest = await pushImage(
      {
        jobId: 'test-job',
        archive,
        image,
        target: parseReference(`${target.host}/${reference}`),
        emit: (e) => {
          events.push(e);
          options.onEvent?.(e);
        },
        ...(options.signal ? { signal: options.signal } : {}),
      },
      { client, gzip, ...(options.layers ? { layers: options.layers } : {}), ...(options.buffers ? { buffers: options.buffers } : {}) },
      { ...DEFAULT_PUSH_SETTINGS, ...options.settings },
    );
    return { digest, events };
  } finally {
    await gzip.close();
    await client.close();
  }
}

export function plannedActions(events: readonly PushEvent[]): string[] {
  const plan = events.find((e) => e.type === 'plan');
  return plan && plan.type === 'plan' ? plan.blobs.map((b) => b.action).sort() : [];
}
