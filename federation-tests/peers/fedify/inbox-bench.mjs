// The peer of the load benchmark's inbound scenario (docs/performance.md): a Fedify server
// (npm @fedify/fedify, not our code) whose shared inbox receives the same pre-signed Like and
// Create(Note) activities Plenum receives. Fedify fetches each sender's key once and caches it
// (its KvKeyCache), verifies the draft-cavage signature and the digest, checks the activity id
// was not seen before, and calls the listener, which counts.
//
//   node inbox-bench.mjs PORT
// Listens on 127.0.0.1:PORT; `GET /count` answers {"received": N}. Prints "ready" when it
// listens. Node runs JavaScript on one thread: that is Fedify's deployment unit.

import http from 'node:http';
import { configure, getStreamSink } from '@logtape/logtape';
import { createFederation, MemoryKvStore } from '@fedify/fedify';
import { Create, Like, Person } from '@fedify/fedify/vocab';

const port = Number(process.argv[2]);
const origin = `http://127.0.0.1:${port}`;
await configure({
  sinks: { stderr: getStreamSink(new WritableStream({ write(chunk) { process.stderr.write(chunk); } })) },
  loggers: [
    { category: 'fedify', sinks: ['stderr'], lowestLevel: 'error' },
    { category: ['logtape', 'meta'], sinks: [], lowestLevel: 'warning' },
  ],
});

const federation = createFederation({
  kv: new MemoryKvStore(),
  origin,
  // The remote actors live on loopback, as in Plenum's run (test setting of both).
  allowPrivateAddress: true,
});

federation.setActorDispatcher('/users/{identifier}', async (ctx, identifier) => (
  identifier === 'bench'
    ? new Person({ id: ctx.getActorUri(identifier), preferredUsername: identifier, inbox: ctx.getInboxUri(identifier) })
    : null
));

let received = 0;
federation
  .setInboxListeners('/users/{identifier}/inbox', '/inbox')
  .on(Like, async () => { received += 1; })
  .on(Create, async () => { received += 1; });

const server = http.createServer(async (req, res) => {
  if (req.url === '/count') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ received }));
    return;
  }
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') headers.set(name, value);
  }
  const request = new Request(new URL(req.url, origin), {
    method: req.method,
    headers,
    body: req.method === 'POST' ? Buffer.concat(chunks) : undefined,
  });
  const response = await federation.fetch(request, { contextData: undefined });
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
});
server.listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
