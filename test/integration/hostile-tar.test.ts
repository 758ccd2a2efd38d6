// Hostile tar bytes: numbers that are not numbers, entries after the end-of-archive marker, duplicate names, millions
// of entries, FIFOs where files belong. Each gets one clear error with a stable code, promptly and in bounded memory,
// and a plain tar and the same tar gzip-wrapped always read the same.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { inspectArchive, inspectArchiveHere, liveArchiveReaders } from '../../electron/core/archive/inspect-archive.js';
import { isStevedoreError } from '../../electron/core/errors.js';
import { END_OF_ARCHIVE, docker25Archive, layerTar, legacyDockerArchive, manyEntriesTarGz, rawTar, rawTarEntry, testImage, writeTar, type TestImage } from '../harness/archives.js';
import { ContractHost } from '../../electron/host/contract-host.js';
import { ProfileStore } from '../../electron/host/profile-store.js';
import { noSecretStore } from '../../electron/host/secret-store.js';
import { CLI } from '../harness/cli.js';
import { run } from '../harness/exec.js';
import { waitFor } from '../harness/web-client.js';

const invalid = (pattern: RegExp) => (e: unknown) => isStevedoreError(e, 'ARCHIVE_INVALID') && pattern.test(e.message);
const notAFile = (e: unknown) => isStevedoreError(e, 'NOT_A_FILE') && /is a FIFO, not a regular file/.test(e.message);
// Each read must end on its own: a reader that loops forever fails the test instead of hanging the suite.
const BOUNDED = { timeout: 30_000 };
const sha256 = (bytes: Uint8Array): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

function cli(args: readonly string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { timeout: 20_000 }, (error, _stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stderr }));
  });
}

