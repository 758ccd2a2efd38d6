// Images made by real tools: umoci builds an OCI layout, skopeo copies it into a registry.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from './exec.js';
import type { TestRegistry } from './registry.js';

/** An OCI layout at `dir` with image `tag`: one layer per entry of `files` (path -> content), a cmd and a label. */
export async function umociImage(dir: string, tag: string, files: Readonly<Record<string, string | Buffer>>): Promise<string> {
  const layout = join(dir, 'layout');
  await run('umoci', ['init', '--layout', layout]);
  await run('umoci', ['new', '--image', `${layout}:${tag}`]);
  let n = 0;
  for (const [path, content] of Object.entries(files)) {
    const source = join(dir, `src-${n++}`);
    await mkdir(source, { recursive: true });
    await writeFile(join(source, 'file'), content);
    await run('umoci', ['insert', '--image', `${layout}:${tag}`, join(source, 'file'), path]);
  }
  await run('umoci', ['config', '--image', `${layout}:${tag}`, '--config.cmd', '/bin/app', '--config.label', 'org.example.built-by=umoci']);
  return layout;
}

export function skopeoTlsArgs(reg: TestRegistry, direction: 'src' | 'dest'): string[] {
  const args = reg.pki ? [`--${direction}-cert-dir`, join(reg.dir, 'skopeo-certs')] : [`--${direction}-tls-verify=false`];
  if (reg.adminCredential?.kind === 'basic') args.push(`--${direction}-creds`, `${reg.adminCredential.username}:${reg.adminCredential.password}`);
  return args;
}

export async function prepareSkopeoCerts(reg: TestRegistry): Promise<void> {
  if (!reg.pki) return;
  await mkdir(join(reg.dir, 'skopeo-certs'), { recursive: true });
  await writeFile(join(reg.dir, 'skopeo-certs', 'ca.crt'), reg.pki.caCert);
}

export async function skopeoCopy(source: string, reg: TestRegistry, destination: string, extra: readonly string[] = []): Promise<void> {
  await prepareSkopeoCerts(reg);
  await run('skopeo', ['copy', '--quiet', ...extra, ...skopeoTlsArgs(reg, 'dest'), source, `docker://${reg.host}/${destination}`], { timeoutMs: 300_000 });
}

export async function skopeoInspect(reg: TestRegistry, reference: string, raw = false): Promise<unknown> {
  await prepareSkopeoCerts(reg);
  const { stdout } = await run('skopeo', ['inspect', ...(raw ? ['--raw'] : []), ...skopeoTlsArgs(reg, 'src').map((a) => a.replace('--src-', '--')), `docker://${reg.host}/${reference}`]);
  return JSON.parse(stdout);
}
