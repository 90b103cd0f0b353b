// An independent fediverse server on loopback, built with Fedify (npm @fedify/fedify, not our
// code): one Person, "ada", who follows a Plenum process, receives what it announces, likes a
// proposal and replies to it. Fedify signs what it sends and verifies what it receives.
//
//   node peer.mjs PORT PLENUM_PROCESS_URL
// Prints one JSON line per event on stdout; reads commands on stdin: "follow", "like URL",
// "reply URL TEXT", "unlike URL", "state". Everything stays on 127.0.0.1.

import http from 'node:http';
import readline from 'node:readline';
import {
  createFederation, MemoryKvStore, generateCryptoKeyPair,
} from '@fedify/fedify';
import {
  Accept, Announce, Create, Dislike, Follow, Like, Note, Person, Undo, Update, Delete,
} from '@fedify/fedify/vocab';

const port = Number(process.argv[2]);
const processUrl = process.argv[3];
const origin = `http://localhost:${port}`;
const emit = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);

const federation = createFederation({
  kv: new MemoryKvStore(),
  origin,
  // Test only: Plenum listens on loopback.
  allowPrivateAddress: true,
});

const keys = [await generateCryptoKeyPair('RSASSA-PKCS1-v1_5')];

federation
  .setActorDispatcher('/users/{identifier}', async (ctx, identifier) => {
    if (identifier !== 'ada') return null;
    const pairs = await ctx.getActorKeyPairs(identifier);
    return new Person({
      id: ctx.getActorUri(identifier),
      preferredUsername: identifier,
      name: 'Ada from the fediverse',
      inbox: ctx.getInboxUri(identifier),
      endpoints: null,
      publicKey: pairs[0].cryptographicKey,
      assertionMethods: pairs.map((p) => p.multikey),
    });
  })
  .setKeyPairsDispatcher(async (_ctx, identifier) => (identifier === 'ada' ? keys : []));

const seen = [];
function remember(kind, activity, extra = {}) {
  const entry = { event: 'received', kind, id: activity.id?.href, actor: activity.actorId?.href, ...extra };
  seen.push(entry);
  emit(entry);
}

federation
  .setInboxListeners('/users/{identifier}/inbox', '/inbox')
  .on(Accept, async (_ctx, accept) => remember('Accept', accept))
  .on(Announce, async (ctx, announce) => {
    // What was announced: a Create(Page) or a Page (or a Note), fetched or embedded.
    let object = await announce.getObject(ctx);
    let wrapped = null;
    if (object instanceof Create || object instanceof Update) {
      wrapped = object.constructor.name;
      object = await object.getObject(ctx);
    }
    remember('Announce', announce, {
      wrapped,
      objectType: object?.constructor?.name,
      objectId: object?.id?.href,
      name: object?.name?.toString() ?? null,
      summary: object?.summary?.toString() ?? null,
    });
  })
  .on(Create, async (ctx, create) => {
    const object = await create.getObject(ctx);
    remember('Create', create, {
      objectType: object?.constructor?.name,
      content: object?.content?.toString() ?? null,
    });
  })
  .on(Update, async (_ctx, update) => remember('Update', update))
  .on(Delete, async (_ctx, del) => remember('Delete', del));

const server = http.createServer(async (req, res) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const body = chunks.length ? Buffer.concat(chunks) : undefined;
  const request = new Request(`${origin}${req.url}`, {
    method: req.method,
    headers: req.headers,
    body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
  });
  const response = await federation.fetch(request, { contextData: undefined });
  res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
  res.end(Buffer.from(await response.arrayBuffer()));
});
server.listen(port, '127.0.0.1', () => emit({ event: 'listening', origin }));

const ctx = () => federation.createContext(new URL(origin), undefined);
const me = () => ctx().getActorUri('ada');
let counter = 0;
const fresh = (kind) => new URL(`${origin}/activities/${kind}-${Date.now()}-${counter++}`);

async function group() {
  const found = await ctx().lookupObject(processUrl);
  if (!found) throw new Error(`cannot look up ${processUrl}`);
  return found;
}

const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  const [command, target, ...rest] = line.trim().split(' ');
  try {
    const c = ctx();
    if (command === 'follow') {
      const g = await group();
      await c.sendActivity({ identifier: 'ada' }, g, new Follow({ id: fresh('follow'), actor: me(), object: g.id }));
      emit({ event: 'sent', kind: 'Follow' });
    } else if (command === 'like' || command === 'unlike') {
      const g = await group();
      const like = new Like({ id: new URL(`${origin}/activities/like-${encodeURIComponent(target)}`), actor: me(), object: new URL(target) });
      const activity = command === 'like' ? like : new Undo({ id: fresh('undo'), actor: me(), object: like });
      await c.sendActivity({ identifier: 'ada' }, g, activity);
      emit({ event: 'sent', kind: command === 'like' ? 'Like' : 'Undo' });
    } else if (command === 'boost' || command === 'unboost') {
      const g = await group();
      const boost = new Announce({ id: new URL(`${origin}/activities/boost-${encodeURIComponent(target)}`), actor: me(), object: new URL(target) });
      const activity = command === 'boost' ? boost : new Undo({ id: fresh('undo'), actor: me(), object: boost });
      await c.sendActivity({ identifier: 'ada' }, g, activity);
      emit({ event: 'sent', kind: command });
    } else if (command === 'dislike') {
      const g = await group();
      await c.sendActivity({ identifier: 'ada' }, g, new Dislike({ id: fresh('dislike'), actor: me(), object: new URL(target) }));
      emit({ event: 'sent', kind: 'Dislike' });
    } else if (command === 'reply') {
      const g = await group();
      const noteId = fresh('note');
      const note = new Note({ id: noteId, attribution: me(), content: rest.join(' '), replyTarget: new URL(target), to: g.id });
      await c.sendActivity({ identifier: 'ada' }, g, new Create({ id: fresh('create'), actor: me(), object: note, to: g.id }));
      emit({ event: 'sent', kind: 'Create', noteId: noteId.href });
    } else if (command === 'state') {
      emit({ event: 'state', seen });
    } else if (command === 'quit') {
      break;
    }
  } catch (e) {
    emit({ event: 'error', command, message: String(e?.stack || e) });
  }
}
server.close();
process.exit(0);
