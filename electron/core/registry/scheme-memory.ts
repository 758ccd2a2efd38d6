// Remembers which loopback registries answered in plain HTTP, so the next command asks them in plain HTTP at once
// instead of first trying TLS (loading TLS and its trust store, then a failed handshake: most of a short command's
// network time on loopback). Only loopback hosts, which may use plain HTTP without any opt-in, are remembered: no
// other host is ever moved to plain HTTP by what a file says. What is remembered is a hint the client checks.
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isLoopbackHost } from '../reference.js';
import { readRegularFileSync } from '../regular-file.js';

const PLAIN_HTTP = 'http\n';

export class SchemeMemory {
  readonly #root: string;

  constructor(cacheDir: string) {
    this.#root = join(cacheDir, 'schemes');
  }

  #path(registry: string): string | undefined {
    return isLoopbackHost(registry) ? join(this.#root, registry.replace(/[^A-Za-z0-9.-]/g, '_')) : undefined;
  }

  /** True when this loopback registry answered in plain HTTP before. */
  plainHttp(registry: string): boolean {
    const path = this.#path(registry);
    if (path === undefined) return false;
    try {
      // Only a small regular file: a FIFO planted in the cache would block this thread forever.
      return readRegularFileSync(path, 'remembered scheme', PLAIN_HTTP.length) === PLAIN_HTTP;
    } catch {
      return false;
    }
  }

  /** Records what the registry was found to speak; a cache that cannot be written only costs the next probe. */
  remember(registry: string, scheme: 'http' | 'https'): void {
    const path = this.#path(registry);
    if (path === undefined) return;
    try {
      if (scheme === 'https') {
        rmSync(path, { force: true });
        return;
      }
      mkdirSync(this.#root, { recursive: true });
      // A name nobody can plant a symlink at in advance (the pid alone is known), and never written through: the
      // cache folder's contents are as hostile as its entries.
      const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
      try {
        writeFileSync(temp, PLAIN_HTTP, { flag: 'wx', mode: 0o600 });
        renameSync(temp, path);
      } catch (error) {
        rmSync(temp, { force: true });
        throw error;
      }
    } catch {
      // Not remembered: the next command probes again.
    }
  }
}
