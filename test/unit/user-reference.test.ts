// A registry typed alone where a repository belongs is said to be one; every other reference parses as before.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isStevedoreError } from '../../electron/core/errors.js';
import { parseReference } from '../../electron/core/reference.js';
import { parseUserReference } from '../../electron/cli/user-reference.js';

describe('references typed on the command line', () => {
  it('refuses host:port alone, naming stevedore ls', () => {
    for (const input of ['127.0.0.1:5000', 'localhost:5000', 'registry.example.com:443', '[::1]:5000', ' localhost:5000 ']) {
      assert.throws(() => parseUserReference(input), (e: unknown) => isStevedoreError(e, 'INVALID_REFERENCE') && e.message.endsWith(`stevedore ls ${input.trim()}`), input);
    }
  });

  it('parses everything else as parseReference does', () => {
    for (const input of ['nginx', 'nginx:1.25', 'library/nginx:latest', 'localhost:5000/app', '127.0.0.1:5000/team/app:1', 'registry.example.com/app@sha256:' + 'a'.repeat(64), 'localhost', 'team/app:5000']) {
      assert.deepEqual(parseUserReference(input), parseReference(input), input);
    }
  });
});
