// One browser's WebSocket: requests in, responses and events out. Whatever arrives (junk, an oversized frame,
// invalid UTF-8) ends in an answer or a closed socket, never in an exception that takes the host down; and when the
// socket goes, the work it started (an archive being read on a worker) is aborted with it.
import { setMaxListeners } from 'node:events';
import type { WebSocket } from 'ws';
import type { ClientMessage, ServerMessage } from '../../shared/wire.js';
import type { ContractHost } from '../host/contract-host.js';
import { StevedoreError } from '../core/errors.js';
import { logError } from '../core/log.js';

function parse(data: unknown): ClientMessage | undefined {
  let message: unknown;
  try {
    message = JSON.parse(String(data));
  } catch {
    return undefined;
  }
  if (typeof message !== 'object' || message === null) return undefined;
  const { type, id, channel } = message as Partial<ClientMessage>;
  return type === 'request' && typeof id === 'number' && typeof channel === 'string' ? (message as ClientMessage) : undefined;
}

let connections = 0;

export function serveSocket(ws: WebSocket, host: ContractHost, sockets: Set<WebSocket>): void {
  const gone = new AbortController();
  // A socket's requests are its own: `request:cancel` on it reaches only them.
  const scope = `socket-${++connections}`;
  // Each request in flight on this socket listens to it.
  setMaxListeners(0, gone.signal);
  sockets.add(ws);
  // ws reports protocol violations here (a frame over maxPayload, invalid UTF-8) after starting the closing handshake
  // with their code (1009, 1007) itself; without a listener they would be thrown.
  ws.on('error', (error: Error & { code?: string }) => {
    logError('web host socket', { code: error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 'TOO_LARGE' : 'INVALID_ARGUMENT', message: error.message });
  });
  ws.on('close', () => {
    sockets.delete(ws);
    gone.abort(new StevedoreError('CANCELLED', 'the client closed the connection'));
  });
  ws.on('message', (data) => {
    const message = parse(data);
    if (!message) return;
    host
      .handle(message.channel, message.args, gone.signal, { scope, ...(typeof message.requestId === 'string' ? { requestId: message.requestId } : {}) })
      .then((result) => {
        if (ws.readyState !== ws.OPEN) return;
        let text: string;
        try {
          text = JSON.stringify({ type: 'response', id: message.id, result } satisfies ServerMessage);
        } catch (error) {
          const failed = { ok: false, error: { code: 'INTERNAL', message: `the answer could not be encoded: ${(error as Error).message}` } } as const;
          text = JSON.stringify({ type: 'response', id: message.id, result: failed } satisfies ServerMessage);
        }
        ws.send(text);
      })
      .catch(() => ws.terminate());
  });
}
