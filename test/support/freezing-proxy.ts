/**
 * A loopback TCP proxy that can freeze: while frozen it forwards nothing in either direction but
 * keeps every connection open, as a network partition that drops packets (or a server stuck in a
 * long command, or paused by SIGSTOP) looks to a client. Nothing fails, nothing closes, and no
 * reply ever comes, which is harder on a client than a refused or reset connection. New
 * connections are accepted and frozen too. `thaw()` delivers everything held, in order.
 */
import net from 'node:net';

export interface FreezingProxy {
  readonly port: number;
  readonly url: (scheme: string) => string;
  freeze(): void;
  thaw(): void;
  close(): Promise<void>;
}

export async function startFreezingProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<FreezingProxy> {
  const links = new Set<Link>();
  let frozen = false;
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, targetHost);
    const link = new Link(client, upstream, () => frozen);
    links.add(link);
    link.onClose = () => links.delete(link);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: (scheme) => `${scheme}://127.0.0.1:${port}`,
    freeze() {
      frozen = true;
    },
    thaw() {
      frozen = false;
      for (const link of links) link.flush();
    },
    async close() {
      for (const link of links) link.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * One proxied connection. Forwarding by hand rather than with pipe(): pipe() resumes a paused
 * source on the destination's 'drain', which would leak bytes through a freeze.
 */
class Link {
  onClose: () => void = () => {};
  private readonly held: [net.Socket, Buffer][] = [];

  constructor(
    private readonly client: net.Socket,
    private readonly upstream: net.Socket,
    private readonly frozen: () => boolean,
  ) {
    this.forward(client, upstream);
    this.forward(upstream, client);
  }

  private forward(from: net.Socket, to: net.Socket): void {
    from.on('data', (b: Buffer) => {
      if (this.frozen()) this.held.push([to, b]);
      else to.write(b);
    });
    // One side gone: the other follows, as through a real network path.
    from.on('error', () => from.destroy());
    from.on('close', () => this.destroy());
  }

  flush(): void {
    for (const [to, b] of this.held.splice(0)) to.write(b);
  }

  destroy(): void {
    this.client.destroy();
    this.upstream.destroy();
    this.onClose();
  }
}
