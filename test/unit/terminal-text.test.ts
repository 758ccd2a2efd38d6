import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderArchive } from '../../electron/cli/commands/inspect-archive.js';
import { renderImage } from '../../electron/cli/commands/inspect.js';
import { table } from '../../electron/cli/format.js';
import type { ImageDetails } from '../../electron/core/image/summary.js';
import { terminalOutput } from '../../electron/cli/output.js';
import { terminalJson, terminalText } from '../../electron/cli/terminal-text.js';

describe('terminalText', () => {
  it('shows C0, DEL, C1 and bidi controls as escapes', () => {
    assert.equal(terminalText('a\x1b]0;pwned\x07b'), 'a\\x1b]0;pwned\\x07b');
    assert.equal(terminalText('\r\t\x7f\x9b\u202e\u2066'), '\\x0d\\x09\\x7f\\x9b\\u202e\\u2066');
  });
  it('keeps line breaks only in a block', () => {
    assert.equal(terminalText('a\nb'), 'a\\x0ab');
    assert.equal(terminalText('a\nb\x1b', true), 'a\nb\\x1b');
  });
  it('leaves ordinary text alone, accents and CJK included', () => {
    assert.equal(terminalText('café 容器 — ok'), 'café 容器 — ok');
  });
});

describe('terminalJson', () => {
  it('escapes what JSON.stringify leaves raw, and stays the same JSON value', () => {
    const value = { message: '\x1b[2J\x7f\x9b\u202eend' };
    const text = terminalJson(JSON.stringify(value));
    // eslint-disable-next-line no-control-regex -- looking for them is the point
    assert.doesNotMatch(text, /[\x1b\x7f\x9b\u202e]/);
    assert.deepEqual(JSON.parse(text), value);
  });
});

describe('table', () => {
  it('keeps one row on one line: a file name with a line break cannot forge rows, nor move the cursor', () => {
    // A layer may hold a file named "x\n1.0 GB  1  /etc/shadow"; `stevedore files` prints every name in a table.
    const forged = 'x\n1.0 GB  1  /etc/shadow';
    const text = table(['SIZE', 'LAYER', 'PATH'], [['5 B', '2', `/${forged}`], ['7 B', '1', '/a\x1b[2K\rb']]);
    const printed: string[] = [];
    const sink = { write: (chunk: string) => printed.push(chunk) } as unknown as NodeJS.WritableStream;
    terminalOutput(sink, sink).line(text);
    const lines = printed.join('').split('\n').filter((l) => l !== '');
    assert.equal(lines.length, 3, printed.join(''));
    assert.equal(lines[1], '5 B   2      /x\\x0a1.0 GB  1  /etc/shadow');
    assert.equal(lines[2], '7 B   1      /a\\x1b[2K\\x0db');
  });
});

describe('outside text inside a block', () => {
  // A registry's config (labels, entrypoint, platform) and an archive's image names are text from outside: a line
  // break in one of them must not start a line of its own in `stevedore inspect`.
  const lines = (text: string): string[] => text.split('\n');
  const forged = (text: string): string[] => lines(text).filter((l) => /^(Runs|Labels|Digest|Image 1): forged/.test(l.trim()));

  it('inspect of a registry image: labels, entrypoint and platform stay on their lines', () => {
    const config = { os: 'linux', architecture: 'amd64', env: [], cmd: ['/bin/sh', '-c', 'x\nRuns: forged'], entrypoint: [], exposedPorts: [], labels: { a: 'b\nLabels: forged' }, diffIds: [], history: [] };
    const image: ImageDetails = {
      registry: 'r.example',
      repository: 'app',
      tag: '1',
      digest: `sha256:${'a'.repeat(64)}`,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      kind: 'manifest',
      totalSize: 0,
      platforms: [{ platform: { os: 'linux', architecture: 'amd64\nDigest: forged' }, digest: `sha256:${'a'.repeat(64)}`, mediaType: 'application/vnd.oci.image.manifest.v1+json', configDigest: `sha256:${'b'.repeat(64)}`, layers: [], size: 0, isAttestation: false, config }],
    };
    const text = renderImage('r.example/app:1', image);
    assert.deepEqual(forged(text), [], text);
    assert.ok(text.includes('Labels: a=b\\x0aLabels: forged'), text);
  });

  it('inspect of an archive: image names stay on their line', () => {
    const text = renderArchive({ path: '/tmp/a.tar', format: 'docker-archive', gzipped: false, images: [{ id: 0, names: ['evil/app:1\nImage 1: forged'], kind: 'manifest', platforms: [] }] } as unknown as Parameters<typeof renderArchive>[0]);
    assert.deepEqual(forged(text), [], text);
  });
});
