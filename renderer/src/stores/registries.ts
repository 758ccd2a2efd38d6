// Registry profiles and their connection status.
import { create } from 'zustand';
import type { HostInfo, RequestArgs } from '../../../shared/contract.js';
import type { ErrorInfo } from '../../../shared/errors.js';
import type { RegistryTestResult, RegistryView } from '../../../shared/registry-profile.js';
import { api, call, errorInfo } from '../lib/api.js';

interface RegistriesState {
  readonly list: readonly RegistryView[];
  readonly loading: boolean;
  readonly error?: ErrorInfo;
  readonly status: Readonly<Record<string, RegistryTestResult | 'testing'>>;
  readonly info?: HostInfo;
  load(): Promise<void>;
  /** The first load, started once by whoever asks first: the page's entry (before React has loaded) or the App. */
  ensureLoaded(): Promise<void>;
  save(args: RequestArgs<'registries:save'>): Promise<RegistryView>;
  /** Tests a profile without saving it. */
  check(args: RequestArgs<'registries:check'>): Promise<RegistryTestResult>;
  remove(id: string): Promise<void>;
  test(id: string): Promise<RegistryTestResult>;
  /** Any call to a registry reports here, so its status dot follows what just happened. */
  noteOutcome(id: string, error?: ErrorInfo): void;
}

/** Failures that say the registry (not one image) is unreachable or refuses us. */
const REGISTRY_DOWN = new Set(['NETWORK', 'TLS', 'TIMEOUT', 'AUTH_FAILED', 'AUTH_REQUIRED', 'UNSUPPORTED']);

/** The first load's promise (see ensureLoaded). */
let first: Promise<void> | undefined;

export const useRegistries = create<RegistriesState>((set, get) => ({
  list: [],
  loading: false,
  status: {},
  async load() {
    set({ loading: true, error: undefined });
    if (!get().info) void call(api().appInfo({})).then((info) => set({ info }), () => undefined);
    try {
      const list = await call(api().registriesList({}));
      set({ list, loading: false });
      for (const registry of list) void get().test(registry.id);
    } catch (error) {
      set({ loading: false, error: errorInfo(error) });
    }
  },
  ensureLoaded() {
    first ??= get().load();
    return first;
  },
  async save(args) {
    const saved = await call(api().registriesSave(args));
    set((s) => ({ list: [...s.list.filter((r) => r.id !== saved.id), saved] }));
    void get().test(saved.id);
    return saved;
  },
  check: (args) => call(api().registriesCheck(args)).catch((error: unknown): RegistryTestResult => ({ ok: false, ...errorInfo(error) })),
  async remove(id) {
    await call(api().registriesRemove({ id }));
    set((s) => {
      const status = { ...s.status };
      delete status[id];
      return { list: s.list.filter((r) => r.id !== id), status };
    });
  },
  noteOutcome(id, error) {
    const current = get().status[id];
    if (error && REGISTRY_DOWN.has(error.code)) set((s) => ({ status: { ...s.status, [id]: { ok: false, code: error.code, message: error.message } } }));
    // It answered again after a failure: test it, so the dot turns green for the right reason.
    else if (!error && current !== undefined && current !== 'testing' && !current.ok) void get().test(id);
  },
  async test(id) {
    set((s) => ({ status: { ...s.status, [id]: 'testing' } }));
    const result = await call(api().registriesTest({ id })).catch((error: unknown): RegistryTestResult => ({ ok: false, ...errorInfo(error) }));
    set((s) => ({ status: { ...s.status, [id]: result } }));
    return result;
  },
}));
