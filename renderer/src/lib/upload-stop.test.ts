// A drop dismissed while the browser uploads it stops the upload; dismissed once the last byte has gone, the host
// stores the whole file all the same, so the page waits for its name and lets it go (an abort then left it on the host
// for as long as the host ran, with no page knowing its path).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useTransfers } from '../stores/transfers.js';
import { uploadFile } from './api.js';
import { adoptSessionToken } from './session-token.js';

class FakeUpload {
  static sent: FakeUpload[] = [];
  readonly upload: { onprogress: ((event: { loaded: number }) => void) | null; onload: (() => void) | null } = { onprogress: null, onload: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  status = 0;
  responseText = '';
  aborted = false;
  open(): void {}
  setRequestHeader(): void {}
  send(): void {
    FakeUpload.sent.push(this);
  }
  abort(): void {
    this.aborted = true;
    this.onabort?.();
  }
  /** The last byte has left the browser. */
  bodySent(size: number): void {
    this.upload.onprogress?.({ loaded: size });
    this.upload.onload?.();
  }
  answer(status: number, body: unknown): void {
    this.status = status;
    this.responseText = JSON.stringify(body);
    this.onload?.();
  }
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

async function sending(): Promise<FakeUpload> {
  for (let i = 0; i < 100 && FakeUpload.sent.length === 0; i++) await Promise.resolve();
  const request = FakeUpload.sent[0];
  if (!request) throw new Error('the upload was never sent');
  return request;
}

describe('stopping a browser upload', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    FakeUpload.sent = [];
  });

  const host = (): ReturnType<typeof vi.fn> => {
    adoptSessionToken({ location: { href: 'http://127.0.0.1:1/?token=t' }, history: { state: null, replaceState: () => undefined } });
    const fetchMock = vi.fn((url: string, init?: RequestInit) => Promise.resolve(init?.method === 'DELETE' ? new Response(null, { status: 204 }) : new Response(JSON.stringify({ maxBytes: 1_000_000 }), { status: 200 })));
    vi.stubGlobal('fetch', fetchMock);
    vi.stubGlobal('XMLHttpRequest', FakeUpload);
    return fetchMock;
  };

  it('while bytes are still to send, aborts the request', async () => {
    host();
    const stop = new AbortController();
    const uploaded = uploadFile(new File([new Uint8Array(2000)], 'big.tar'), undefined, stop.signal).catch((e: unknown) => e as { info?: { code: string } });
    const request = await sending();
    stop.abort();
    expect(request.aborted).toBe(true);
    expect(await uploaded).toMatchObject({ info: { code: 'NETWORK' } });
  });

  it('once the last byte has gone, waits for the path the host stored the file at; the dismissed drop then lets it go', async () => {
    const fetchMock = host();
    useTransfers.setState({ drops: [] });
    const file = new File([new Uint8Array(2000)], 'big.tar');
    const added = useTransfers.getState().addDrop('big.tar', (progress, signal) => uploadFile(file, progress, signal));
    const request = await sending();
    request.bodySent(2000);
    const drop = useTransfers.getState().drops[0];
    if (!drop) throw new Error('no drop');
    useTransfers.getState().dismissDrop(drop.id);
    expect(request.aborted).toBe(false);
    request.answer(201, { path: '/tmp/uploads/ab12-big.tar' });
    await added;
    await settle();
    expect(fetchMock).toHaveBeenCalledWith('/upload?path=%2Ftmp%2Fuploads%2Fab12-big.tar', expect.objectContaining({ method: 'DELETE' }));
    expect(useTransfers.getState().drops).toEqual([]);
  });
});
