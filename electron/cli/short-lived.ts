// Tunes V8 for a process that lives for a moment (a command, not the app or `serve`).
//
// undici parses HTTP with llhttp compiled to WebAssembly. V8 compiles it with Liftoff, then, once a function has run
// for its tiering budget (1.8 MB of code executed by default), recompiles it with TurboFan on background threads.
// llhttp's parser is one huge function that uses up that budget within a handful of responses, and TurboFan on it
// cost a no-op push more CPU than everything else it did (about 100 ms, half its instructions under callgrind). A
// command never parses enough to earn that back: response bodies pass through the parser as spans, so its speed does
// not limit a transfer. A larger budget defers the recompilation to processes that parse a great deal.

/** 55 times V8's default: a long copy of many blobs still reaches it, a short command does not. */
const WASM_TIERING_BUDGET = 100_000_000;

let applied = false;

/**
 * Call before the first request (llhttp is compiled then) and before loading the commands' cached code (V8 rejects a
 * code cache made under other flags); later calls do nothing.
 */
export async function shortLivedProcess(): Promise<void> {
  if (applied) return;
  applied = true;
  try {
    (await import('node:v8')).setFlagsFromString(`--wasm-tiering-budget=${WASM_TIERING_BUDGET}`);
  } catch {
    // A V8 that refuses flag changes at run time only costs the recompilation.
  }
}
