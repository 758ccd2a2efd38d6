// A reference with neither tag nor digest means `latest`, as docker, crane and skopeo read it. When the repository
// has no `latest`, the error says that this is what was asked for and where the tags are.
import { StevedoreError, isStevedoreError } from '../core/errors.js';
import { formatReference, manifestReference, type Reference } from '../core/reference.js';

/** The reference as it was looked up: `repo` reads `repo:latest`. */
export function withDefaultTag(ref: Reference): Reference {
  return ref.tag === undefined && ref.digest === undefined ? { ...ref, tag: manifestReference(ref) } : ref;
}

/** Runs `work` for `ref`; a missing `latest` that the user never named becomes a hint to list the tags. */
export async function explainDefaultTag<T>(ref: Reference, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw defaultTagError(ref, error);
  }
}

export function defaultTagError(ref: Reference, error: unknown): unknown {
  const implied = ref.tag === undefined && ref.digest === undefined;
  // NAME_UNKNOWN: the repository itself is missing, and the registry's own words say so better.
  if (!implied || !isStevedoreError(error, 'NOT_FOUND') || error.details?.registryCode === 'NAME_UNKNOWN') return error;
  const repository = formatReference(ref);
  return new StevedoreError('NOT_FOUND', `${repository} has no tag "latest", which a reference without a tag means; list its tags with: stevedore tags ${repository}`, error.details);
}
