// `stevedore cat REF|ARCHIVE PATH`: a text file of an image, read from its layer up to that file and no further.
import { openFile } from '../../core/xray/open-file.js';
import { formatBytes } from '../format.js';
import type { Output } from '../output.js';
import { UsageError } from '../output.js';
import { loadImage, type XrayOptions } from '../xray-target.js';

export async function catCommand(args: readonly string[], options: XrayOptions, out: Output, signal: AbortSignal, write: (text: string) => void = (t) => void process.stdout.write(t)): Promise<void> {
  if (args.length !== 2) throw new UsageError('usage: stevedore cat <reference|archive> <path>');
  const { image, close } = await loadImage(args[0] as string, options, signal);
  try {
    const file = await openFile(image, args[1] as string, { signal });
    if (options.json) out.json(file);
    else if (file.text !== undefined) write(file.text);
    else out.line(`/${file.path}: ${file.binary ? 'binary file' : 'file larger than 1 MB'}, ${formatBytes(file.size)} (${file.size} bytes), layer ${file.layer + 1}, sha256:${file.sha256 ?? '?'}`);
  } finally {
    await close();
  }
}
