// A short-lived command keeps WebAssembly in Liftoff: a module compiled after shortLivedProcess() never tiers up to
// TurboFan, and V8's flags are back at their defaults once it has compiled, so code caches made under them (Node's for
// its built-ins, ours for the commands) are still accepted. node:v8 loads only when a module compiles, and not at all
// when node's command line gives --liftoff-only already.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';

const MODULE = new URL('../../electron/cli/short-lived.js', import.meta.url).href;

// (func (export "f") (param i32) (result i32) (local i32): adds the numbers from the argument down to 1 in a loop.
const WASM = [
  0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 6, 1, 0x60, 1, 0x7f, 1, 0x7f, 3, 2, 1, 0, 7, 5, 1, 1, 0x66, 0, 0, 0x0a, 0x1b, 1, 0x19, 1, 1, 0x7f, 3, 0x40, 0x20, 1,
  0x20, 0, 0x6a, 0x21, 1, 0x20, 0, 0x41, 1, 0x6b, 0x22, 0, 0x0d, 0, 0x0b, 0x20, 1, 0x0b,
];

function runProbe(nodeArgs: readonly string[], body: string): Promise<unknown> {
  const probe = `const { shortLivedProcess } = await import(${JSON.stringify(MODULE)});\n${body}`;
  return new Promise((resolve, reject) =>
    execFile(process.execPath, [...nodeArgs, '--input-type=module', '-e', probe], { timeout: 30_000 }, (error, out, err) =>
      error ? reject(new Error(`${error.message}\n${err}`)) : resolve(JSON.parse(out) as unknown),
    ),
  );
}

const v8Loaded = "process.moduleLoadList.includes('NativeModule v8')";
const compile = `new WebAssembly.Module(new Uint8Array(${JSON.stringify(WASM)}))`;

describe('short-lived process flags', () => {
  it('loads node:v8 with the first WebAssembly module it compiles, not before', async () => {
    const loaded = await runProbe([], `shortLivedProcess();\nconst before = ${v8Loaded};\n${compile};\nprocess.stdout.write(JSON.stringify([before, ${v8Loaded}]));`);
    assert.deepEqual(loaded, [false, true]);
  });

  it('loads no node:v8 when node was given --liftoff-only', async () => {
    assert.equal(await runProbe(['--liftoff-only'], `shortLivedProcess();\n${compile};\nprocess.stdout.write(JSON.stringify(${v8Loaded}));`), false);
  });

  it('leaves V8 flags at their defaults: a code cache made before is accepted after a module compiled', async () => {
    const body = `
const { Script } = await import('node:vm');
const source = 'function add(a, b) { return a + b; } add(1, 2);';
const cachedData = new Script(source, { filename: 'probe.js' }).createCachedData();
shortLivedProcess();
${compile};
const again = new Script(source, { filename: 'probe.js', cachedData });
process.stdout.write(JSON.stringify(again.cachedDataRejected));`;
    assert.equal(await runProbe([], body), false);
  });

  it('keeps a hot WebAssembly function in Liftoff, where V8 alone moves it to TurboFan', async () => {
    // Far past the tiering budget each round; TurboFan compiles in the background, so rounds give it event loop turns.
    const body = (wrapped: boolean, rounds: number) => `
${wrapped ? 'shortLivedProcess();' : ''}
const f = new WebAssembly.Instance(${compile}).exports.f;
let round = 0;
while (round < ${rounds} && !%IsTurboFanFunction(f)) {
  f(1000000);
  round += 1;
  await new Promise((resolve) => setTimeout(resolve, 20));
}
process.stdout.write(JSON.stringify({ sum: f(10), liftoff: %IsLiftoffFunction(f), turbofan: %IsTurboFanFunction(f) }));`;
    assert.deepEqual(await runProbe(['--allow-natives-syntax'], body(false, 250)), { sum: 55, liftoff: false, turbofan: true }, 'the control: V8 tiers the loop up');
    assert.deepEqual(await runProbe(['--allow-natives-syntax'], body(true, 50)), { sum: 55, liftoff: true, turbofan: false });
  });
});
