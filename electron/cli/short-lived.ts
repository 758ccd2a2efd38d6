// Tunes V8 for a process that lives for a moment (a command, not the app or `serve`).
//
// undici parses HTTP with llhttp compiled to WebAssembly. V8 compiles it with Liftoff, then, once a function has run
// for its tiering budget (1.8 MB of code executed by default), recompiles it with TurboFan on background threads.
// llhttp's parser is one huge function: TurboFan on it cost a no-op push more CPU than everything else it did (about
// 100 ms, half its instructions under callgrind), and on a long transfer its compile zone (tens of MB) lands on top of
// the buffers in flight: a larger budget only moved it there (cold `files`: 144 MB peak RSS against 113 MB). A command
// never needs the faster parser: response bodies pass through it as spans, so its speed does not limit a transfer
// (cold `files` of the 1 GB image: the same CPU either way). So commands keep llhttp in Liftoff.
//
// Only while a module compiles, though. Every V8 flag off its default changes the hash V8 checks code caches against,
// and Node's own built-in modules load from a code cache made under the default flags: with --liftoff-only set for the
// whole process, each built-in a command loaded afterwards (http, net, stream, ...) was compiled from source: about 15%
// of a no-op push's instructions (and on node's command line, 45% more for `--version`, whose built-ins all load after
// it). So the module compiles eagerly (every function at once, in Liftoff, none left to compile lazily under other
// flags later) with tier-up off, and the flags go back to their defaults before anything else runs. Liftoff code
// compiled without dynamic tiering has no tier-up checks: it stays as it is.

/** Node's command line gave it: the whole process is in Liftoff already (and its built-ins compile from source). */
const PROCESS_FLAG = '--liftoff-only';
/** While a WebAssembly module compiles. */
const COMPILE_FLAGS = '--liftoff-only --no-wasm-lazy-compilation';
/** Node 20's V8 defaults for the flags COMPILE_FLAGS sets and those --liftoff-only turns off by implication. */
const DEFAULT_FLAGS = '--no-liftoff-only --wasm-lazy-compilation --wasm-tier-up --wasm-dynamic-tiering';

/** The part of the WebAssembly global this file touches (the DOM library, which types it, is not in this build). */
interface WasmGlobal {
  Module: new (bytes: ArrayBufferView | ArrayBuffer) => object;
}

let applied = false;

/**
 * Call before the first request (llhttp is compiled then); later calls do nothing. WebAssembly modules compiled with
 * `new WebAssembly.Module` (as undici does) from then on stay in Liftoff.
 */
export function shortLivedProcess(): void {
  if (applied) return;
  applied = true;
  if (process.execArgv.includes(PROCESS_FLAG)) return;
  const wasm = (globalThis as unknown as { WebAssembly: WasmGlobal }).WebAssembly;
  const Compiled = wasm.Module;
  wasm.Module = class Module extends Compiled {
    constructor(bytes: ArrayBufferView | ArrayBuffer) {
      // node:v8 loads with the first module compiled: a command that makes no request never loads it.
      const setFlags = process.getBuiltinModule('node:v8').setFlagsFromString;
      try {
        setFlags(COMPILE_FLAGS);
      } catch {
        // A V8 that refuses flag changes at run time only costs the recompilation.
      }
      try {
        super(bytes);
      } finally {
        try {
          setFlags(DEFAULT_FLAGS);
        } catch {
          // As above: nothing was changed.
        }
      }
    }
  };
}
