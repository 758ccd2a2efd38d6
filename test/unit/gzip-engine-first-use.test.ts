// The push engine's compressor starts on first use: a push that compresses nothing (every blob already there) never
// loads the native addon. Run in a child process, where nothing else has loaded it yet.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { openGzipEngine } from '../../electron/core/workers/gzip-engine.js';
import { loadNativeGzip } from '../../electron/core/workers/native-gzip.js';

const ENGINE = new URL('../../electron/core/workers/gzip-engine.js', import.meta.url).href;

const probe = `
import { createRequire } from 'node:module';
const { openGzipEngine } = await import(${JSON.stringify(ENGINE)});
const addonLoaded = () => Object.keys(createRequire(import.meta.url).cache).some((file) => file.endsWith('stevedore_gzip.node'));
const unused = openGzipEngine();
await unused.close();
const before = addonLoaded();
const used = openGzipEngine();
const name = used.name;
await used.close();
process.stdout.write(JSON.stringify({ before, after: addonLoaded(), name }));
`;

describe('gzip engine, started on first use', () => {
  it('loads no addon for an engine that is closed unused, and the addon once one is used', async (t) => {
    if (!loadNativeGzip()) return t.skip('the addon was not built here');
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['--input-type=module', '-e', probe], { cwd: fileURLToPath(new URL('.', import.meta.url)), timeout: 30_000 }, (error, out) => (error ? reject(error) : resolve(out))),
    );
    const seen = JSON.parse(stdout) as { before: boolean; after: boolean; name: string };
    assert.equal(seen.before, false, 'an unused engine loaded the addon');
    assert.equal(seen.after, true);
    assert.match(seen.name, /native/);
  });

  it('compresses as the engine it starts, and refuses work once closed', async () => {
    const engine = openGzipEngine(1);
    const data = Buffer.from('a layer compresses '.repeat(1000));
    assert.deepEqual(gunzipSync(await engine.gzip(data, engine.defaultLevel)), data);
    assert.ok((engine.window ?? 0) >= engine.concurrency);
    await engine.close();
    await assert.rejects(engine.gzip(data, 1));
    const never = openGzipEngine(1);
    await never.close();
    await assert.rejects(never.gzip(data, 1));
  });
});
