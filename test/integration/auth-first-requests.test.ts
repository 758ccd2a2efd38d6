// Concurrent first requests to a registry with Basic auth: one 401 teaches the challenge, and every other request
// (the waiting ones, and all later ones on the same origin) carries the credentials from the start. Counted in the
// real registry's own access log.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { clientFor } from '../harness/clients.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { closeSeeders, seedImage } from '../harness/seed.js';

const REPOSITORIES = ['first/a', 'first/b', 'first/c', 'first/d', 'first/e', 'first/f'];

/** Status codes of the requests the registry logged (Apache combined format: `"GET /v2/ HTTP/1.1" 401 ...`). */
async function logged(reg: TestRegistry): Promise<number[]> {
  const statuses: number[] = [];
  for (const match of (await reg.logs()).matchAll(/"[A-Z]+ \/v2\/\S* HTTP\/[\d.]+" (\d{3}) /g)) statuses.push(Number(match[1]));
  return statuses;
}

/** The log once it stops growing: a line is written just after its response, so it may trail the client a little. */
async function answered(reg: TestRegistry): Promise<number[]> {
  let last = await logged(reg);
  for (let i = 0; i < 40; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = await logged(reg);
    if (now.length === last.length) return now;
    last = now;
  }
  return last;
}

describe('Basic auth on concurrent first requests (htpasswd registry)', () => {
  let reg: TestRegistry;
  before(async () => {
    reg = await startRegistry('basic', { accessLog: true });
    for (const repository of REPOSITORIES) await seedImage(reg, repository, '1');
  });
  after(async () => {
    await closeSeeders(reg);
    await reg.stop();
  });

  it('meets one 401 in all, then sends Basic with every request', async () => {
    const before = await answered(reg);
    const client = clientFor(reg);
    try {
      const digests = await Promise.all(REPOSITORIES.map((repository) => client.headManifest(repository, '1')));
      assert.equal(digests.length, REPOSITORIES.length);
      const first = (await answered(reg)).slice(before.length);
      assert.equal(first.filter((s) => s === 401).length, 1, `statuses: ${first.join(' ')}`);
      assert.equal(first.filter((s) => s === 200).length, REPOSITORIES.length, `statuses: ${first.join(' ')}`);

      await Promise.all(REPOSITORIES.map((repository) => client.listTags(repository)));
      const later = (await answered(reg)).slice(before.length + first.length);
      assert.deepEqual(later, REPOSITORIES.map(() => 200), 'no 401 once the challenge is known');
    } finally {
      await client.close();
    }
  });
});
