// Registry profiles and their connection status.
import { create } from 'zustand';
import type { RequestArgs } from '../../../shared/contract.js';
import type { ErrorInfo } from '../../../shared/errors.js';
import type { RegistryTestResult, RegistryView } from '../../../shared/registry-profile.js';
import { api, call, errorInfo } from '../lib/api.js';

interface RegistriesState {
  readonly list: readonly RegistryView[];
  readonly loading: boolean;
  readonly error?: ErrorInfo;
  readonly status: Readonly<Record<string, RegistryTestResult | 'testing'>>;
  load(): Promise<void>;
  save(args: RequestArgs<'registries:save'>): Promise<RegistryView>;
  remove(id: string): Promise<void>;
  test(id: string): Promise<RegistryTestResult>;
}

export const useRegistries = create<RegistriesState>((set, get) => ({
  list: [],
  loading: false,
  status: {},
  async load() {
    set({ loading: true, error: undefined });
    try {
      const list = await call(api().registriesList({}));
      set({ list, loading: false });
      for (const registry of list) void get().test(registry.id);
    } catch (error) {
      set({ loading: false, error: errorInfo(error) });
    }
  },
  async save(args) {
    const saved = await call(api().registriesSave(args));
    set((s) => ({ list: [...s.list.filter((r) => r.id !== saved.id), saved] }));
    void get().test(saved.id);
    return saved;
  },
  async remove(id) {
    await call(api().registriesRemove({ id }));
    set((s) => ({ list: s.list.filter((r) => r.id !== id) }));
  },
  async test(id) {
    set((s) => ({ status: { ...s.status, [id]: 'testing' } }));
    const result = await call(api().registriesTest({ id })).catch((error: unknown): RegistryTestResult => ({ ok: false, ...errorInfo(error) }));
    set((s) => ({ status: { ...s.status, [id]: result } }));
    return result;
  },
}));
