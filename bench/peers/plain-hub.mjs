// A plain node:http SSE hub: the floor for Node. GET /sub subscribes; POST /pub broadcasts the body.
import http from 'node:http';

const clients = new Set();
const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url.startsWith('/sub')) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(':ok\n\n');
    clients.add(res);
    req.on('close', () => clients.delete(res));
  } else if (req.method === 'POST' && req.url.startsWith('/pub')) {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const frame = Buffer.from(`data: ${Buffer.concat(chunks).toString().split('\n').join('\ndata: ')}\n\n`);
      for (const c of clients) c.write(frame);
      res.writeHead(202, { 'content-length': 0 }).end();
    });
  } else if (req.url === '/memory') {
    globalThis.gc?.();
    res.end(JSON.stringify({ ...process.memoryUsage(), clients: clients.size }));
  } else res.writeHead(404).end();
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`listening ${server.address().port}`));
