// A long registry name at 900 px: the sidebar's rows keep their edit button on the name's line (the name truncates,
// in full on hover). Laid out by Chromium from the app's own stylesheet, markup as the Sidebar renders it.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser, screenshot } from '../harness/browser.js';

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

  it('shows the whole "add repository" placeholder at 900x600', { timeout: 60_000 }, async () => {
    const css = await readFile(join(process.cwd(), 'renderer', 'src', 'styles.css'), 'utf8');
    // The placeholder as the Sidebar renders it: read from its source, so this checks the text it ships.
    const source = await readFile(join(process.cwd(), 'renderer', 'src', 'components', 'Sidebar.tsx'), 'utf8');
    const placeholder = /placeholder="([^"]+)" aria-label="Bookmark a repository"/.exec(source)?.[1];
    assert.ok(placeholder, 'the bookmark input has a placeholder');
    const page = await browser.newPage({ viewport: { width: 900, height: 600 } });
    await page.setContent(`<style>${css}</style><div class="app"><nav class="sidebar"><ul>
      <li class="registry current"><button type="button" class="link"><span class="dot ok"></span> Local</button><span class="sr-only">reachable</span><button type="button" class="icon" aria-label="Edit">✎</button>
      <div class="bookmarks"><button type="button" class="link small">★ team/app</button><form><input placeholder="${placeholder}" aria-label="Bookmark a repository"></form></div></li>
    </ul><button type="button">+ Add registry</button></nav><main></main></div>`);
    // Strings run in the page (this file is compiled without the DOM's types): the text's width in the input's font.
    const room = (await page.evaluate(`(() => {
      const input = document.querySelector('.bookmarks input');
      const style = getComputedStyle(input);
      const context = document.createElement('canvas').getContext('2d');
      context.font = style.fontStyle + ' ' + style.fontWeight + ' ' + style.fontSize + ' ' + style.fontFamily;
      return { text: context.measureText(input.placeholder).width, inside: input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) };
    })()`)) as { text: number; inside: number };
    await screenshot(page, 'sidebar-bookmark-900');
    assert.ok(room.text <= room.inside, `the placeholder needs ${room.text.toFixed(1)} px, the input has ${room.inside} px`);
  });
});
