// The tag's PUT is the commit point of a push and of a copy: before it the registry names nothing new, after it the
// tag names the new image. A cancel while that PUT is in flight ends the job at once: the PUT is aborted, not waited
// for (a registry that hangs there would hold Cancel for the transport's timeout). The request may have reached the
// registry whole and been stored all the same, so the job then asks the registry, within a short deadline, what the
// tag names, and says which of two things is true: the tag written (naming its digest), or unknown. An answer that the
// tag names something else (or nothing) does not mean it was not written: the registry may still be storing the PUT
// it received (checking the manifest's blobs, on slow storage, takes a while), and the question, on a connection of
// its own, can overtake it. Only the registry's own answer to the PUT could say "not written", and it was abandoned.
import type { TagState } from '../../../shared/errors.js';
import { StevedoreError, isStevedoreError } from '../errors.js';
import type { UploadSessions } from '../registry/upload-session.js';

/** How long a cancelled job waits for the registry to say what its tag names: Cancel ends a job within about a second. */
export const TAG_CHECK_MS = 750;

export interface TagCommit {
  readonly verb: 'push' | 'copy';
  /** The job's target as it reports it (`registry/repository:tag`). */
  readonly target: string;
  readonly sessions: UploadSessions;
  /** The reference the PUT writes: the tag (or, for a target named by digest, that digest). */
  readonly reference: string;
  /** The digest of the manifest the PUT sends. */
  readonly digest: string;
  readonly signal: AbortSignal;
}

/**
 * Runs the tag's PUT (`put`, given the job's signal). A cancel before it leaves throws the signal's reason, as every
 * earlier step does; a cancel while it is in flight throws CANCELLED saying what the registry answered afterwards.
 */
export async function commitTag(commit: TagCommit, put: (signal: AbortSignal) => Promise<void>): Promise<void> {
  commit.signal.throwIfAborted();
  try {
    await put(commit.signal);
  } catch (error) {
    if (!commit.signal.aborted) throw error;
    throw await cancelledAtTag(commit);
  }
}

/** The CANCELLED error commitTag threw, which already tells what became of the tag; undefined for any other error. */
export function tagCancelOutcome(error: unknown): StevedoreError | undefined {
  return isStevedoreError(error, 'CANCELLED') && error.details.tagState !== undefined ? error : undefined;
}

async function cancelledAtTag(commit: TagCommit): Promise<StevedoreError> {
  const { verb, target, digest } = commit;
  // The job's signal is aborted: the question gets a deadline of its own.
  const answer = await commit.sessions.tagAnswer(commit.reference, AbortSignal.timeout(TAG_CHECK_MS));
  const told = (tagState: TagState, message: string): StevedoreError => new StevedoreError('CANCELLED', message, { tagState, ...(tagState === 'written' ? { digest } : {}) });
  const unknown = (why: string): StevedoreError => told('unknown', `${verb} cancelled while the registry was writing the tag: whether ${target} was written is unknown (${why})`);
  if (answer === undefined) return unknown('the registry did not answer');
  if (answer.digest === digest) return told('written', `${verb} cancelled after the registry wrote the tag: ${target} is ${digest}`);
  return unknown('the registry did not name it yet when asked, and may still write it');
}
