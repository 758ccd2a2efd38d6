// Issue #10: the page's own upload-limit error speaks to an app user, never of command-line options.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { adoptSessionToken } from './session-token.js';
import { uploadFile } from './api.js';

describe('uploadFile over the limit', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('refuses before sending, naming the limit and no CLI flag', async () => {
    adoptSessionToken({ location: { href: 'http://127.0.0.1:1/?token=t' }, history: { state: null, replaceState: () => undefined } });
    const fetchMock = vi.fn(() => Promise.resolve(new Response(JSON.stringify({ maxBytes: 1000 }), { status: 200 })));
    vi.stubGlobal('fetch', fetchMock);
    const error = await uploadFile(new File([new Uint8Array(2000)], 'big.tar')).catch((e: unknown) => e as { info?: { code: string; message: string } });
    expect(error).toMatchObject({ info: { code: 'TOO_LARGE' } });
    const message = (error as { info: { message: string } }).info.message;
    expect(message).toMatch(/upload limit of 1\.0 kB/);
    expect(message).not.toMatch(/--[a-z]/);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });
});
