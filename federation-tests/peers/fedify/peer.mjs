// An independent fediverse server, built with Fedify (npm @fedify/fedify, not our code): one
// Person, "ada", who looks a Plenum process up, follows it, receives what it announces, likes a
// proposal and replies to it. Fedify signs what it sends (RFC 9421 first, then draft-cavage if
// refused) and verifies what it receives; ada's actor answers signed fetches only (Mastodon's
// "authorized fetch"). Like Mastodon, the server has an account of its own named after its host
// (the instance actor, `acct:fedify.test@fedify.test`), and every WebFinger answer carries the
// OStatus subscribe link (Fedify's WebFinger links dispatcher), so that a page elsewhere can send
// a visitor here to follow something.
//
//   node peer.mjs ORIGIN LISTEN_ADDRESS PORT PLENUM_PROCESS [CERT KEY]
// e.g. `https://fedify.test 127.0.0.4 443 budget-2026@town-a.test cert.pem key.pem` (production
// addressing, TLS with a test CA passed in NODE_EXTRA_CA_CERTS). Prints one JSON line per event
// on stdout; reads commands on stdin: "lookup", "follow", "like URL", "unlike URL", "boost URL",
// "unboost URL", "dislike URL", "reply URL TEXT", "verify-proof URL", "state", "quit".

import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import readline from 'node:readline';
import { configure, getStreamSink } from '@logtape/logtape';
import {
  createFederation, MemoryKvStore, generateCryptoKeyPair, signRequest, verifyObject,
} from '@fedify/fedify';
import {
  Accept, Announce, Application, Create, Dislike, Document, Follow, Like, Note, Person, Undo, Update, Delete,
} from '@fedify/fedify/vocab';

const [origin, listenAddress, portText, processRef, certFile, keyFile] = process.argv.slice(2);
const port = Number(portText);
// Fedify's own log (warnings and up, or everything with PEER_DEBUG=1) goes to stderr: the
// test prints it when a check fails.
await configure({
  sinks: { stderr: getStreamSink(new WritableStream({ write(chunk) { process.stderr.write(chunk); } })) },
  loggers: [
    { category: 'fedify', sinks: ['stderr'], lowestLevel: process.env.PEER_DEBUG ? 'debug' : 'warning' },
    { category: ['logtape', 'meta'], sinks: [], lowestLevel: 'warning' },
  ],
});
const emit = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);

const federation = createFederation({
  kv: new MemoryKvStore(),
  origin,
  // The one test-only setting: the parties live on loopback addresses (127.0.0.x).
  allowPrivateAddress: true,
});

const keys = [await generateCryptoKeyPair('RSASSA-PKCS1-v1_5')];

// The server's own account, named after its host as Mastodon names its instance actor.
const instanceName = new URL(origin).hostname;
// Where this server asks its user whether to follow `{uri}` (not Mastodon's path, so a test can
// tell it from a guess of that path).
const SUBSCRIBE_TEMPLATE = `${origin}/follow?uri={uri}`;

federation
  .setActorDispatcher('/users/{identifier}', async (ctx, identifier) => {
    if (identifier === instanceName) {
      return new Application({
        id: ctx.getActorUri(identifier),
        preferredUsername: identifier,
        name: 'The Fedify test server',
        inbox: ctx.getInboxUri(identifier),
      });
    }
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
  .setKeyPairsDispatcher(async (_ctx, identifier) => (identifier === 'ada' ? keys : []))
  // Authorized fetch: whoever reads ada's profile must sign the request.
  .authorize(async (ctx) => {
    const key = await ctx.getSignedKey();
    emit({ event: 'actor-fetch', signed: key != null, key: key?.id?.href ?? null });
    return key != null;
  });

// Every account's WebFinger answer gets the subscribe link; the lookup is reported so a test
// can tell which account a server asked about.
federation.setWebFingerLinksDispatcher(async (_ctx, resource) => {
  emit({ event: 'webfinger', resource: resource.href });
  return [{ rel: 'http://ostatus.org/schema/1.0/subscribe', template: SUBSCRIBE_TEMPLATE }];
});

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
      objectId: object?.id?.href,
      content: object?.content?.toString() ?? null,
    });
  })
  .on(Update, async (_ctx, update) => remember('Update', update))
  .on(Delete, async (_ctx, del) => remember('Delete', del));

