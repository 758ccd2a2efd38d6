// A short-lived command keeps WebAssembly in Liftoff (--liftoff-only); when node's command line gives the flag
// already, node:v8 is not loaded to set it again.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';

const MODULE = new URL('../../electron/cli/short-lived.js', import.meta.url).href;

const probe = `
const { shortLivedProcess } = await import(${JSON.stringify(MODULE)});
await shortLivedProcess();
process.stdout.write(JSON.stringify(process.moduleLoadList.includes('NativeModule v8')));
`;

function v8Loaded(nodeArgs: readonly string[]): Promise<boolean> {
  return new Promise((resolve, reject) =>
    execFile(process.execPath, [...nodeArgs, '--input-type=module', '-e', probe], { timeout: 30_000 }, (error, out) => (error ? reject(error) : resolve(JSON.parse(out) as boolean))),
  );
}

describe('short-lived process flags', () => {
  it('sets the flag through node:v8 when node was not given it', async () => {
    assert.equal(await v8Loaded([]), true);
  });

  it('loads no node:v8 when node was given --liftoff-only', async () => {
    assert.equal(await v8Loaded(['--liftoff-only']), false);
  });
});
