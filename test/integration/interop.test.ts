// Images written by independent tools (umoci builds, skopeo pushes) read back by the engine and checked
// against what skopeo itself reports.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { imageSummary } from '../../electron/core/image/summary.js';
import { clientFor } from '../harness/clients.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { skopeoCopy, skopeoInspect, umociImage } from '../harness/tools.js';

for (const mode of ['token', 'tls'] as const) {
  describe(`images pushed by skopeo (${mode})`, () => {
    let reg: TestRegistry;
    let work: string;
    before(async () => {
      reg = await startRegistry(mode);
      work = await mkdtemp(join(tmpdir(), 'stevedore-interop-'));
      const layout = await umociImage(work, 'v1', { '/etc/motd': 'hello from umoci\n', '/srv/data.bin': Buffer.alloc(200_000, 7) });
      await skopeoCopy(`oci:${layout}:v1`, reg, 'interop/umoci:v1');
      await skopeoCopy(`oci:${layout}:v1`, reg, 'interop/as-docker:v1', ['--format', 'v2s2']);
    });
    after(async () => {
      await reg.stop();
      await rm(work, { recursive: true, force: true });
    });

    for (const repo of ['interop/umoci', 'interop/as-docker']) {
      it(`${repo}: digest, layers and config agree with skopeo inspect`, async () => {
        const client = clientFor(reg);
        const summary = await imageSummary(client, { registry: reg.host, repository: repo, tag: 'v1' });
        const theirs = (await skopeoInspect(reg, `${repo}:v1`)) as { Digest: string; Layers: string[]; Labels: Record<string, string>; Architecture: string };
        const raw = (await skopeoInspect(reg, `${repo}:v1`, true)) as { layers: { size: number }[] };
        assert.equal(summary.digest, theirs.Digest);
        const [platform] = summary.platforms;
        assert.deepEqual(platform?.layers.map((l) => l.digest), theirs.Layers);
        assert.deepEqual(platform?.layers.map((l) => l.size), raw.layers.map((l) => l.size));
        assert.equal(platform?.platform.architecture, theirs.Architecture);
        assert.equal(platform?.config?.labels['org.example.built-by'], 'umoci');
        assert.deepEqual(platform?.config?.cmd, ['/bin/app']);
        assert.equal(summary.mediaType, repo.endsWith('as-docker') ? 'application/vnd.docker.distribution.manifest.v2+json' : 'application/vnd.oci.image.manifest.v1+json');
        await client.close();
      });
    }
  });
}
