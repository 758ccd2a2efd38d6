// Entry: take the session token out of the address bar, open the screen its fragment names, and ask the host for the
// registries and transfers at once; React and the views load meanwhile (render.tsx), so the first render has data.
import { syncRouteWithUrl } from './lib/route-url.js';
import { adoptSessionToken } from './lib/session-token.js';
import { useRegistries } from './stores/registries.js';
import { initTransfers } from './stores/transfers.js';
import './styles.css';

adoptSessionToken();
syncRouteWithUrl(window);
void useRegistries.getState().ensureLoaded();
void initTransfers();
void import('./render.js').then(({ render }) => render(document.getElementById('root') as HTMLElement));
