// Messages between the engine and the layer-indexing worker, typed in one place. The worker indexes several layers at
// once: every message names the layer it is about.
import type { ErrorInfo } from '../../../shared/errors.js';
import type { IndexedTar } from './index-layer.js';
import type { FramerLimits } from './tar-framer.js';

export type IndexWorkerIn =
  | { readonly type: 'start'; readonly id: number; readonly limits?: FramerLimits }
  | { readonly type: 'chunk'; readonly id: number; readonly data: Uint8Array }
  | { readonly type: 'end'; readonly id: number }
  | { readonly type: 'abort'; readonly id: number };

export type IndexWorkerOut =
  | { readonly type: 'ack'; readonly id: number }
  | { readonly type: 'done'; readonly id: number; readonly result: IndexedTar }
  | { readonly type: 'error'; readonly id: number; readonly error: ErrorInfo; readonly engineError: boolean };
