// A long registry name at 900 px: the sidebar's rows keep their edit button on the name's line (the name truncates,
// in full on hover). Laid out by Chromium from the app's own stylesheet, markup as the Sidebar renders it.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../harness/browser.js';

const NAME = 'A registry with a very long name for the team in another building';

describe('sidebar layout', () => {
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser.close();
  });

  it('keeps the edit button beside a long registry name at 900x600', { timeout: 60_000 }, async () => {
    const css = await readFile(join(process.cwd(), 'renderer', 'src', 'styles.css'), 'utf8');
    const page = await browser.newPage({ viewport: { width: 900, height: 600 } });
    await page.setContent(`<style>${css}</style><div class="app"><nav class="sidebar"><ul>
      <li class="registry current"><button type="button" class="link" title="${NAME}"><span class="dot ok"></span> ${NAME}</button><span class="sr-only">reachable</span><button type="button" class="icon" aria-label="Edit">✎</button></li>
    </ul></nav><main></main></div>`);
    const name = await page.locator('.link').boundingBox();
    const edit = await page.locator('.icon').boundingBox();
    const row = await page.locator('li').boundingBox();
    assert.ok(name && edit && row);
    assert.ok(Math.abs(edit.y + edit.height / 2 - (name.y + name.height / 2)) < 4, `edit button at y=${edit.y}, name at y=${name.y}`);
    assert.ok(edit.x + edit.width <= row.x + row.width + 0.5, 'the edit button stays inside the row');
    assert.ok(name.height < 30, `the name is one line (height ${name.height})`);
  });
});