async function handle(req, res) {
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
}
const server = certFile
  ? https.createServer({ cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) }, handle)
  : http.createServer(handle);
server.listen(port, listenAddress, () => emit({ event: 'listening', origin }));

const ctx = () => federation.createContext(new URL(origin), undefined);
const me = () => ctx().getActorUri('ada');
let counter = 0;
const fresh = (kind) => new URL(`${origin}/activities/${kind}-${Date.now()}-${counter++}`);

// ada's own signed document loader: what she fetches, she fetches as herself.
const signedLoader = () => ctx().getDocumentLoader({ identifier: 'ada' });

async function lookup(ref) {
  const found = await ctx().lookupObject(ref, { documentLoader: await signedLoader() });
  if (!found) throw new Error(`cannot look up ${ref}`);
  return found;
}

const group = () => lookup(processRef);

const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  const [command, target, ...rest] = line.trim().split(' ');
  try {
    const c = ctx();
    if (command === 'lookup') {
      const g = await lookup(target ?? processRef);
      const icon = await g.getIcon();
      const image = await g.getImage();
      const followers = await g.getFollowers({ documentLoader: await signedLoader() });
      emit({
        event: 'lookup', ref: target ?? processRef, type: g.constructor.name, id: g.id?.href,
        preferredUsername: g.preferredUsername?.toString() ?? null, name: g.name?.toString() ?? null,
        summary: g.summary?.toString() ?? null, url: g.url?.href ?? null,
        icon: icon?.url?.href ?? null, image: image?.url?.href ?? null,
        followers: followers?.totalItems ?? null,
      });
    } else if (command === 'fetch') {
      // The document exactly as served, fetched as ada (signed GET).
      const { document } = await (await signedLoader())(target);
      emit({ event: 'fetched', id: target, document });
    } else if (command === 'contexts') {
      // The JSON-LD contexts fediverse software ships with (Fedify's preloaded set), for an
      // offline JSON-LD processor.
      const { preloadedContexts } = await import('@fedify/vocab-runtime');
      emit({ event: 'contexts', contexts: preloadedContexts });
    } else if (command === 'verify-proof') {
      // Fetch the object as published (signed GET) and check its FEP-8b32 proof with Fedify.
      const { document } = await (await signedLoader())(target);
      const verified = await verifyObject(Document, document, {
        documentLoader: await signedLoader(), contextLoader: c.contextLoader,
      });
      emit({ event: 'proof', id: target, verified: verified != null, hasProof: document?.proof != null });
    } else if (command === 'tamper') {
      // A Like signed by Fedify, then spoiled one way: Plenum must refuse it.
      // tamper SPEC WHAT INBOX OBJECT, SPEC: rfc9421 | draft-cavage-http-signatures-12,
      // WHAT: body | date | key | none.
      const [what, inbox, object] = rest;
      const [pair] = await c.getActorKeyPairs('ada');
      const key = what === 'key' ? (await generateCryptoKeyPair('RSASSA-PKCS1-v1_5')).privateKey : pair.privateKey;
      const body = JSON.stringify({
        '@context': 'https://www.w3.org/ns/activitystreams', id: fresh('like').href, type: 'Like', actor: me().href, object,
      });
      const headers = { 'Content-Type': 'application/activity+json' };
      if (what === 'date') headers.Date = new Date(Date.now() - 3 * 3600 * 1000).toUTCString();
      const signed = await signRequest(new Request(inbox, { method: 'POST', headers, body }), key, pair.keyId, { spec: target });
      const sent = what === 'body'
        ? new Request(inbox, { method: 'POST', headers: signed.headers, body: body.replace(object, `${object}-other`) })
        : signed;
      const response = await fetch(sent);
      emit({ event: 'tampered', spec: target, what, status: response.status, reason: (await response.text()).slice(0, 120) });
    } else if (command === 'follow') {
      const g = target ? await lookup(target) : await group();
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
