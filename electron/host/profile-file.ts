// What registries.json must hold to be believed: its schema version, and each profile as the page could have saved
// it. Loaded with the list itself (not at start-up: the web host prints its address before the schemas load).
import * as z from 'zod';
import type { RegistryProfile } from '../../shared/registry-profile.js';
import { profileInput } from '../../shared/contract.js';
import { StevedoreError } from '../core/errors.js';
import { MAX_BOOKMARKS, MAX_PROFILES, SCHEMA_VERSION } from './profile-store.js';

/**
 * The file's structure, counted before it is parsed: its object and list, and per profile an object and its bookmarks
 * list, with room to spare; a comma per bookmark and per profile field. A hostile file within the size bound (16 MB
 * of `[[],…]`) is refused in a moment instead of costing seconds and a gigabyte to parse.
 */
export const FILE_BOUNDS = {
  maxContainers: 2 + MAX_PROFILES * 4,
  maxCommas: MAX_BOOKMARKS + MAX_PROFILES * 20,
  maxDepth: 8,
} as const;

const storedFile = z.object({
  version: z.number(),
  profiles: z.array(profileInput.extend({ id: z.string().min(1).max(200) })).max(MAX_PROFILES),
});

/** The profiles the file holds; a file of another version is refused as such (never rewritten by this build). */
export function checkProfileFile(path: string): (value: unknown) => RegistryProfile[] {
  return (value) => {
    const version = (value as { version?: unknown } | null)?.version;
    if (version !== SCHEMA_VERSION) throw new StevedoreError('CONFIG', `${path} has schema version ${String(version)}, this build reads ${SCHEMA_VERSION}`);
    const parsed = storedFile.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'wrong shape'}`);
    }
    const bookmarks = parsed.data.profiles.reduce((sum, p) => sum + p.bookmarks.length, 0);
    if (bookmarks > MAX_BOOKMARKS) throw new Error(`it holds ${bookmarks} bookmarks, more than the ${MAX_BOOKMARKS} kept`);
    return parsed.data.profiles;
  };
}
