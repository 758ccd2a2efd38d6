// Where the user is: one route at a time, with a history for Esc / back.
import { create } from 'zustand';
import type { Pick } from './compare.js';

export type Route =
  | { readonly view: 'home' }
  | { readonly view: 'catalog'; readonly registryId: string }
  | { readonly view: 'repository'; readonly registryId: string; readonly repository: string }
  | { readonly view: 'image'; readonly registryId: string; readonly repository: string; readonly reference: string }
  // The compared images travel in the route, so a reload or a shared link shows them again; without them the screen
  // compares whatever was picked last.
  | { readonly view: 'compare'; readonly picks?: readonly Pick[] };

interface NavState {
  readonly route: Route;
  readonly history: readonly Route[];
  go(route: Route): void;
  /** The same screen with new details (the compared images changed): no new history step. */
  update(route: Route): void;
  back(): void;
}

export const useNav = create<NavState>((set) => ({
  route: { view: 'home' },
  history: [],
  go: (route) => set((s) => ({ route, history: [...s.history, s.route].slice(-50) })),
  update: (route) => set({ route }),
  back: () => set((s) => (s.history.length === 0 ? s : { route: s.history[s.history.length - 1] as Route, history: s.history.slice(0, -1) })),
}));
