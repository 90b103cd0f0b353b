// The mails the server wrote to PLENUM_MAIL_DIR (one .eml file each), read as a person's
// mailbox: the journeys follow the links they carry.

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

/**
 * Waits (up to 10 s) for a mail to `address` whose bodies hold `needle`; returns the bodies,
 * decoded. The mail worker sends within PLENUM_MAIL_POLL_MS.
 */
export async function mailTo(address, needle) {
  const dir = process.env.PLENUM_MAIL_DIR;
  if (!dir) throw new Error('PLENUM_MAIL_DIR is not set');
  for (let i = 0; i < 50; i++) {
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.eml')).sort()) {
      const raw = readFileSync(join(dir, name), 'utf8');
      if (!new RegExp(`^To:.*${address.replace(/[.+]/g, '\\$&')}`, 'mi').test(raw)) continue;
      const text = decodedBodies(raw);
      if (text.includes(needle)) return text;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no mail to ${address} holding ${needle} in ${dir}`);
}

/** The path and query of the first link to `path` (e.g. `/email/confirm`) in a mail's text. */
export function linkIn(text, path) {
  const found = text.match(new RegExp(`${path.replace(/\//g, '\\/')}\\?token=[A-Za-z0-9_-]+`));
  if (!found) throw new Error(`no ${path} link in the mail`);
  return found[0];
}
