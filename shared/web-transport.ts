// The contract transport for the browser: one WebSocket to the local web host, reconnecting when it drops.
import type { ContractTransport, EventChannel, RequestChannel, Result } from './contract.js';
import { MAX_CLIENT_MESSAGE_BYTES, type ClientMessage, type ServerMessage } from './wire.js';

export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  addEventListener(type: 'open' | 'close' | 'message' | 'error', listener: (event: { data?: unknown }) => void): void;
}

export interface WebTransportOptions {
  readonly url: string;
  /** Subprotocols offered in the handshake: how the session token reaches the host (see socketProtocols). */
  readonly protocols?: readonly string[];
  readonly createSocket?: (url: string, protocols: readonly string[]) => SocketLike;
  readonly reconnectMs?: number;
}

/** UTF-8 size without encoding when the text is surely small enough (a UTF-16 unit is at most 3 bytes). */
function tooLarge(message: string): boolean {
  return message.length * 3 > MAX_CLIENT_MESSAGE_BYTES && new TextEncoder().encode(message).length > MAX_CLIENT_MESSAGE_BYTES;
}

const OPEN = 1;

export function webSocketTransport(options: WebTransportOptions): ContractTransport & { close(): void } {
  const create = options.createSocket ?? ((url: string, protocols: readonly string[]) => new WebSocket(url, [...protocols]) as unknown as SocketLike);
  const pending = new Map<number, (result: Result<unknown>) => void>();
  const listeners = new Map<EventChannel, Set<(payload: unknown) => void>>();
  const queue: string[] = [];
  let nextId = 1;
  let closed = false;
  let socket: SocketLike;

  const connect = (): void => {
    socket = create(options.url, options.protocols ?? []);
    socket.addEventListener('open', () => {
      for (const message of queue.splice(0)) socket.send(message);
    });
    socket.addEventListener('message', (event) => {
      let message: ServerMessage;
      try {
        message = JSON.parse(String(event.data)) as ServerMessage;
      } catch {
        return;
      }
      if (message.type === 'response') {
        pending.get(message.id)?.(message.result);
        pending.delete(message.id);
      } else if (message.type === 'event') {
        for (const handler of listeners.get(message.event) ?? []) handler(message.payload);
      }
    });
    socket.addEventListener('close', () => {
      for (const resolve of pending.values()) resolve({ ok: false, error: { code: 'NETWORK', message: 'the connection to Stevedore closed' } });
      pending.clear();
      if (!closed) setTimeout(connect, options.reconnectMs ?? 1000);
    });
  };
  connect();

  return {
    invoke(channel: RequestChannel, args: unknown, requestId?: string) {
      const id = nextId++;
      const message = JSON.stringify({ type: 'request', id, channel, args, ...(requestId === undefined ? {} : { requestId }) } satisfies ClientMessage);
      // The host closes a socket that sends more than the cap: refuse here, clearly, and keep the socket.
      if (tooLarge(message)) return Promise.resolve({ ok: false, error: { code: 'TOO_LARGE', message: `${channel}: the request is larger than ${MAX_CLIENT_MESSAGE_BYTES / 1024 / 1024} MiB` } });
      return new Promise<Result<unknown>>((resolve) => {
        pending.set(id, resolve);
        if (socket.readyState === OPEN) socket.send(message);
        else queue.push(message);
      });
    },
    subscribe(event: EventChannel, handler: (payload: unknown) => void) {
      const set = listeners.get(event) ?? new Set();
      set.add(handler);
      listeners.set(event, set);
      return () => void set.delete(handler);
    },
    close() {
      closed = true;
      socket.close();
    },
  };
}
