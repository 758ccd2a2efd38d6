// The plain keep-alive client the browse benchmark measures Stevedore against: undici Pool, no auth, no retries, no
// verification, no cache; only what it takes to walk the same pages and fetch the same documents.
import { Pool } from 'undici';
import { mapLimit } from '../../electron/core/concurrency.js';
import { MANIFEST_ACCEPT } from '../../shared/media-types.js';

export class PlainClient {
  readonly #pool: Pool;

  constructor(base: string, connections: number) {
    this.#pool = new Pool(base, { connections, pipelining: 1 });
  }

  async #json(path: string, headers: Record<string, string> = {}): Promise<{ body: unknown; link: string | undefined }> {
    const response = await this.#pool.request({ method: 'GET', path, headers });
    if (response.statusCode !== 200) throw new Error(`GET ${path}: HTTP ${response.statusCode}`);
    const link = response.headers.link;
    return { body: await response.body.json(), link: Array.isArray(link) ? link.join(', ') : link };
  }

  /** Every catalog page, following Link, `pageSize` names a page: the number of names listed. */
  async walkCatalog(pageSize: number): Promise<number> {
    let path: string | undefined = `/v2/_catalog?n=${pageSize}`;
    let count = 0;
    while (path !== undefined) {
      const { body, link } = await this.#json(path);
      count += ((body as { repositories?: unknown[] }).repositories ?? []).length;
      const next = /<([^>]+)>\s*;\s*rel="?next"?/.exec(link ?? '')?.[1];
      path = next === undefined ? undefined : new URL(next, 'http://registry').pathname + new URL(next, 'http://registry').search;
    }
    return count;
  }

  async tags(repository: string): Promise<string[]> {
    const { body } = await this.#json(`/v2/${repository}/tags/list`);
    return (body as { tags?: string[] }).tags ?? [];
  }

  /** Each tag's manifest, then its config: what it takes to know sizes and dates. */
  async manifestsAndConfigs(repository: string, tags: readonly string[], concurrency: number): Promise<number> {
    const sizes = await mapLimit(tags, concurrency, async (tag) => {
      const { body } = await this.#json(`/v2/${repository}/manifests/${tag}`, { accept: MANIFEST_ACCEPT });
      const manifest = body as { config: { digest: string }; layers: { size: number }[] };
      await this.#json(`/v2/${repository}/blobs/${manifest.config.digest}`);
      return manifest.layers.reduce((sum, layer) => sum + layer.size, 0);
    });
    return sizes.length;
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}
