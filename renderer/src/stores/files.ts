// The Files tab: an image's merged filesystem, one layer's changes, wasted space, an opened file, and the progress of
// layers being downloaded and indexed (events subscribed once, at module level).
import { create } from 'zustand';
import type { RequestArgs } from '../../../shared/contract.js';
import type { ErrorInfo } from '../../../shared/errors.js';
import type { LayerChanges, OpenedFile, WasteReport, XrayFilesView, XrayProgress } from '../../../shared/xray.js';
import { api, call, errorInfo } from '../lib/api.js';

export type FilesTarget = RequestArgs<'xray:files'>['target'];

interface FilesState {
  readonly key?: string;
  readonly target?: FilesTarget;
  readonly view?: XrayFilesView;
  readonly waste?: WasteReport;
  readonly loading: boolean;
  readonly error?: ErrorInfo;
  /** 'merged', or the index of the layer whose changes are shown. */
  readonly mode: 'merged' | number;
  readonly changes?: LayerChanges;
  readonly opened?: OpenedFile;
  readonly openError?: ErrorInfo;
  /** Bytes read per layer while indexing. */
  readonly progress: Readonly<Record<number, XrayProgress>>;
  load(target: FilesTarget): Promise<void>;
  showLayer(mode: 'merged' | number): Promise<void>;
  open(path: string): Promise<void>;
  closeFile(): void;
  cancel(): Promise<void>;
}

const keyOf = (target: FilesTarget): string => JSON.stringify(target);

export const useFiles = create<FilesState>((set, get) => ({
  loading: false,
  mode: 'merged',
  progress: {},
  async load(target) {
    const key = keyOf(target);
    if (get().key === key && (get().view || get().loading)) return;
    subscribe();
    set({ key, target, view: undefined, waste: undefined, loading: true, error: undefined, mode: 'merged', changes: undefined, opened: undefined, progress: {} });
    try {
      const view = await call(api().xrayFiles({ target }));
      const waste = await call(api().xrayWaste({ target }));
      if (get().key === key) set({ view, waste, loading: false });
    } catch (error) {
      if (get().key === key) set({ loading: false, error: errorInfo(error) });
    }
  },
  async showLayer(mode) {
    const { target, key } = get();
    set({ mode, changes: undefined });
    if (mode === 'merged' || !target) return;
    try {
      const changes = await call(api().xrayLayer({ target, layer: mode }));
      if (get().key === key && get().mode === mode) set({ changes });
    } catch (error) {
      set({ error: errorInfo(error) });
    }
  },
  async open(path) {
    const { target } = get();
    if (!target) return;
    set({ opened: undefined, openError: undefined });
    try {
      set({ opened: await call(api().xrayOpen({ target, path })) });
    } catch (error) {
      set({ openError: errorInfo(error) });
    }
  },
  closeFile: () => set({ opened: undefined, openError: undefined }),
  async cancel() {
    const { target } = get();
    if (target) await api().xrayCancel({ target });
  },
}));

let subscribed = false;
function subscribe(): void {
  if (subscribed) return;
  subscribed = true;
  api().on('xray:progress', (progress) => {
    if (!useFiles.getState().loading) return;
    useFiles.setState((s) => ({ progress: { ...s.progress, [progress.layer]: progress } }));
  });
}
