// The contract over a WebSocket: requests with an id, responses with the same id, and events.
import type { EventChannel, Result } from './contract.js';

/** `requestId` is the caller's own id for `request:cancel`; `id` pairs a response with its request. */
export type ClientMessage = { readonly type: 'request'; readonly id: number; readonly channel: string; readonly args: unknown; readonly requestId?: string };

export type ServerMessage =
  | { readonly type: 'response'; readonly id: number; readonly result: Result<unknown> }
  | { readonly type: 'event'; readonly event: EventChannel; readonly payload: unknown };
