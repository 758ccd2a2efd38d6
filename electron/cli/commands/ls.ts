// `stevedore ls <registry>`: every repository in the catalog, page by page as they arrive.
import { StevedoreError } from '../../core/errors.js';
import { parseRegistry } from '../../core/reference.js';
import { openClient, type GlobalOptions } from '../context.js';
import type { Output } from '../output.js';

export async function lsCommand(args: readonly string[], options: GlobalOptions & { pageSize?: number }, out: Output, signal: AbortSignal): Promise<void> {
  const target = out.requireOne(args, 'ls <registry>');
  // `ls localhost:5000/team/app`: a repository where the registry belongs (parseRegistry would call it a bad host).
  const repository = /^([^/]+)\/(?!v2\/?$)(.+)$/.exec(target.trim().replace(/^https?:\/\//i, ''));
  if (repository) {
    throw new StevedoreError('INVALID_REFERENCE', `${target.trim()} names a repository; ls takes a registry (stevedore ls ${repository[1]}), and stevedore tags ${target.trim()} lists the repository's tags`);
  }
  const { registry, scheme } = parseRegistry(target);
  const client = await openClient(registry, options, scheme);
  try {
    const all: string[] = [];
    let listed = 0;
    for await (const page of client.catalogPages({ signal, ...(options.pageSize ? { pageSize: options.pageSize } : {}) })) {
      listed += page.length;
      if (options.json) for (const name of page) all.push(name);
      else if (page.length > 0) out.line(page.join('\n'));
    }
    if (options.json) out.json(all);
    // As tags says "no tags": an empty registry, told from a command that printed nothing for another reason.
    else if (listed === 0) out.note(`no repositories in ${registry}`);
  } finally {
    await client.close();
  }
}
