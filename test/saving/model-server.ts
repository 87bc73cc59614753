/**
 * A model server for the http(s) tests, on 127.0.0.1 (ephemeral port): serves files from memory,
 * records every request, and stores what a client POSTs as multipart/form-data (the parts
 * parsed by the platform's own parser, `Response.formData`), as a TensorFlow.js save server
 * would.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';

export interface Served {
  body: Uint8Array | string;
  type?: string;
  /** Answer with this status instead of 200. */
  status?: number;
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

export interface Upload {
  contentType: string;
  form: FormData;
}

export interface ModelServer {
  base: string;
  files: Map<string, Served>;
  requests: RecordedRequest[];
  uploads: Upload[];
  /** Status answered to POSTs and PUTs (default 200). */
  postStatus: number;
  close(): Promise<void>;
}

export async function startModelServer(): Promise<ModelServer> {
  const files = new Map<string, Served>();
  const requests: RecordedRequest[] = [];
  const uploads: Upload[] = [];
  const state = { postStatus: 200 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
        if (req.method === 'POST' || req.method === 'PUT') {
          const contentType = req.headers['content-type'] ?? '';
          const form = await new Response(Buffer.concat(chunks), {
            headers: { 'content-type': contentType },
          }).formData();
          uploads.push({ contentType, form });
          res.writeHead(state.postStatus).end();
          return;
        }
        const file = files.get((req.url ?? '').split('?')[0] ?? '');
        if (file === undefined) {
          res.writeHead(404, 'Not Found').end();
          return;
        }
        res
          .writeHead(file.status ?? 200, {
            'Content-Type': file.type ?? 'application/octet-stream',
          })
          .end(file.body);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    base: `http://127.0.0.1:${port}`,
    files,
    requests,
    uploads,
    get postStatus() {
      return state.postStatus;
    },
    set postStatus(status: number) {
      state.postStatus = status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // fetch keeps connections alive; close() alone would wait for them.
        server.closeAllConnections();
      }),
  };
}
