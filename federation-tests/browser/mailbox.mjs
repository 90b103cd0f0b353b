// The mails the town sent by SMTP, as the sink stored them (PLENUM_MAIL_SINK, one .eml file
// each), read as people's mailboxes: the journeys follow the links they carry.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The text of every body part of a raw message, decoded (quoted-printable, base64, as is). */
export function decodedBodies(raw) {
  const parts = [];
  const encoded = /Content-Transfer-Encoding:\s*([\w-]+)\r?\n(?:[^\r\n]+\r?\n)*\r?\n([\s\S]*?)(?=\r?\n--|$)/gi;
  for (const [, encoding, body] of raw.matchAll(encoded)) {
    switch (encoding.toLowerCase()) {
      case 'quoted-printable': {
        const joined = body.replace(/=\r?\n/g, '');
        const bytes = [];
        for (let i = 0; i < joined.length; i++) {
          const hex = joined.slice(i + 1, i + 3);
          if (joined[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
            bytes.push(parseInt(hex, 16));
            i += 2;
          } else {
            bytes.push(...Buffer.from(joined[i], 'utf8'));
          }
        }
        parts.push(Buffer.from(bytes).toString('utf8'));
        break;
      }
      case 'base64':
        parts.push(Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8'));
        break;
      default:
        parts.push(body);
    }
  }
  return parts.join('\n');
}

/** The folder the SMTP sink stores what it accepts in (set by run.sh). */
function sinkDir() {
  const dir = process.env.PLENUM_MAIL_SINK;
  if (!dir) throw new Error('PLENUM_MAIL_SINK is not set (run the journeys through run.sh)');
  return dir;
}

/**
 * Every message the sink accepted so far, in arrival order: `rcptTo`, the envelope's
 * recipients (the sink's first line, X-Sink-Rcpt-To: where SMTP delivered it), the raw
 * message and its decoded bodies.
 */
export function received() {
  const dir = sinkDir();
  return readdirSync(dir)
    .filter((n) => n.endsWith('.eml'))
    .sort()
    .map((name) => {
      const raw = readFileSync(join(dir, name), 'utf8');
      const rcptTo = (raw.match(/^X-Sink-Rcpt-To:\s*(.*)$/m)?.[1] || '').split(/,\s*/);
      return { raw, rcptTo, text: decodedBodies(raw) };
    });
}

/**
 * Waits (up to 10 s) for a mail delivered by SMTP to `address` for which `accept(mail)` holds;
 * returns it (`raw`, `text`). The mail worker sends within PLENUM_MAIL_POLL_MS.
 */
export async function mailMatching(address, accept, what) {
  let count = 0;
  for (let i = 0; i < 50; i++) {
    const all = received();
    count = all.length;
    const found = all.find((m) => m.rcptTo.includes(address) && accept(m));
    if (found) return found;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(count === 0
    ? `the SMTP sink received no mail at all (waiting for ${what} to ${address})`
    : `no mail to ${address} holding ${what} among the ${count} the SMTP sink received`);
}

/** The decoded bodies of the mail to `address` whose text holds `needle`. */
export async function mailTo(address, needle) {
  return (await mailMatching(address, (m) => m.text.includes(needle), needle)).text;
}

/** The path and query of the first link to `path` (e.g. `/email/confirm`) in a mail's text. */
export function linkIn(text, path) {
  const found = text.match(new RegExp(`${path.replace(/\//g, '\\/')}\\?token=[A-Za-z0-9_-]+`));
  if (!found) throw new Error(`no ${path} link in the mail`);
  return found[0];
}
