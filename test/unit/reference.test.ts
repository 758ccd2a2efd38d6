import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isStevedoreError } from '../../electron/core/errors.js';
import { apiHost, formatReference, isLoopbackHost, manifestReference, parseReference, parseRegistry } from '../../electron/core/reference.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('parseReference', () => {
  it('applies Docker Hub defaults and library/ for single names', () => {
    assert.deepEqual(parseReference('alpine'), { registry: 'docker.io', repository: 'library/alpine' });
    assert.deepEqual(parseReference('alpine:3.20'), { registry: 'docker.io', repository: 'library/alpine', tag: '3.20' });
    assert.deepEqual(parseReference('bitnami/redis'), { registry: 'docker.io', repository: 'bitnami/redis' });
    assert.deepEqual(parseReference('index.docker.io/alpine'), { registry: 'docker.io', repository: 'library/alpine' });
  });

  it('recognises registries by a dot, a port or localhost', () => {
    assert.deepEqual(parseReference('localhost/app'), { registry: 'localhost', repository: 'app' });
    assert.deepEqual(parseReference('localhost:5000/team/app:1.0'), { registry: 'localhost:5000', repository: 'team/app', tag: '1.0' });
    assert.deepEqual(parseReference('ghcr.io/org/app'), { registry: 'ghcr.io', repository: 'org/app' });
    assert.deepEqual(parseReference('127.0.0.1:5000/app'), { registry: '127.0.0.1:5000', repository: 'app' });
    assert.deepEqual(parseReference('[::1]:5000/app:x'), { registry: '[::1]:5000', repository: 'app', tag: 'x' });
  });

  it('keeps tag and digest together', () => {
    assert.deepEqual(parseReference(`reg.io:443/app:1@${DIGEST}`), { registry: 'reg.io:443', repository: 'app', tag: '1', digest: DIGEST });
    assert.equal(manifestReference(parseReference(`reg.io/app:1@${DIGEST}`)), DIGEST);
    assert.equal(manifestReference(parseReference('reg.io/app')), 'latest');
  });

  it('rejects bad references with the reason', () => {
    const cases: [string, RegExp][] = [
      ['', /empty/],
      ['Reg.io/App', /lowercase/],
      ['reg.io/app:bad tag', /tag/],
      [`reg.io/app@sha256:${'a'.repeat(10)}`, /right length/],
      ['reg.io/app@md5:abc', /unsupported digest algorithm/],
      ['https://reg.io/app', /scheme/],
      ['reg.io/a..b', /lowercase letters/],
      [`reg.io/${'a'.repeat(256)}`, /255/],
    ];
    for (const [input, why] of cases) {
      assert.throws(
        () => parseReference(input),
        (error: unknown) => isStevedoreError(error, 'INVALID_REFERENCE') && why.test(error.message),
        input,
      );
    }
  });

  it('formats back to the canonical form', () => {
    assert.equal(formatReference(parseReference('alpine:3')), 'docker.io/library/alpine:3');
  });
});

describe('registries', () => {
  it('parses a registry given alone', () => {
    assert.deepEqual(parseRegistry('localhost:5000'), { registry: 'localhost:5000' });
    assert.deepEqual(parseRegistry('https://reg.example.com/v2/'), { registry: 'reg.example.com', scheme: 'https' });
    assert.deepEqual(parseRegistry('registry-1.docker.io'), { registry: 'docker.io' });
    assert.throws(() => parseRegistry('not a host'), /not a valid registry host/);
  });

  it('knows Docker Hub API host and loopback hosts', () => {
    assert.equal(apiHost('docker.io'), 'registry-1.docker.io');
    assert.equal(apiHost('localhost:5000'), 'localhost:5000');
    for (const host of ['localhost', 'localhost:5000', '127.0.0.1', '127.1.2.3:80', '[::1]:5000', '[::1]']) assert.ok(isLoopbackHost(host), host);
    for (const host of ['example.com', '10.0.0.1:5000', '128.0.0.1', 'localhost.example.com']) assert.ok(!isLoopbackHost(host), host);
  });
});
