// Entry: take the session token out of the address bar, open the screen its fragment names, start listening for
// transfers once, then render.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App.js';
import { syncRouteWithUrl } from './lib/route-url.js';
import { adoptSessionToken } from './lib/session-token.js';
import { initTransfers } from './stores/transfers.js';
import './styles.css';

adoptSessionToken();
syncRouteWithUrl(window);
void initTransfers();
createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
