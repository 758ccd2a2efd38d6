// The contract's client half: the channel names and the typed API built over a transport. No schema and so no zod:
// the renderer and the preload load this at every window's start, and only the hosts validate arguments
// (contract.ts, whose maps must name exactly these channels: the compiler checks it there).
import type { ContractApi, ContractTransport, EventChannel, RequestChannel, RequestOptions } from './contract.js';

export const REQUEST_CHANNELS = [
  'registries:list',
  'registries:save',
  'registries:remove',
  'registries:test',
  'registries:check',
  'app:info',
  'catalog:list',
  'catalog:cached',
  'tags:list',
  'tags:summaries',
  'image:summary',
  'image:delete',
  'archive:inspect',
  'push:start',
  'push:cancel',
  'push:list',
  'copy:start',
  'export:start',
  'compare:images',
  'request:cancel',
  'xray:files',
  'xray:layer',
  'xray:waste',
  'xray:diff',
  'xray:open',
  'xray:cancel',
] as const;

export const EVENT_CHANNELS = ['push:progress', 'push:finished', 'xray:progress'] as const;

/** `catalog:list` -> `catalogList`: the method name the preload and the web client expose. */
export type MethodName<C extends string> = C extends `${infer D}:${infer V}` ? `${D}${Capitalize<V>}` : never;

export function methodName<C extends RequestChannel>(channel: C): MethodName<C> {
  const [domain, verb] = channel.split(':') as [string, string];
  return `${domain}${verb.charAt(0).toUpperCase()}${verb.slice(1)}` as MethodName<C>;
}

export function buildApi(transport: ContractTransport): ContractApi {
  const api: Record<string, unknown> = {};
  for (const channel of REQUEST_CHANNELS) {
    api[methodName(channel)] = (args: unknown, options?: RequestOptions) => (options?.requestId === undefined ? transport.invoke(channel, args) : transport.invoke(channel, args, options.requestId));
  }
  api.on = (event: EventChannel, handler: (payload: unknown) => void) => transport.subscribe(event, handler);
  return api as ContractApi;
}
