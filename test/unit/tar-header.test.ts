// Tar numbers come from untrusted bytes: octal digits only (space/NUL padded) or GNU base-256, never negative or NaN.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isStevedoreError } from '../../electron/core/errors.js';
import { parsePax, tarNumber } from '../../electron/core/archive/tar-header.js';

const field = (text: string | number[]): Buffer => {
  const out = Buffer.alloc(12);
  if (typeof text === 'string') out.write(text, 'latin1');
  else Buffer.from(text).copy(out);
  return out;
};
const size = (bytes: Buffer): number => tarNumber(bytes, 0, 12, 'size', 'entry');
const refused = (pattern: RegExp) => (e: unknown) => isStevedoreError(e, 'ARCHIVE_INVALID') && pattern.test(e.message);

describe('tar numbers', () => {
  it('reads octal with NUL or space padding, and empty fields as 0', () => {
    assert.equal(size(field('00000003000\0')), 0o3000);
    assert.equal(size(field('    3000 \0')), 0o3000);
    assert.equal(size(field('')), 0);
    assert.equal(size(field('77777777777\0')), 0o77777777777);
  });

  it('reads GNU base-256, positive only', () => {
    assert.equal(size(field([0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0, 0])), 0x020000);
    assert.equal(size(field([0x80, 0, 0, 0, 0, 0, 0x02, 0, 0, 0, 0, 0])), 2 ** 41);
    assert.throws(() => size(field([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfa, 0x00])), refused(/negative size/));
    assert.throws(() => size(field([0x80, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])), refused(/too large/));
  });

  it('refuses a sign, non-octal digits, junk between digits, and text', () => {
    for (const bad of ['-0000003000', '+0000003000', '00000000089', '0000 03000', '0x1234', 'NaN', '1e3']) {
      assert.throws(() => size(field(bad)), refused(/size ".*" in the tar header is not an octal number/), bad);
    }
  });
});

describe('pax records', () => {
  const pax = (records: string): Record<string, string> => parsePax(Buffer.from(records), 'pax header');
  /** "<length> key=value\n", the length counting itself. */
  const record = (key: string, value: string): string => {
    const body = ` ${key}=${value}\n`;
    let length = body.length + 1;
    while (`${length}${body}`.length !== length) length = `${length}${body}`.length;
    return `${length}${body}`;
  };
  it('reads well-formed records', () => {
    assert.deepEqual(pax(record('size', '42') + record('path', 'a/long/name')), { size: '42', path: 'a/long/name' });
    assert.deepEqual(pax(record('mtime', '1700000000.5')), { mtime: '1700000000.5' });
  });

  it('refuses negative, fractional or non-numeric sizes and ids', () => {
    for (const value of ['-1536', '1.5', 'abc', '', ' 12', '0x10']) {
      assert.throws(() => pax(record('size', value)), refused(/pax size ".*" is not a non-negative integer/), value);
    }
    assert.throws(() => pax(record('uid', '-1')), refused(/pax uid/));
    assert.throws(() => pax(record('mtime', '-100')), refused(/pax mtime/));
  });

  it('refuses records whose length is wrong or missing', () => {
    assert.throws(() => pax('99 size=42\n'), refused(/malformed pax record/));
    assert.throws(() => pax('-5 size=42\n'), refused(/malformed pax record length/));
    assert.throws(() => pax('0 x\n'), refused(/malformed pax record/));
    assert.throws(() => pax('5 size=42\n'), refused(/malformed pax record/));
  });
});
