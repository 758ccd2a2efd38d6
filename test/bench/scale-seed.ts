// Seeds the browse benchmark's registry storage once, through the Registry API with many connections, and keeps it
// in a reusable directory: 50,000 repositories, one repository of 150,000 tags, one of 1,000 distinct images. The
// seeding is resumable: progress is saved after every batch, and a complete storage is reused as it is.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { mapLimit } from '../../electron/core/concurrency.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { blobOf, closeSeeders, imageConfig, imageManifest, mountBlob, pushBlob, pushManifest, type Blob } from '../harness/seed.js';

export const SCALE = {
  repositories: 50_000,
  tags: 150_000,
  sizedTags: 1_000,
} as const;

export const BASE_REPOSITORY = 'seed/base';
export const TAGS_REPOSITORY = 'bench/tags';
export const SIZES_REPOSITORY = 'bench/sizes';
const FIXED_REPOSITORIES = 3;
const BATCH = 1_000;
const STATE_VERSION = 1;

interface SeedState {
  readonly version: number;
  readonly repositories: number;
  readonly tags: number;
  readonly sized: number;
}

export function defaultStorageDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.STEVEDORE_BENCH_STORAGE ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'stevedore-bench', 'registry-50k');
}

export const repositoryName = (i: number): string => `team-${String(i % 100).padStart(2, '0')}/service-${String(i).padStart(5, '0')}`;
export const tagName = (i: number): string => `${Math.floor(i / 10_000)}.${Math.floor(i / 100) % 100}.${i % 100}`;
export const sizedTagName = (i: number): string => `1.${Math.floor(i / 100)}.${i % 100}`;

/** The same bytes on every run, so a resumed seeding mounts what the first run pushed. */
function fixedLayer(): Blob {
  const text = Array.from({ length: 400 }, (_, i) => `stevedore benchmark layer line ${i}\n`).join('');
  return blobOf(gzipSync(Buffer.from(text), { level: 6 }));
}

function sizedImage(i: number, layer: Blob): { config: Blob; manifest: { bytes: Buffer; mediaType: string } } {
  const config = blobOf(imageConfig({ created: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString(), labels: { build: String(i) } }, [layer]));
  return { config, manifest: imageManifest('docker', config, [layer]) };
}

async function readState(file: string): Promise<SeedState> {
  const empty: SeedState = { version: STATE_VERSION, repositories: 0, tags: 0, sized: 0 };
  try {
    const state = JSON.parse(await readFile(file, 'utf8')) as Partial<SeedState>;
    if (state.version !== STATE_VERSION) return empty;
    const count = (n: unknown): number => (typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : 0);
    return { version: STATE_VERSION, repositories: count(state.repositories), tags: count(state.tags), sized: count(state.sized) };
  } catch {
    return empty;
  }
}

async function writeState(file: string, state: SeedState): Promise<void> {
  await writeFile(`${file}.tmp`, JSON.stringify(state));
  await rename(`${file}.tmp`, file);
}

export function isComplete(state: SeedState): boolean {
  return state.repositories >= SCALE.repositories - FIXED_REPOSITORIES && state.tags >= SCALE.tags && state.sized >= SCALE.sizedTags;
}

/** Where the registry keeps its data: create it, and say whether seeding is already complete. */
export async function prepareStorage(storageDir: string): Promise<{ readonly dataDir: string; readonly complete: boolean }> {
  await mkdir(join(storageDir, 'data'), { recursive: true });
  return { dataDir: join(storageDir, 'data'), complete: isComplete(await readState(join(storageDir, 'seed-state.json'))) };
}

