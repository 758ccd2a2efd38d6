// The contract over a WebSocket: requests with an id, responses with the same id, and events.
import type { EventChannel, Result } from './contract.js';

/** `requestId` is the caller's own id for `request:cancel`; `id` pairs a response with its request. */
export type ClientMessage = { readonly type: 'request'; readonly id: number; readonly channel: string; readonly args: unknown; readonly requestId?: string };

export type ServerMessage =
  | { readonly type: 'response'; readonly id: number; readonly result: Result<unknown> }
  | { readonly type: 'event'; readonly event: EventChannel; readonly payload: unknown };

/**
 * The biggest request a client may send, in bytes. The largest schema-valid request is `registries:save` with 10,000
 * bookmarks of 255 characters and every string at its limit, about 2.7 MB of JSON (a unit test builds it): the cap
 * leaves room above that, and the client refuses anything bigger with TOO_LARGE instead of sending it.
 */
export const MAX_CLIENT_MESSAGE_BYTES = 4 * 1024 * 1024;

/**
 * The session token travels in the WebSocket handshake as a subprotocol (`Sec-WebSocket-Protocol`), which a browser
 * sends to that socket's own address only, never to another origin or port (unlike a cookie, which goes to every
 * port of 127.0.0.1). The host answers with WS_PROTOCOL, never echoing the token.
 */
export const WS_PROTOCOL = 'stevedore';
export const TOKEN_PROTOCOL_PREFIX = 'stevedore-token.';

export function socketProtocols(token: string): string[] {
  return [WS_PROTOCOL, `${TOKEN_PROTOCOL_PREFIX}${token}`];
}

/** Header that carries the token on HTTP requests (uploads). */
export const TOKEN_HEADER = 'x-stevedore-token';
