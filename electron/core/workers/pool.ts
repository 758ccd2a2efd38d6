// Where the files a worker thread or the native addon loads live: outside app.asar in a packaged app.
/** Worker scripts cannot run from inside a packaged app.asar; electron-builder unpacks them next to it. */
export function unpackedUrl(url: URL): URL {
  return new URL(url.href.replace(/\/app\.asar\//, '/app.asar.unpacked/'));
}
