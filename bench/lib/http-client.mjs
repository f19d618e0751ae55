/**
 * A minimal HTTP/1.1 keep-alive client on one raw socket, for publishers: one request in flight
 * per connection, responses framed by Content-Length or chunked encoding. It costs far less CPU
 * per request than node:http, so the load side does not cap the publish rate it measures.
 */
import net from 'node:net';

const CRLF2 = Buffer.from('\r\n\r\n');

function parseHead(text) {
  const status = Number(text.slice(9, 12));
  const len = /\r\ncontent-length:\s*(\d+)/i.exec(text);
  const chunked = /\r\ntransfer-encoding:\s*chunked/i.test(text);
  return { status, length: len ? Number(len[1]) : chunked ? -1 : 0, chunked };
}

/** Ends of a chunked body in `buf` from `at`: returns the offset after it, or -1 if incomplete. */
function chunkedEnd(buf, at) {
  let p = at;
  for (;;) {
    const eol = buf.indexOf('\r\n', p);
    if (eol === -1) return -1;
    const size = parseInt(buf.latin1Slice(p, eol), 16);
    if (size === 0) return buf.length >= eol + 4 ? eol + 4 : -1;
    p = eol + 2 + size + 2;
    if (p > buf.length) return -1;
  }
}

/** Opens a keep-alive connection; `request(method, path, headers, body)` → `{status, body}`. */
export function httpConnection({ host = '127.0.0.1', port }) {
  const socket = net.connect({ host, port });
  socket.setNoDelay(true);
  let buf = Buffer.alloc(0);
  let waiter = null;
  let closed = null;
  const connected = new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.on('error', (e) => {
    closed = e;
    waiter?.reject(e);
    waiter = null;
  });
  socket.on('close', () => {
    closed ??= new Error('connection closed');
    waiter?.reject(closed);
    waiter = null;
  });
  socket.on('data', (d) => {
    buf = buf.length ? Buffer.concat([buf, d]) : d;
    if (!waiter) return;
    const h = buf.indexOf(CRLF2);
    if (h === -1) return;
    const head = parseHead(buf.latin1Slice(0, h));
    const start = h + 4;
    let end;
    if (head.chunked) end = chunkedEnd(buf, start);
    else end = buf.length >= start + head.length ? start + head.length : -1;
    if (end === -1) return;
    const body = head.chunked ? '' : buf.toString('utf8', start, end);
    buf = buf.subarray(end);
    const w = waiter;
    waiter = null;
    w.resolve({ status: head.status, body });
  });

  return {
    async request(method, path, headers, body = '') {
      await connected;
      if (closed) throw closed;
      const payload = typeof body === 'string' ? Buffer.from(body) : body;
      let head = `${method} ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nContent-Length: ${payload.length}\r\n`;
      for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
      return new Promise((resolve, reject) => {
        waiter = { resolve, reject };
        socket.write(head + '\r\n');
        if (payload.length) socket.write(payload);
      });
    },
    close() {
      socket.destroy();
    },
  };
}
