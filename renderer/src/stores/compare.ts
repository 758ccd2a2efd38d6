// Images picked for comparison and the comparison itself.
import { create } from 'zustand';
import type { LayerComparison } from '../../../shared/compare.js';
import type { ErrorInfo } from '../../../shared/errors.js';
import { api, call, errorInfo } from '../lib/api.js';

export interface Pick {
  readonly registryId: string;
  readonly repository: string;
  readonly reference: string;
  readonly platform?: string;
}

interface CompareState {
  readonly picks: readonly Pick[];
  readonly result?: LayerComparison;
  readonly loading: boolean;
  readonly error?: ErrorInfo;
  add(pick: Pick): void;
  /** Compare exactly these ("Compare selected", two points of the chart): earlier picks go. */
  replace(picks: readonly Pick[]): void;
  removeAt(index: number): void;
  clear(): void;
  run(): Promise<void>;
}

export const useCompare = create<CompareState>((set, get) => ({
  picks: [],
  loading: false,
  add: (pick) => set((s) => (s.picks.some((p) => JSON.stringify(p) === JSON.stringify(pick)) ? s : { picks: [...s.picks, pick].slice(-8), result: undefined })),
  replace: (picks) => set({ picks: picks.filter((p, i) => picks.findIndex((q) => JSON.stringify(q) === JSON.stringify(p)) === i).slice(-8), result: undefined, error: undefined }),
  removeAt: (index) => set((s) => ({ picks: s.picks.filter((_, i) => i !== index), result: undefined })),
  clear: () => set({ picks: [], result: undefined, error: undefined }),
  async run() {
    const { picks } = get();
    if (picks.length < 2) return;
    set({ loading: true, error: undefined });
    try {
      const result = await call(api().compareImages({ images: [...picks] }));
      set({ result, loading: false });
    } catch (error) {
      set({ loading: false, error: errorInfo(error) });
    }
  },
}));
