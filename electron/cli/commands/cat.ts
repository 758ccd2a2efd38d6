// `stevedore cat REF|ARCHIVE PATH`: a text file of an image, read from its layer up to that file and no further.
import { openFile } from '../../core/xray/open-file.js';
import { formatBytes } from '../format.js';
import type { Output } from '../output.js';
import { UsageError } from '../output.js';
import { terminalFileText } from '../terminal-text.js';
import { loadImage, type XrayOptions } from '../xray-target.js';

/**
 * On a terminal the file's control characters are escaped (an image's file must not drive the terminal: set its
 * title, clear the screen, hide a line); into a pipe or a file its text goes out unchanged.
 */
export async function catCommand(args: readonly string[], options: XrayOptions, out: Output, signal: AbortSignal, write: (text: string) => void = (t) => void process.stdout.write(t), terminal = process.stdout.isTTY === true): Promise<void> {
  if (args.length !== 2) throw new UsageError('usage: stevedore cat <reference|archive> <path>');
  const { image, close } = await loadImage(args[0] as string, options, signal);
  try {
    const file = await openFile(image, args[1] as string, { signal });
    if (options.json) out.json(file);
    else if (file.text !== undefined) write(terminal ? terminalFileText(file.text) : file.text);
    else out.line(`/${file.path}: ${file.binary ? 'binary file' : 'file larger than 1 MB'}, ${formatBytes(file.size)} (${file.size} bytes), layer ${file.layer + 1}, sha256:${file.sha256 ?? '?'}`);
  } finally {
    await close();
  }
}
