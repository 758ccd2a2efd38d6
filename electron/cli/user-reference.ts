// A reference the user typed. `127.0.0.1:5000` or `localhost:5000` alone is, by the grammar, the Docker Hub image
// library/127.0.0.1 tagged 5000, which is never what was meant (official images have no dot in their name): it names a
// registry, so the command says how to list it instead of asking Docker Hub.
import { StevedoreError } from '../core/errors.js';
import { parseReference, type Reference } from '../core/reference.js';

const REGISTRY_ALONE = /^(?:localhost|\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)+):[0-9]{1,5}$/;

export function parseUserReference(input: string): Reference {
  const trimmed = input.trim();
  if (REGISTRY_ALONE.test(trimmed)) {
    throw new StevedoreError('INVALID_REFERENCE', `${trimmed} names a registry, not a repository or image: list its repositories with stevedore ls ${trimmed}`);
  }
  return parseReference(input);
}
