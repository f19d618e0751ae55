import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { detachSocket } from './detach-socket.ts';

let server: http.Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

/** Serves `handler` on a free port and sends `bytes` on one connection; resolves with what came back once closed. */
async function exchange(handler: http.RequestListener, bytes: string, endAfterMs = 300): Promise<string> {
  server = http.createServer(handler);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  const c = net.connect(port, '127.0.0.1');
  let got = '';
  c.on('data', (b) => (got += b.toString('latin1')));
  c.on('error', () => {
    // The server may reset the connection; what it sent is what is checked.
  });
  c.write(bytes);
  setTimeout(() => c.destroy(), endAfterMs);
  await new Promise((r) => c.once('close', r));
  return got;
}

const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`;

describe('detachSocket', () => {
  it('a response that does not own its socket (pipelined, waiting its turn) is not detached, and nothing throws', async () => {
    const results: boolean[] = [];
    const got = await exchange((req, res) => {
      if (req.url === '/first') {
        // Answered later, so the second response waits behind it.
        setTimeout(() => res.end('first'), 100);
        return;
      }
      results.push(detachSocket(req.socket, res));
      res.end('second');
    }, get('/first') + get('/second'));
    expect(results).toEqual([false]);
    // Both answered, in order: the socket was left to Node's server.
    expect(got.indexOf('first')).toBeGreaterThan(0);
    expect(got.indexOf('second')).toBeGreaterThan(got.indexOf('first'));
  });

  it('the owner of the socket detaches it once the request is parsed: Node lets go of it, and the stream writes alone', async () => {
    let detached: boolean | undefined;
    let closeAllThrew: unknown;
    const got = await exchange((req, res) => {
      // After yielding, as every stream route does: the parser has finished the request.
      setImmediate(() => {
        detached = detachSocket(req.socket, res);
        req.socket.on('error', () => {
          // The test client resets the connection at the end.
        });
        req.socket.write('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nraw');
        // The parser is off the server's connection list for good: this must find nothing to trip on.
        setTimeout(() => {
          try {
            server!.closeIdleConnections();
          } catch (err) {
            closeAllThrew = err;
          }
        }, 50);
      });
    }, get('/only'));
    expect(detached).toBe(true);
    expect(closeAllThrew).toBeUndefined();
    expect(got).toBe('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nraw');
  });

  it('a handler that detaches before the parser has finished the request is refused, and the server stays consistent', async () => {
    let detached: boolean | undefined;
    let threw: unknown;
    await exchange((req, res) => {
      detached = detachSocket(req.socket, res);
      setTimeout(() => {
        try {
          server!.closeIdleConnections();
        } catch (err) {
          threw = err;
        }
        res.end('ok');
      }, 50);
    }, get('/only'));
    expect(detached).toBe(false);
    expect(threw).toBeUndefined();
  });
});
