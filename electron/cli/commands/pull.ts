// `stevedore pull REF FILE` / `stevedore pull REF... -o FILE`: images from registries saved into one tarball.
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { PushEvent } from '../../../shared/push.js';
import { parsePlatform } from '../../core/copy/platform.js';
import { EXPORT_FORMATS, exportImages, type ExportFormat } from '../../core/export/export-images.js';
import type { RegistryClient } from '../../core/registry/client.js';
import { openClient, type GlobalOptions } from '../context.js';
import type { Output } from '../output.js';
import { pushDisplay } from '../push-display.js';
import type { TransferOptions } from '../transfer-options.js';
import { parseUserReference } from '../user-reference.js';

const USAGE = 'usage: stevedore pull <reference> <file> | stevedore pull <reference>... -o <file> [--format docker-archive|oci-archive] [--platform os/arch[/variant]]';

export async function pullCommand(args: readonly string[], options: GlobalOptions & TransferOptions, out: Output, signal: AbortSignal): Promise<void> {
  const format = (options.format ?? 'docker-archive') as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) out.usage(`--format takes ${EXPORT_FORMATS.join(' or ')}`);
  let names = args;
  let file = options.output;
  if (file === undefined) {
    if (args.length !== 2) out.usage(USAGE);
    names = args.slice(0, 1);
    file = args[1] as string;
  } else if (args.length === 0) {
    out.usage(USAGE);
  }
  const references = names.map((n) => parseUserReference(n));
  const clients = new Map<string, RegistryClient>();
  const clientFor = async (registry: string): Promise<RegistryClient> => {
    let client = clients.get(registry);
    if (!client) {
      client = await openClient(registry, options);
      clients.set(registry, client);
    }
    return client;
  };
  const display = pushDisplay(process.stderr, false, { active: 'Saving', done: 'Saved', transfer: 'download', file: true });
  const emit = options.json ? (event: PushEvent) => out.line(JSON.stringify(event)) : display.onEvent;
  try {
    const result = await exportImages({ jobId: randomUUID(), references, file: resolve(file), format, ...(options.platform ? { platform: parsePlatform(options.platform) } : {}), emit, signal }, clientFor);
    if (!options.json) for (const image of result.images) out.line(`${image.reference}@${image.digest} -> ${file}`);
  } finally {
    for (const client of clients.values()) await client.close();
  }
}
