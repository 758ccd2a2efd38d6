// Checks shared by the push tests: a failed or cancelled push must leave no tag behind.
import assert from 'node:assert/strict';
import { isStevedoreError } from '../../electron/core/errors.js';
import { clientFor } from './clients.js';
import type { TestRegistry } from './registry.js';

export async function assertNoTag(reg: TestRegistry, repository: string, tag: string): Promise<void> {
  const client = clientFor(reg);
  try {
    await assert.rejects(client.headManifest(repository, tag), (e: unknown) => isStevedoreError(e, 'NOT_FOUND'));
  } finally {
    await client.close();
  }
}
