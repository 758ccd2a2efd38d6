// Opens an image archive of any supported kind and says what it holds.
import type { ArchiveInspection } from '../../../shared/archive.js';
import { openArchive, type ArchiveSource } from './archive-source.js';
import { readDockerArchive } from './docker-archive.js';
import { readOciArchive } from './oci-archive.js';
import { archiveInvalid } from './tar-entry.js';

export interface OpenedArchive {
  readonly source: ArchiveSource;
  readonly inspection: ArchiveInspection;
}

export async function describeArchive(source: ArchiveSource): Promise<ArchiveInspection> {
  const hasDockerManifest = source.entries.has('manifest.json');
  const hasOciLayout = source.entries.has('oci-layout') && source.entries.has('index.json');
  if (hasDockerManifest) {
    return { path: source.path, format: hasOciLayout ? 'docker-archive-oci' : 'docker-archive', gzipped: source.gzipped, images: await readDockerArchive(source) };
  }
  if (hasOciLayout) return { path: source.path, format: 'oci-archive', gzipped: source.gzipped, images: await readOciArchive(source) };
  throw archiveInvalid('', 'neither a docker-archive (no manifest.json) nor an oci-archive (no oci-layout and index.json)');
}

export async function inspectArchive(path: string, signal?: AbortSignal): Promise<OpenedArchive> {
  const source = await openArchive(path, signal);
  return { source, inspection: await describeArchive(source) };
}
