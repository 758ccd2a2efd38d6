// JSON read from files the app did not just write (electron/core/json-file.ts): its structure is counted outside
// strings before JSON.parse builds anything, so a hostile file within the size bound costs a moment; errors name the
// file with a stable code and never quote its text (a config holds passwords).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { jsonBoundsProblem, readJsonFile, readJsonFileSync } from '../../electron/core/json-file.js';

const dir = mkdtempSync(join(tmpdir(), 'stevedore-json-file-'));
const bounds = { maxContainers: 3, maxCommas: 2, maxDepth: 2 };
const problem = (text: string): string | undefined => jsonBoundsProblem(Buffer.from(text), bounds);
const anything = (value: unknown): unknown => value;

describe('bounded JSON files', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('counts objects, arrays, commas and depth outside strings only', () => {
    assert.equal(problem('{"a":[1,2],"b":{}}'), undefined);
    assert.match(problem('[[],[],[]]') ?? '', /more than 3 objects and arrays/);
    assert.match(problem('[1,2,3,4]') ?? '', /more than 3 values/);
    assert.match(problem('[[[]]]') ?? '', /nested more than 2 deep/);
    // Brackets and commas inside strings are text, escaped quotes included.
    assert.equal(problem('{"k":"[[[[,,,,{{{{"}'), undefined);
    assert.equal(problem('["\\"[[[[,,,,", "\\\\"]'), undefined);
    // An even run of backslashes ends the string: what follows counts.
    assert.match(problem('["\\\\",[[[]]]]') ?? '', /nested more than 2 deep/);
    // Malformed text is left to JSON.parse.
    assert.equal(problem('["unterminated [[[[[['), undefined);
  });

  it('refuses a file past a bound, invalid JSON or a wrong shape with CONFIG naming it, quoting nothing of it', async () => {
    const file = join(dir, 'config.json');
    const options = { maxBytes: 1024, ...bounds, check: anything, remedy: '; fix or remove it' };
    for (const [text, expected] of [
      ['[[],[],[],[]]', /holds more than 3 objects and arrays, far more than a real one; fix or remove it$/],
      ['{"password": hunter2-secret}', /is not valid JSON(?: \(at character \d+\))?; fix or remove it$/],
    ] as const) {
      writeFileSync(file, text);
      for (const read of [() => readJsonFile(file, 'test config', options), async () => readJsonFileSync(file, 'test config', options)]) {
        await assert.rejects(read(), (error: Error & { code?: string }) => {
          assert.equal(error.code, 'CONFIG');
          assert.ok(error.message.startsWith(`test config ${file} `), error.message);
          assert.match(error.message, expected);
          assert.ok(!error.message.includes('hunter2'), error.message);
          return true;
        });
      }
    }
    writeFileSync(file, '{"a":1}');
    const check = (value: unknown): number => {
      if (typeof (value as { b?: unknown }).b !== 'number') throw new Error('"b" is not a number');
      return (value as { b: number }).b;
    };
    await assert.rejects(readJsonFile(file, 'test config', { ...options, check }), { code: 'CONFIG', message: `test config ${file} is not valid: "b" is not a number; fix or remove it` });
    writeFileSync(file, '{"b":7}');
    assert.equal(await readJsonFile(file, 'test config', { ...options, check }), 7);
    assert.equal(readJsonFileSync(file, 'test config', { ...options, check }), 7);
  });

  it('passes a missing file as ENOENT, refuses a big one before reading it, and a symlink where none belongs', async () => {
    await assert.rejects(readJsonFile(join(dir, 'missing.json'), 'test config', { maxBytes: 10, ...bounds, check: anything }), { code: 'ENOENT' });
    const big = join(dir, 'big.json');
    writeFileSync(big, `"${'x'.repeat(100)}"`);
    await assert.rejects(readJsonFile(big, 'test config', { maxBytes: 10, ...bounds, check: anything }), { code: 'TOO_LARGE' });
    symlinkSync(big, join(dir, 'link.json'));
    await assert.rejects(readJsonFile(join(dir, 'link.json'), 'test config', { maxBytes: 1000, ...bounds, check: anything, noFollow: true }), (error: Error & { code?: string }) => error.code === 'CONFIG' && error.message.startsWith(`cannot read test config ${join(dir, 'link.json')}`));
  });
});
