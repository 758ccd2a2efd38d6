// The image on screen: its summary, platforms, config and raw manifest.
import { create } from 'zustand';
import type { ImageView } from '../../../shared/contract.js';
import type { ErrorInfo } from '../../../shared/errors.js';
import { api, call, errorInfo } from '../lib/api.js';
import { useRegistries } from './registries.js';

interface ImageState {
  readonly key?: string;
  readonly image?: ImageView;
  readonly loading: boolean;
  readonly error?: ErrorInfo;
  readonly platform: number;
  load(registryId: string, repository: string, reference: string): Promise<void>;
  choosePlatform(index: number): void;
}

export const useImage = create<ImageState>((set, get) => ({
  loading: false,
  platform: 0,
  async load(registryId, repository, reference) {
    const key = `${registryId}/${repository}@${reference}`;
    if (get().key === key && (get().image || get().loading)) return;
    set({ key, image: undefined, loading: true, error: undefined, platform: 0 });
    try {
      const image = await call(api().imageSummary({ registryId, repository, reference }));
      useRegistries.getState().noteOutcome(registryId);
      if (get().key === key) set({ image, loading: false });
    } catch (error) {
      // A registry that went down turns red on this call too, not only on the catalog's or the tag list's.
      useRegistries.getState().noteOutcome(registryId, errorInfo(error));
      if (get().key === key) set({ loading: false, error: errorInfo(error) });
    }
  },
  choosePlatform: (platform) => set({ platform }),
}));
