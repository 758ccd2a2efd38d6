// Whether a block is worth compressing, decided the same way by both gzip engines (the libdeflate addon and zlib):
// random or already-compressed bytes are stored rather than searched for matches, a copy instead of seconds of CPU.
// The engines judge the same bytes (this sample) by the same rule (it must deflate at level 1 to at most
// sampleLimit bytes); only the deflater measuring it is each engine's own.

/**
 * A block is sampled at this many spots spread across it, this many bytes each: 16 KiB in all costs 1.5% of a 1 MiB
 * block's compression. One 64 KiB sample from the middle cost 6% and stored whole blocks of the benchmark's binaries
 * because an already-compressed section sat in their middle.
 */
const SPOTS = 4;
const SPOT = 4 * 1024;
/** Smaller blocks are always compressed: judging them would cost a noticeable share of compressing them. */
const SAMPLED_FROM = SPOTS * SPOT * 8;

/** The bytes `data` is judged by (its spots, one after another), or undefined when it is compressed unjudged. */
export function compressibilitySample(data: Uint8Array): Uint8Array | undefined {
  if (data.length < SAMPLED_FROM) return undefined;
  const sample = new Uint8Array(SPOTS * SPOT);
  for (let i = 0; i < SPOTS; i++) {
    const at = Math.floor(((2 * i + 1) * (data.length - SPOT)) / (2 * SPOTS));
    sample.set(data.subarray(at, at + SPOT), i * SPOT);
  }
  return sample;
}

/**
 * The most bytes the sample may deflate to for its block to be compressed. Only a block none of whose spots shrinks
 * is stored, so a block mixing text and compressed data still shrinks.
 */
export function sampleLimit(sample: Uint8Array): number {
  return Math.floor(sample.length * 0.97);
}
