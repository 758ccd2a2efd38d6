// Messages between the engine and its worker threads, typed in one place.
export interface GzipTask {
  readonly kind: 'gzip';
  readonly id: number;
  readonly level: number;
  readonly data: Uint8Array;
}

export type WorkerTask = GzipTask;

export type WorkerReply = { readonly id: number; readonly ok: true; readonly data: Uint8Array } | { readonly id: number; readonly ok: false; readonly message: string };
