// Draws build/icon.png (1024x1024, the one source every platform's icon is made from by make-icons.mjs): stacked containers on a deep-blue tile. Run once; the PNG is committed.
import { Buffer } from 'node:buffer';
import { writeFileSync } from 'node:fs';
import { URL } from 'node:url';
import { encodePng } from './png.mjs';

const SIZE = 1024;
const S = SIZE / 512;
const pixels = Buffer.alloc(SIZE * SIZE * 4);
const set = (x, y, [r, g, b, a]) => {
  const i = (y * SIZE + x) * 4;
  pixels[i] = r;
  pixels[i + 1] = g;
  pixels[i + 2] = b;
  pixels[i + 3] = a;
};
const inRoundedRect = (x, y, x0, y0, x1, y1, radius) => {
  const cx = Math.max(x0 + radius, Math.min(x, x1 - radius));
  const cy = Math.max(y0 + radius, Math.min(y, y1 - radius));
  return x >= x0 && x <= x1 && y >= y0 && y <= y1 && (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
};
const boxes = [
  [96, 292, 236, 392, [242, 140, 40, 255]],
  [276, 292, 416, 392, [58, 190, 160, 255]],
  [186, 182, 326, 282, [236, 88, 96, 255]],
];
for (let py = 0; py < SIZE; py++) {
  for (let px = 0; px < SIZE; px++) {
    const x = px / S;
    const y = py / S;
    let color = [0, 0, 0, 0];
    if (inRoundedRect(x, y, 16, 16, 495, 495, 96)) color = [24, 46, 86, 255];
    if (inRoundedRect(x, y, 72, 400, 440, 424, 10)) color = [214, 226, 240, 255];
    for (const [x0, y0, x1, y1, c] of boxes) {
      if (inRoundedRect(x, y, x0, y0, x1, y1, 8)) color = (x - x0) % 28 < 6 && x > x0 + 12 && x < x1 - 12 && y > y0 + 14 && y < y1 - 14 ? c.map((v, i) => (i < 3 ? Math.round(v * 0.75) : v)) : c;
    }
    set(px, py, color);
  }
}
writeFileSync(new URL('./icon.png', import.meta.url), encodePng({ width: SIZE, height: SIZE, pixels }));