/** Fills what is missing; `jobs` connections at once. Safe to interrupt and run again. */
export async function seedScale(reg: TestRegistry, storageDir: string, jobs: number, log: (line: string) => void): Promise<void> {
  const stateFile = join(storageDir, 'seed-state.json');
  let state = await readState(stateFile);
  if (isComplete(state)) return;
  const layer = fixedLayer();
  const base = sizedImage(-1, layer);
  await pushBlob(reg, BASE_REPOSITORY, layer);
  await pushBlob(reg, BASE_REPOSITORY, base.config);
  await pushManifest(reg, BASE_REPOSITORY, 'v1', base.manifest.bytes, base.manifest.mediaType);
  await pushBlob(reg, TAGS_REPOSITORY, layer);
  await pushBlob(reg, TAGS_REPOSITORY, base.config);
  await pushBlob(reg, SIZES_REPOSITORY, layer);

  const phase = async (what: string, total: number, done: number, step: (i: number) => Promise<void>, save: (n: number) => SeedState): Promise<void> => {
    const start = performance.now();
    for (let from = done; from < total; from += BATCH) {
      const indexes = Array.from({ length: Math.min(BATCH, total - from) }, (_, k) => from + k);
      await mapLimit(indexes, jobs, step);
      state = save(from + indexes.length);
      await writeState(stateFile, state);
      const rate = (from + indexes.length - done) / ((performance.now() - start) / 1000);
      const left = (total - from - indexes.length) / rate;
      log(`${what}: ${(from + indexes.length).toLocaleString('en-US')} of ${total.toLocaleString('en-US')} (${rate.toFixed(0)}/s, ~${left.toFixed(0)} s left)`);
    }
  };

  await phase('repositories', SCALE.repositories - FIXED_REPOSITORIES, state.repositories, async (i) => {
    // A mounted blob is enough for the catalog to list the repository.
    if (!(await mountBlob(reg, repositoryName(i), BASE_REPOSITORY, base.config.digest))) throw new Error(`mount into ${repositoryName(i)} refused`);
  }, (n) => ({ ...state, repositories: n }));
  await phase('distinct images', SCALE.sizedTags, state.sized, async (i) => {
    const image = sizedImage(i, layer);
    await pushBlob(reg, SIZES_REPOSITORY, image.config);
    await pushManifest(reg, SIZES_REPOSITORY, sizedTagName(i), image.manifest.bytes, image.manifest.mediaType);
  }, (n) => ({ ...state, sized: n }));
  await phase('tags', SCALE.tags, state.tags, async (i) => {
    await pushManifest(reg, TAGS_REPOSITORY, tagName(i), base.manifest.bytes, base.manifest.mediaType);
  }, (n) => ({ ...state, tags: n }));
}

export interface ScaleRegistry {
  readonly reg: TestRegistry;
  /** What the storage holds: SCALE once seeding is complete. */
  readonly counts: { readonly repositories: number; readonly tags: number; readonly sizedTags: number };
}

/**
 * The registry on the reusable storage, seeded first when it is not complete yet. STEVEDORE_BENCH_PARTIAL=1 measures
 * what a cut-short seeding left instead of finishing it (for a shared machine; the figures then say so).
 */
export async function openScaleRegistry(log: (line: string) => void, storageDir = defaultStorageDir()): Promise<ScaleRegistry> {
  const { dataDir, complete } = await prepareStorage(storageDir);
  const reg = await startRegistry('none', { storageDir: dataDir });
  const stateFile = join(storageDir, 'seed-state.json');
  const counted = async (): Promise<ScaleRegistry> => {
    const state = await readState(stateFile);
    return { reg, counts: { repositories: state.repositories + FIXED_REPOSITORIES, tags: state.tags, sizedTags: state.sized } };
  };
  try {
    if (complete) {
      log(`reusing the seeded registry storage in ${storageDir}`);
      return await counted();
    }
    if (process.env.STEVEDORE_BENCH_PARTIAL === '1') {
      const partial = await counted();
      log(`measuring a partly seeded storage: ${JSON.stringify(partial.counts)}`);
      return partial;
    }
    const jobs = Number(process.env.STEVEDORE_BENCH_SEED_JOBS ?? 16);
    log(`seeding ${SCALE.repositories.toLocaleString('en-US')} repositories and ${SCALE.tags.toLocaleString('en-US')} tags into ${storageDir} with ${jobs} connections (resumable)...`);
    const start = performance.now();
    await seedScale(reg, storageDir, jobs, log);
    await closeSeeders(reg);
    log(`seeded in ${((performance.now() - start) / 1000).toFixed(0)} s`);
    return await counted();
  } catch (error) {
    await closeSeeders(reg);
    await reg.stop();
    throw error;
  }
}
