// A small registry with one repository of very many tags, all on one image, answered the way distribution 2.8
// answers tags/list: every tag in one page, whatever n and last say. Counts the requests it gets per path.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MediaType } from '../../shared/media-types.js';
import { sha256 } from './seed.js';

export interface ManyTagsServer {
  readonly host: string;
  readonly repository: string;
  readonly tags: readonly string[];
  /** Requests per path, without the query. */
  readonly hits: ReadonlyMap<string, number>;
  close(): Promise<void>;
}

export const manyTagName = (i: number): string => `${Math.floor(i / 10_000)}.${Math.floor(i / 100) % 100}.${i % 100}`;

export async function startManyTagsServer(count: number, repository = 'many/tags'): Promise<ManyTagsServer> {
  const tags = Array.from({ length: count }, (_, i) => manyTagName(i));
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', created: '2026-05-01T00:00:00Z', rootfs: { type: 'layers', diff_ids: [] }, config: {} }));
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.dockerManifest, config: { mediaType: MediaType.dockerConfig, digest: sha256(config), size: config.length }, layers: [{ mediaType: MediaType.dockerLayerGzip, digest: sha256(Buffer.from('layer')), size: 123_456 }] }));
  const tagList = Buffer.from(JSON.stringify({ name: repository, tags }));
  const hits = new Map<string, number>();
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const send = (status: number, body: Buffer, type = 'application/json', headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': type, 'content-length': body.length, 'docker-distribution-api-version': 'registry/2.0', ...headers }).end(req.method === 'HEAD' ? undefined : body);
    };
    if (path === '/v2/') return send(200, Buffer.from('{}'));
    if (path === '/v2/_catalog') return send(200, Buffer.from(JSON.stringify({ repositories: [repository] })));
    if (path === `/v2/${repository}/tags/list`) return send(200, tagList);
    if (path.startsWith(`/v2/${repository}/manifests/`)) return send(200, manifest, MediaType.dockerManifest, { 'docker-content-digest': sha256(manifest) });
    if (path === `/v2/${repository}/blobs/${sha256(config)}`) return send(200, config, 'application/octet-stream');
    send(404, Buffer.from(JSON.stringify({ errors: [{ code: 'NAME_UNKNOWN', message: 'unknown' }] })));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    repository,
    tags,
    hits,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
