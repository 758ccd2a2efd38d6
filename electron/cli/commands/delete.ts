// `stevedore delete <reference>`: deletes the manifest a tag or digest names (every tag on it goes too).
import { formatReference, manifestReference } from '../../core/reference.js';
import { isStevedoreError } from '../../core/errors.js';
import { openClient, type GlobalOptions } from '../context.js';
import type { Output } from '../output.js';
import { parseUserReference } from '../user-reference.js';

export async function deleteCommand(args: readonly string[], options: GlobalOptions, out: Output, signal: AbortSignal): Promise<void> {
  const ref = parseUserReference(out.requireOne(args, 'delete <reference>'));
  if (ref.tag === undefined && ref.digest === undefined) out.usage('delete needs a tag or digest: stevedore delete <repository>:<tag> or <repository>@<digest>');
  const client = await openClient(ref.registry, options);
  try {
    const { digest } = await client.headManifest(ref.repository, manifestReference(ref), signal).catch(async (error: unknown) => {
      // A HEAD answer has no body to say why: ask with a GET, so a missing tag reads "manifest unknown" as in inspect.
      if (!isStevedoreError(error, 'NOT_FOUND')) throw error;
      await client.getManifest(ref.repository, manifestReference(ref), signal);
      throw error;
    });
    await client.deleteManifest(ref.repository, digest, signal);
    if (options.json) out.json({ deleted: formatReference({ ...ref, digest }), digest });
    else out.line(`Deleted ${ref.registry}/${ref.repository}@${digest}${ref.tag ? ` (was ${ref.tag}; every tag on this digest is gone too)` : ''}`);
  } finally {
    await client.close();
  }
}
