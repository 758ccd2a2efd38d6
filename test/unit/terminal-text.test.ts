import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { table } from '../../electron/cli/format.js';
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