describe('hostile tar', () => {
  let dir: string;
  let image: TestImage;
  let n = 0;
  const file = (suffix = '.tar'): string => join(dir, `hostile-${n++}${suffix}`);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stevedore-hostile-'));
    image = testImage([await layerTar('one', 40_000), await layerTar('two', 1_500_000)]);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Writes `bytes` plain and gzip-wrapped and returns both paths. */
  async function bothForms(bytes: Buffer): Promise<[string, string]> {
    const plain = file();
    const gz = file('.tar.gz');
    await writeFile(plain, bytes);
    await writeFile(gz, gzipSync(bytes));
    return [plain, gz];
  }

  it('refuses a negative octal size, promptly, in both readers', BOUNDED, async () => {
    const bytes = Buffer.concat([rawTarEntry('manifest.json', Buffer.from('[]')), rawTarEntry('evil', Buffer.alloc(1536), { sizeField: '-0000003000' }), END_OF_ARCHIVE]);
    for (const path of await bothForms(bytes)) {
      await assert.rejects(inspectArchive(path), invalid(/size "-0000003000.*" in the tar header is not an octal number/));
    }
  });

  it('refuses a negative pax size, promptly, in both readers', BOUNDED, async () => {
    const bytes = Buffer.concat([rawTarEntry('manifest.json', Buffer.from('[]')), rawTarEntry('evil', Buffer.alloc(1536), { pax: { size: '-1536' } }), END_OF_ARCHIVE]);
    for (const path of await bothForms(bytes)) {
      await assert.rejects(inspectArchive(path), invalid(/pax size "-1536" is not a non-negative integer/));
    }
  });

  it('refuses non-octal numbers in any field, and an entry running past the end of the file', BOUNDED, async () => {
    const nonOctal = Buffer.concat([rawTarEntry('manifest.json', Buffer.from('[]'), { sizeField: '00000000089\0' }), END_OF_ARCHIVE]);
    for (const path of await bothForms(nonOctal)) await assert.rejects(inspectArchive(path), invalid(/size "00000000089\\x00" in the tar header is not an octal number/));
    const badMode = rawTarEntry('manifest.json', Buffer.from('[]'));
    badMode.write('00006x4\0', 100, 'latin1');
    // Keep the checksum right so only the number is wrong.
    badMode.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of badMode.subarray(0, 512)) sum += b;
    badMode.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    for (const path of await bothForms(Buffer.concat([badMode, END_OF_ARCHIVE]))) await assert.rejects(inspectArchive(path), invalid(/mode "00006x4\\x00" in the tar header is not an octal number/));
    const huge = Buffer.concat([rawTarEntry('manifest.json', Buffer.from('[]')), rawTarEntry('layer.tar', Buffer.alloc(0), { pax: { size: '99999999999' } })]);
    for (const path of await bothForms(huge)) await assert.rejects(inspectArchive(path), invalid(/"layer\.tar": truncated: needs 99999999999 bytes/));
  });

  it('reads a size in GNU base-256', BOUNDED, async () => {
    const files = docker25Archive(image, ['x/y:1'], true);
    const big = files.find((f) => (f.data?.length ?? 0) > 1_000_000);
    assert.ok(big?.data);
    const field = Buffer.alloc(12);
    field[0] = 0x80;
    field.writeUIntBE(big.data.length, 6, 6);
    const bytes = Buffer.concat([...files.map((f) => (f === big ? rawTarEntry(f.name, f.data as Buffer, { sizeField: field }) : rawTarEntry(f.name, f.data ?? Buffer.alloc(0), f.type === 'directory' ? { flag: '5' } : {}))), END_OF_ARCHIVE]);
    const [plain, gz] = await bothForms(bytes);
    const [a, b] = [await inspectArchive(plain), await inspectArchive(gz)];
    assert.deepEqual(a.inspection.images, b.inspection.images);
    assert.equal(a.inspection.images[0]?.platforms[0]?.layers[1]?.size, big.data.length);
  });

  it('stops at the end-of-archive marker, plain and gzip-wrapped alike', BOUNDED, async () => {
    const original = rawTar(legacyDockerArchive([{ image, tags: ['before/marker:1'] }]));
    // After the marker: a second manifest.json naming another tag. GNU tar never sees it; neither may Stevedore.
    const after = rawTar([{ name: 'manifest.json', data: Buffer.from(JSON.stringify([{ Config: 'x.json', RepoTags: ['after/marker:1'], Layers: [] }])) }]);
    const [plain, gz] = await bothForms(Buffer.concat([original, after]));
    const [a, b] = [await inspectArchive(plain), await inspectArchive(gz)];
    assert.deepEqual(a.inspection.images.map((i) => i.names), [['before/marker:1']]);
    assert.deepEqual(b.inspection.images, a.inspection.images);
    assert.deepEqual([...b.source.entries.keys()], [...a.source.entries.keys()]);
    // GNU tar, reading the same bytes, lists exactly these entries.
    const gnu = (await run('tar', ['-tf', plain])).stdout.split('\n').filter(Boolean).map((name) => name.replace(/\/$/, ''));
    assert.deepEqual([...a.source.entries.keys()].sort(), [...new Set(gnu)].sort());
    // A lone zero block inside an archive is refused by both, rather than read one way by one and another by the other.
    const lone = Buffer.concat([rawTarEntry('a', Buffer.from('x')), Buffer.alloc(512), rawTarEntry('b', Buffer.from('y')), END_OF_ARCHIVE]);
    for (const path of await bothForms(lone)) await assert.rejects(inspectArchive(path), invalid(/a lone zero block at byte 1024/));
  });

  it('resolves a duplicate name to its last entry in both readers', BOUNDED, async () => {
    const files = legacyDockerArchive([{ image, tags: ['dup/first:1'] }]);
    const decoy = Buffer.from(JSON.stringify([{ Config: 'missing.json', RepoTags: ['dup/decoy:1'], Layers: [] }]));
    const bytes = Buffer.concat([rawTarEntry('manifest.json', decoy), rawTar(files)]);
    const [plain, gz] = await bothForms(bytes);
    const [a, b] = [await inspectArchive(plain), await inspectArchive(gz)];
    assert.deepEqual(a.inspection.images.map((i) => i.names), [['dup/first:1']]);
    assert.deepEqual(b.inspection.images, a.inspection.images);
    // What GNU tar leaves on disk after extracting both entries is what both readers read.
    const out = await mkdtemp(join(dir, 'extract-'));
    await run('tar', ['-xf', plain, '-C', out, 'manifest.json']);
    const extracted = await readFile(join(out, 'manifest.json'));
    assert.deepEqual(await a.source.readSmall('manifest.json'), extracted);
    assert.deepEqual(await b.source.readSmall('manifest.json'), extracted);
  });

  it('refuses an archive of more than 100,000 entries in bounded memory', { timeout: 120_000 }, async () => {
    const path = file('.tar.gz');
    await manyEntriesTarGz(path, 200_000);
    const child = fileURLToPath(new URL('../harness/measure-inspect.js', import.meta.url));
    const { stdout } = await run(process.execPath, [child, path], { timeoutMs: 110_000 });
    const outcome = JSON.parse(stdout) as { ok: boolean; code: string; message: string; maxRssBytes: number };
    assert.equal(outcome.code, 'ARCHIVE_INVALID');
    assert.match(outcome.message, /more than 100000 entries/);
    assert.ok(outcome.maxRssBytes < 200 * 1024 * 1024, `peak memory ${Math.round(outcome.maxRssBytes / 1024 / 1024)} MB`);
  });

  it('refuses an overlong name, and names that add up to more than 16 MB', BOUNDED, async () => {
    const long = Buffer.concat([rawTarEntry('x', Buffer.from('x'), { pax: { path: 'a/'.repeat(2500) } }), END_OF_ARCHIVE]);
    for (const path of await bothForms(long)) await assert.rejects(inspectArchive(path), invalid(/a name or link target longer than 4096 bytes/));
    // 5,000 names of 4,000 bytes: each allowed, together 20 MB of names to keep.
    const many = Buffer.concat([...Array.from({ length: 5000 }, (_, i) => rawTarEntry(`f${i}`, Buffer.alloc(0), { pax: { path: `${i}/${'n'.repeat(4000)}` } })), END_OF_ARCHIVE]);
    const gz = file('.tar.gz');
    await writeFile(gz, gzipSync(many));
    await assert.rejects(inspectArchive(gz), invalid(/entry names add up to more than 16 MB/));
  });

  it('refuses a manifest.json or index.json of more than 1,000 images', BOUNDED, async () => {
    const files = legacyDockerArchive([{ image, tags: ['many/images:1'] }]);
    const manifest = JSON.parse((files.find((f) => f.name === 'manifest.json')?.data as Buffer).toString()) as unknown[];
    const repeated = files.map((f) => (f.name === 'manifest.json' ? { ...f, data: Buffer.from(JSON.stringify(Array.from({ length: 1001 }, () => manifest[0]))) } : f));
    const path = file();
    await writeTar(path, repeated);
    await assert.rejects(inspectArchive(path), invalid(/"manifest\.json": more than the 1000 images Stevedore reads from one archive \(1001 so far\)/));
    const oci = docker25Archive(image, ['x/y:1'], true).filter((f) => f.name !== 'manifest.json');
    const index = JSON.parse((oci.find((f) => f.name === 'index.json')?.data as Buffer).toString()) as { manifests: unknown[] };
    const ociPath = file();
    await writeTar(ociPath, oci.map((f) => (f.name === 'index.json' ? { ...f, data: Buffer.from(JSON.stringify({ ...index, manifests: Array.from({ length: 1001 }, () => index.manifests[0]) })) } : f)));
    await assert.rejects(inspectArchive(ociPath), invalid(/"index\.json": more than the 1000 images/));
  });

  it('refuses more than 10,000 layers in all, before looking each one up', BOUNDED, async () => {
    // One 1 KB layer listed 10,001 times under a config with as many diff_ids: a small file, a long read.
    const layer = await layerTar('many', 1000);
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: Array.from({ length: 10_001 }, () => sha256(layer)) } }));
    const configName = `${sha256(config).slice(7)}.json`;
    const docker = file();
    await writeTar(docker, [
      { name: 'l', data: layer },
      { name: configName, data: config },
      { name: 'manifest.json', data: Buffer.from(JSON.stringify([{ Config: configName, RepoTags: [], Layers: Array.from({ length: 10_001 }, () => 'l') }])) },
    ]);
    await assert.rejects(inspectArchive(docker), invalid(/"manifest\.json": more than the 10000 layers Stevedore reads from one archive \(10001 so far\)/));
    // Across images too: 3 images of 4,000 layers each.
    const three = file();
    const config4k = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: Array.from({ length: 4000 }, () => sha256(layer)) } }));
    const config4kName = `${sha256(config4k).slice(7)}.json`;
    const item = { Config: config4kName, RepoTags: [], Layers: Array.from({ length: 4000 }, () => 'l') };
    await writeTar(three, [{ name: 'l', data: layer }, { name: config4kName, data: config4k }, { name: 'manifest.json', data: Buffer.from(JSON.stringify([item, item, item])) }]);
    await assert.rejects(inspectArchive(three), invalid(/more than the 10000 layers Stevedore reads from one archive \(12000 so far\)/));
    // An OCI manifest naming one blob 10,001 times.
    const blob = (bytes: Buffer) => ({ name: `blobs/sha256/${sha256(bytes).slice(7)}`, data: bytes });
    const layerDescriptor = { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(layer), size: layer.length };
    const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length }, layers: Array.from({ length: 10_001 }, () => layerDescriptor) }));
    const index = { schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(manifest), size: manifest.length }] };
    const oci = file();
    await writeTar(oci, [blob(layer), blob(config), blob(manifest), { name: 'index.json', data: Buffer.from(JSON.stringify(index)) }, { name: 'oci-layout', data: Buffer.from('{"imageLayoutVersion":"1.0.0"}') }]);
    await assert.rejects(inspectArchive(oci), invalid(new RegExp(`"blobs/sha256/${sha256(manifest).slice(7)}": more than the 10000 layers`)));
  });

  it('reads an archive config strictly: junk in rootfs.diff_ids, or no JSON at all, is ARCHIVE_INVALID naming it', BOUNDED, async () => {
    const layer = await layerTar('strict', 1000);
    for (const [what, config, pattern] of [
      // The lenient reader kept only the strings: one diff_id, matching the one layer.
      ['junk beside a real diff_id', Buffer.from(JSON.stringify({ os: 'linux', architecture: 'amd64', rootfs: { type: 'layers', diff_ids: [sha256(layer), 42, null] } })), /rootfs\.diff_ids\[1\] is not a digest \(42\)/],
      ['diff_ids not a list', Buffer.from(JSON.stringify({ os: 'linux', architecture: 'amd64', rootfs: { type: 'layers', diff_ids: sha256(layer) } })), /rootfs\.diff_ids is not a list/],
      ['an empty file', Buffer.alloc(0), /is not valid JSON/],
      ['a JSON list', Buffer.from('[]'), /is not a JSON object \(an image config\)/],
    ] as const) {
      const name = `${sha256(config).slice(7)}.json`;
      const path = file();
      await writeTar(path, [{ name: 'l', data: layer }, { name, data: config }, { name: 'manifest.json', data: Buffer.from(JSON.stringify([{ Config: name, RepoTags: [], Layers: ['l'] }])) }]);
      await assert.rejects(inspectArchive(path), (e: unknown) => invalid(pattern)(e) && e instanceof Error && e.message.includes(`archive entry "${name}"`), what);
    }
  });

  it('names a device, FIFO or sparse entry where a file belongs in plain words', BOUNDED, async () => {
    const files = legacyDockerArchive([{ image, tags: [] }]);
    const manifest = JSON.parse((files.find((f) => f.name === 'manifest.json')?.data as Buffer).toString()) as { Layers: string[] }[];
    const layerName = manifest[0]?.Layers[0] as string;
    for (const flag of ['3', '4', '6', 'S']) {
      const bytes = Buffer.concat([...files.map((f) => (f.name === layerName ? rawTarEntry(f.name, Buffer.alloc(0), { flag }) : rawTarEntry(f.name, f.data ?? Buffer.alloc(0), f.type === 'directory' ? { flag: '5' } : {}))), END_OF_ARCHIVE]);
      const path = file();
      await writeFile(path, bytes);
      await assert.rejects(inspectArchive(path), invalid(new RegExp(`"${layerName}": is not a regular file \\(a device, FIFO or sparse entry\\)`)), flag);
    }
  });

  it('reads a config of 2 MB the same plain and gzip-wrapped (metadata up to 8 MB in both)', BOUNDED, async () => {
    const big = testImage([await layerTar('label', 1000)], { label: 'l'.repeat(2_000_000) });
    const [plain, gz] = await bothForms(rawTar(legacyDockerArchive([{ image: big, tags: ['big/config:1'] }])));
    const fromPlain = (await inspectArchive(plain)).inspection.images;
    const fromGz = (await inspectArchive(gz)).inspection.images;
    assert.equal(fromPlain[0]?.platforms[0]?.config.size, big.config.length);
    assert.deepEqual(fromGz, fromPlain);
  });

  it('terminates the reading worker when a read is cancelled', BOUNDED, async () => {
    const path = file('.tar.gz');
    await writeTar(path, legacyDockerArchive([{ image: testImage([await layerTar('big', 60_000_000, 'text')]), tags: ['big:1'] }]), true);
    const controller = new AbortController();
    const reading = inspectArchive(path, controller.signal);
    // The worker starts after a quick look at the file and a module load: waited for, not assumed after a pause.
    await waitFor(() => (liveArchiveReaders() === 1 ? true : undefined), 20_000, 'the reading worker to start');
    controller.abort(new Error('stop reading'));
    await assert.rejects(reading, /stop reading/);
    assert.equal(liveArchiveReaders(), 0, 'the worker thread has exited when the read settles');
    // The app's host (desktop and web) cancels the archive reads it started when it closes.
    const host = new ContractHost({ profiles: new ProfileStore(join(dir, 'registries.json')), secrets: noSecretStore, cacheDir: join(dir, 'cache'), emit: () => undefined });
    const answer = host.handle('archive:inspect', { path });
    await waitFor(() => (liveArchiveReaders() === 1 ? true : undefined), 20_000, 'the reading worker to start');
    await host.close();
    const result = await answer;
    assert.equal(result.ok ? 'ok' : result.error.code, 'CANCELLED');
    assert.equal(liveArchiveReaders(), 0);
  });

  describe('FIFOs', () => {
    let fifo: string;
    before(async () => {
      fifo = join(dir, 'image.tar');
      await run('mkfifo', [fifo]);
    });

    it('inspecting one says it is not a regular file, on the worker and here', BOUNDED, async () => {
      await assert.rejects(inspectArchive(fifo), notAFile);
      await assert.rejects(inspectArchiveHere(fifo), notAFile);
    });

    it('the CLI refuses it for inspect, push and files, at once and with the code', BOUNDED, async () => {
      for (const args of [['inspect', fifo], ['push', fifo, '127.0.0.1:1/x/y:1'], ['files', fifo]]) {
        const result = await cli(args);
        assert.equal(result.code, 1, `${args[0]} exits 1`);
        assert.match(result.stderr, /^stevedore: archive .*image\.tar is a FIFO, not a regular file \[NOT_A_FILE\]\n$/);
      }
    });
  });

  it('a missing archive is NOT_FOUND in one line, for inspect and push alike', BOUNDED, async () => {
    const missing = join(dir, 'no-such-archive.tar');
    for (const args of [['inspect', missing], ['push', missing, '127.0.0.1:9/x/y:1'], ['inspect', 'no-such-archive.tar.gz']]) {
      const result = await cli(args);
      assert.equal(result.code, 1, args.join(' '));
      assert.match(result.stderr, /^stevedore: archive \S*no-such-archive\.tar(\.gz)? does not exist \[NOT_FOUND\]\n$/, args.join(' '));
    }
  });

  it('a random file is still not a tar (the strict reader keeps the old answers)', BOUNDED, async () => {
    const path = file();
    await writeFile(path, randomBytes(4096));
    await assert.rejects(inspectArchive(path), invalid(/not a tar archive/));
  });
});
