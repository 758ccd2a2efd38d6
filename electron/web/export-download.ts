// GET /export?registryId=&repository=&reference=[&format=][&platform=]: an image as a browser download, streamed
// from the registry into the response as it is read, never held whole in the host. A download that fails half way
// is cut off (the browser marks it failed), never ended as if complete.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ContractHost } from '../host/contract-host.js';

const STATUS: Readonly<Record<string, number>> = { INVALID_ARGUMENT: 400, INVALID_REFERENCE: 400, NOT_FOUND: 404, AUTH_REQUIRED: 401, AUTH_FAILED: 401, DENIED: 403 };

export async function serveExportDownload(req: IncomingMessage, res: ServerResponse, headers: Readonly<Record<string, string>>, host: ContractHost, params: URLSearchParams): Promise<void> {
  const args = Object.fromEntries([...params].filter(([key]) => key !== 'token' && key !== 'ticket' && key !== 'jobId'));
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort(new Error('the download was closed'));
  });
  const result = await host.download(
    args,
    (filename) => {
      res.writeHead(200, { ...headers, 'content-type': 'application/x-tar', 'content-disposition': `attachment; filename="${filename}"`, 'cache-control': 'no-store' });
      return res;
    },
    controller.signal,
    params.get('jobId') ?? undefined,
  );
  if (result.ok) return;
  if (res.headersSent) res.destroy();
  else res.writeHead(STATUS[result.error.code] ?? 502, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify({ error: result.error }));
}
