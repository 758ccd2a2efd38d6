// Tunes V8 for a process that lives for a moment (a command, not the app or `serve`).
//
// undici parses HTTP with llhttp compiled to WebAssembly. V8 compiles it with Liftoff, then, once a function has run
// for its tiering budget (1.8 MB of code executed by default), recompiles it with TurboFan on background threads.
// llhttp's parser is one huge function: TurboFan on it cost a no-op push more CPU than everything else it did (about
// 100 ms, half its instructions under callgrind), and on a long transfer its compile zone (tens of MB) lands on top of
// the buffers in flight: a larger budget only moved it there (cold `files`: 144 MB peak RSS against 113 MB). A command
// never needs the faster parser: response bodies pass through it as spans, so its speed does not limit a transfer
// (cold `files` of the 1 GB image: the same CPU either way). So commands keep llhttp in Liftoff.

const FLAG = '--liftoff-only';

let applied = false;

/**
 * Call before the first request (llhttp is compiled then) and before loading the commands' cached code (V8 rejects a
 * code cache made under other flags); later calls do nothing.
 */
export async function shortLivedProcess(): Promise<void> {
  if (applied) return;
  applied = true;
  // Given on node's command line already (a launcher may pass it): then node:v8, three more built-ins, need not load.
  if (process.execArgv.includes(FLAG)) return;
  try {
    (await import('node:v8')).setFlagsFromString(FLAG);
  } catch {
    // A V8 that refuses flag changes at run time only costs the recompilation.
  }
}
