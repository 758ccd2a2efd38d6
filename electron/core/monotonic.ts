// A monotonic clock in milliseconds. `performance.now()` would do, but node:perf_hooks (or the global `performance`,
// which loads it) brings ten more built-in modules to compile: a visible share of a short command's start-up.
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
