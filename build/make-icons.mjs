// Makes every platform's icon from the one source, build/icon.png (1024x1024): build/icons/NxN.png for Linux,
// icon.icns (PNG-payload entries, macOS 10.7+) and icon.ico (PNG-payload entries, Vista+). Run by `npm run dist`;
// `--out DIR` writes elsewhere (the packaging test does that). Decodes only what make-icon.mjs writes: 8-bit RGBA.
import { Buffer } from 'node:buffer';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';
import { decodePng, encodePng } from './png.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const outArg = process.argv.indexOf('--out');
const out = outArg > 0 ? process.argv[outArg + 1] : here;
export const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
// ICNS types that carry a PNG: ic07 128, ic08 256, ic09 512, ic10 1024 (512@2x), ic11 32 (16@2x), ic12 64 (32@2x).
const ICNS_TYPES = [['ic11', 32], ['ic12', 64], ['ic07', 128], ['ic08', 256], ['ic09', 512], ['ic10', 1024]];
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];

// Area average with premultiplied alpha, so transparent corners do not darken the edges.
function downscale(image, size) {
  if (size === image.width) return image;
  const scale = image.width / size;
  const pixels = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0, g = 0, b = 0, a = 0, n = 0;
      for (let sy = Math.floor(y * scale); sy < Math.floor((y + 1) * scale); sy++) {
        for (let sx = Math.floor(x * scale); sx < Math.floor((x + 1) * scale); sx++) {
          const i = (sy * image.width + sx) * 4;
          const alpha = image.pixels[i + 3];
          r += image.pixels[i] * alpha;
          g += image.pixels[i + 1] * alpha;
          b += image.pixels[i + 2] * alpha;
          a += alpha;
          n++;
        }
      }
      const o = (y * size + x) * 4;
      pixels[o] = a ? Math.round(r / a) : 0;
      pixels[o + 1] = a ? Math.round(g / a) : 0;
      pixels[o + 2] = a ? Math.round(b / a) : 0;
      pixels[o + 3] = Math.round(a / n);
    }
  }
  return { width: size, height: size, pixels };
}

const source = decodePng(readFileSync(join(here, 'icon.png')));
if (source.width !== 1024 || source.height !== 1024) throw new Error('build/icon.png must be 1024x1024');
const pngs = new Map();
const png = (size) => {
  if (!pngs.has(size)) pngs.set(size, encodePng(downscale(source, size)));
  return pngs.get(size);
};

mkdirSync(join(out, 'icons'), { recursive: true });
for (const size of LINUX_SIZES) writeFileSync(join(out, 'icons', `${size}x${size}.png`), png(size));

const icnsEntries = ICNS_TYPES.map(([type, size]) => {
  const head = Buffer.alloc(8);
  head.write(type, 0, 'latin1');
  head.writeUInt32BE(8 + png(size).length, 4);
  return Buffer.concat([head, png(size)]);
});
const icnsBody = Buffer.concat(icnsEntries);
const icnsHead = Buffer.alloc(8);
icnsHead.write('icns', 0, 'latin1');
icnsHead.writeUInt32BE(8 + icnsBody.length, 4);
writeFileSync(join(out, 'icon.icns'), Buffer.concat([icnsHead, icnsBody]));

const icoHead = Buffer.alloc(6);
icoHead.writeUInt16LE(0, 0);
icoHead.writeUInt16LE(1, 2);
icoHead.writeUInt16LE(ICO_SIZES.length, 4);
let dataOffset = 6 + 16 * ICO_SIZES.length;
const directory = ICO_SIZES.map((size) => {
  const entry = Buffer.alloc(16);
  entry[0] = size === 256 ? 0 : size;
  entry[1] = size === 256 ? 0 : size;
  entry.writeUInt16LE(1, 4);
  entry.writeUInt16LE(32, 6);
  entry.writeUInt32LE(png(size).length, 8);
  entry.writeUInt32LE(dataOffset, 12);
  dataOffset += png(size).length;
  return entry;
});
writeFileSync(join(out, 'icon.ico'), Buffer.concat([icoHead, ...directory, ...ICO_SIZES.map(png)]));
process.stdout.write(`icons: ${LINUX_SIZES.length} PNGs, icon.icns, icon.ico in ${out}\n`);
