// Contract calls the renderer may give up on: each gets a request id, and aborting its signal tells the host to
// stop the work (`request:cancel`) and settles the call at once with CANCELLED, whatever the host is doing.
import type { RequestOptions, Result } from '../../../shared/contract.js';
import { api, call, ContractError } from './api.js';

let counter = 0;

export function cancelledError(): ContractError {
  return new ContractError({ code: 'CANCELLED', message: 'cancelled' });
}

export function isCancelled(error: unknown): boolean {
  return error instanceof ContractError && error.info.code === 'CANCELLED';
}

export function callCancellable<T>(signal: AbortSignal, start: (options: RequestOptions) => Promise<Result<T>>): Promise<T> {
  if (signal.aborted) return Promise.reject(cancelledError());
  const requestId = `r${++counter}-${Math.random().toString(36).slice(2, 8)}`;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      void api().requestCancel({ requestId });
      reject(cancelledError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    call(start({ requestId }))
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort));
  });
}
