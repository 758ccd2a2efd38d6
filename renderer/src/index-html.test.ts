// The page's own markup: a browser asks for /favicon.ico unless the page names an icon, and the host has none (a 404
// in the console on every first load). The icon is inline, which the CSP's img-src (data:) allows.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Vitest runs from the repository's root (renderer/vite.config.ts: test.root).
const html = readFileSync(join(process.cwd(), 'renderer', 'index.html'), 'utf8');

describe('index.html', () => {
  it('names an inline icon the CSP allows, so no /favicon.ico is requested', () => {
    const doc = new DOMParser().parseFromString(html, 'text/html');
    const icon = doc.querySelector('link[rel="icon"]')?.getAttribute('href') ?? '';
    expect(icon.startsWith('data:image/svg+xml,')).toBe(true);
    expect(doc.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content')).toMatch(/img-src 'self' data:/);
    expect(decodeURIComponent(icon.slice('data:image/svg+xml,'.length))).toMatch(/^<svg [^>]*xmlns='http:\/\/www\.w3\.org\/2000\/svg'/);
  });
});
