// The reason shown beside the disabled "stored by Stevedore" option names the option to choose instead by the words
// the registry dialog shows (it said "docker config", which the dialog never shows).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { noSecretStore, noStoreMessage } from '../../electron/host/secret-store.js';

describe('no secure store message', () => {
  it('names the credentials option as the registry dialog labels it', async () => {
    const dialog = await readFile(join(process.cwd(), 'renderer', 'src', 'components', 'RegistryDialog.tsx'), 'utf8');
    const label = /<option value="docker-config">([^<]+)<\/option>/.exec(dialog)?.[1];
    assert.ok(label, 'the docker-config option in RegistryDialog.tsx');
    assert.ok(noStoreMessage(noSecretStore).includes(`"${label}"`), noStoreMessage(noSecretStore));
  });
});
