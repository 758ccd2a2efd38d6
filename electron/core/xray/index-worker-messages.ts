// Messages between the engine and the layer-indexing worker, typed in one place.
import type { ErrorInfo } from '../../../shared/errors.js';
import type { IndexedTar } from './index-layer.js';

export type IndexWorkerIn = { readonly type: 'chunk'; readonly data: Uint8Array } | { readonly type: 'end' } | { readonly type: 'abort' };

export type IndexWorkerOut =
  | { readonly type: 'ack' }
  | { readonly type: 'done'; readonly result: IndexedTar }
  | { readonly type: 'error'; readonly error: ErrorInfo; readonly engineError: boolean };
