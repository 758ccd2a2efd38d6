// `--all-tags`: every tag of a repository, one image after another; blobs the tags share go once (the later tags
// find them with HEAD) and each tag is written only when its own image is complete.
import { formatReference, type Reference } from '../reference.js';
import { copyImage, type CopyEndpoints, type CopyRequest, type CopyResult, type CopySettings, DEFAULT_COPY_SETTINGS } from './copy-image.js';
import { StevedoreError } from '../errors.js';

/** A repository with more tags than this is refused: copy it tag by tag, or raise the limit. */
export const MAX_TAGS = 10_000;

export interface CopyTagsRequest extends Omit<CopyRequest, 'source' | 'target' | 'jobId'> {
  readonly jobId: (tag: string) => string;
  readonly source: Reference;
  readonly target: Reference;
}

export async function copyAllTags(request: CopyTagsRequest, endpoints: CopyEndpoints, settings: CopySettings = DEFAULT_COPY_SETTINGS): Promise<CopyResult[]> {
  if (request.source.tag || request.source.digest || request.target.tag || request.target.digest) {
    throw new StevedoreError('INVALID_ARGUMENT', `copying every tag copies a whole repository: name repositories without a tag or digest (${formatReference(request.source)} -> ${formatReference(request.target)})`, { choice: 'all-tags' });
  }
  const tags = await endpoints.source.listTags(request.source.repository, request.signal ? { signal: request.signal } : {});
  if (tags.length > MAX_TAGS) throw new StevedoreError('TOO_LARGE', `${formatReference(request.source)} has ${tags.length} tags, more than the ${MAX_TAGS} copied at once`);
  const results: CopyResult[] = [];
  for (const tag of [...tags].sort()) {
    const { jobId, ...rest } = request;
    results.push(await copyImage({ ...rest, jobId: jobId(tag), source: { ...request.source, tag }, target: { ...request.target, tag } }, endpoints, settings));
  }
  return results;
}
