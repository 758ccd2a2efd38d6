// The push benchmark's image: a docker-archive of about 1 GB in four uncompressed layers, built with GNU tar from
// file lists (real binaries, real text) and random bytes, without copying the files first.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { link, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../harness/exec.js';

const MB = 1_000_000;

/** What a file adds to a tar: its header and its data padded to whole 512-byte blocks. */
const tarBytes = (size: number): number => 512 + Math.ceil(size / 512) * 512;

/** Files under `roots` until their tar reaches `limit` bytes (many small files cost far more in tar than in size). */
async function walk(roots: readonly string[], accept: (path: string, size: number) => boolean, limit: number): Promise<string[]> {
  const out: string[] = [];
  let total = 0;
  const visit = async (dir: string): Promise<void> => {
    let names: string[];
    try {
      names = (await readdir(dir)).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (total >= limit) return;
      const path = join(dir, name);
      const info = await stat(path).catch(() => undefined);
      if (!info) continue;
      if (info.isDirectory()) await visit(path);
      else if (info.isFile() && accept(path, info.size)) {
        out.push(path);
        total += tarBytes(info.size);
      }
    }
  };
  for (const root of roots) await visit(root);
  return out;
}

/** `paths` over again, as often as it takes for their tar to reach `budget` bytes (a machine may have fewer files). */
async function filling(paths: readonly string[], budget: number): Promise<string[]> {
  const sizes = await Promise.all(paths.map(async (p) => tarBytes((await stat(p)).size)));
  const out: string[] = [];
  for (let i = 0, total = 0; paths.length > 0 && total < budget; i = (i + 1) % paths.length) {
    out.push(paths[i] as string);
    total += sizes[i] as number;
  }
  return out;
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * 1024 * 1024 })) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

async function tarFromList(out: string, files: readonly string[]): Promise<void> {
  const list = `${out}.list`;
  await writeFile(list, files.join('\n'));
  await run('tar', ['--create', '--file', out, '--hard-dereference', '--absolute-names', '--transform', 's,^/,,', '--files-from', list], { timeoutMs: 600_000 });
}

export interface Fixture {
  readonly archive: string;
  readonly layerBytes: readonly number[];
}

/** `binaryMB` sizes the largest layer; doubling it is the memory-flatness check. */
export async function buildFixture(dir: string, binaryMB = 550): Promise<Fixture> {
  await mkdir(dir, { recursive: true });
  const binaries = await walk(['/usr/lib', '/usr/bin', '/usr/libexec', '/usr/local'], (p, size) => size > 100_000 && /\.so(\.|$)|\/bin\/|\/libexec\//.test(p), binaryMB * MB);
  const texts = await walk(['/usr/lib/python3', '/usr/lib/python3.11', '/usr/share/perl', '/usr/share/perl5', '/usr/share/doc', process.cwd() + '/node_modules'], (p, size) => size > 2_000 && /\.(py|pm|pl|txt|md|js|ts|json|html|css)$/.test(p), 280 * MB);
  const layers = [join(dir, 'bin.tar'), join(dir, 'text.tar'), join(dir, 'random.tar'), join(dir, 'small.tar')];
  await tarFromList(layers[0] as string, await filling(binaries, binaryMB * MB));
  await tarFromList(layers[1] as string, await filling(texts, 280 * MB));
  const randomFile = join(dir, 'random.bin');
  await new Promise<void>((resolve, reject) => {
    const out = createWriteStream(randomFile);
    let left = 150;
    const write = (): void => {
      while (left > 0) {
        left--;
        if (!out.write(randomBytes(MB))) {
          out.once('drain', write);
          return;
        }
      }
      out.end(resolve);
    };
    out.on('error', reject);
    write();
  });
  await tarFromList(layers[2] as string, [randomFile]);
  await writeFile(join(dir, 'motd'), 'built for the stevedore push benchmark\n');
  await tarFromList(layers[3] as string, [join(dir, 'motd')]);

  const diffIds: string[] = [];
  for (const layer of layers) diffIds.push(await sha256File(layer));
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      created: '2026-11-01T00:00:00Z',
      config: { Cmd: ['/bin/sh'] },
      rootfs: { type: 'layers', diff_ids: diffIds },
      history: diffIds.map((_, i) => ({ created: '2026-11-01T00:00:00Z', created_by: `ADD layer ${i}` })),
    }),
  );
  const configHex = createHash('sha256').update(config).digest('hex');
  const stage = join(dir, 'stage');
  await mkdir(stage, { recursive: true });
  const paths: string[] = [];
  for (const [i, layer] of layers.entries()) {
    const id = createHash('sha256').update(`layer-${i}-${diffIds[i]}`).digest('hex');
    await mkdir(join(stage, id), { recursive: true });
    await link(layer, join(stage, id, 'layer.tar'));
    paths.push(`${id}/layer.tar`);
  }
  await writeFile(join(stage, `${configHex}.json`), config);
  await writeFile(join(stage, 'manifest.json'), JSON.stringify([{ Config: `${configHex}.json`, RepoTags: ['bench/image:1'], Layers: paths }]));
  const archive = join(dir, 'image.tar');
  await run('tar', ['--create', '--file', archive, '--directory', stage, 'manifest.json', `${configHex}.json`, ...paths.map((p) => p.split('/')[0] as string)], { timeoutMs: 600_000 });
  const layerBytes: number[] = [];
  for (const layer of layers) layerBytes.push((await stat(layer)).size);
  return { archive, layerBytes };
}
