// "Files changed" in the compare view: the file diff between the first two compared images.
import { create } from 'zustand';
import type { ErrorInfo } from '../../../shared/errors.js';
import type { XrayDiffView } from '../../../shared/xray.js';
import { api, call, errorInfo } from '../lib/api.js';
import type { Pick } from './compare.js';

interface FileDiffState {
  readonly key?: string;
  readonly diff?: XrayDiffView;
  readonly loading: boolean;
  readonly error?: ErrorInfo;
  load(from: Pick, to: Pick): Promise<void>;
}

export const useFileDiff = create<FileDiffState>((set, get) => ({
  loading: false,
  async load(from, to) {
    const key = JSON.stringify([from, to]);
    if (get().key === key && (get().diff || get().loading)) return;
    set({ key, diff: undefined, loading: true, error: undefined });
    try {
      const diff = await call(api().xrayDiff({ from: { ...from }, to: { ...to } }));
      if (get().key === key) set({ diff, loading: false });
    } catch (error) {
      if (get().key === key) set({ loading: false, error: errorInfo(error) });
    }
  },
}));
