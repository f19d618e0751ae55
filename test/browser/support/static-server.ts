/**
 * Serves a few in-memory files on a free loopback port, and bundles TypeScript fixtures with
 * esbuild for it. For component tests that need no Herald server.
 */
import { build } from 'esbuild';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves `files`; `route` answers first when given (a dynamic endpoint such as an app's token
 * URL) and returns false to fall through to the files.
 */
export async function serveFiles(files: Record<string, string>, route?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean): Promise<StaticServer> {
  const server = http.createServer((req, res) => {
    if (route?.(req, res)) return;
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const body = files[path];
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': path.endsWith('.js') ? 'text/javascript' : 'text/html; charset=utf-8' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Bundles one entry for the browser (ESM, not minified, so stack traces read). */
export async function bundle(entry: string): Promise<string> {
  const out = await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, logLevel: 'silent' });
  return out.outputFiles[0].text;
}
