// Helpers for the browser journeys: a tiny step runner, translations read from locales/,
// axe-core checks with screenshots at phone and desktop sizes, and form filling by label.

import { readFileSync, readdirSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
// One folder per run.sh backend (PLENUM_SCREENSHOTS), kept after the run as CI artefacts.
export const shotsDir = process.env.PLENUM_SCREENSHOTS || join(here, 'screenshots');

// ---------- results ----------

const results = [];

/** Records one check; `blocked` names an earlier failure that made it impossible. */
export function record(name, ok, detail = '', blocked = false) {
  results.push({ name, ok, detail, blocked });
  const mark = blocked ? 'skip' : ok ? 'ok  ' : 'FAIL';
  console.log(`${mark} ${name}${detail ? `\n     ${detail.replace(/\n/g, '\n     ')}` : ''}`);
}

/**
 * A journey: steps run in order; after a failed step the rest are reported as skipped, since
 * each step builds on the previous one.
 */
export class Journey {
  constructor(name) {
    this.name = name;
    this.failed = null;
  }

  async step(name, fn) {
    const full = `${this.name}: ${name}`;
    if (this.failed) {
      record(full, false, `not run: "${this.failed}" failed`, true);
      return undefined;
    }
    try {
      const value = await fn();
      record(full, true);
      return value;
    } catch (e) {
      this.failed = name;
      record(full, false, String(e?.stack || e).split('\n').slice(0, 4).join('\n'));
      return undefined;
    }
  }
}

export function summary() {
  const passed = results.filter((r) => r.ok).length;
  const skipped = results.filter((r) => r.blocked).length;
  const failed = results.length - passed - skipped;
  if (skipped) console.log(`(${skipped} checks not run because an earlier step failed)`);
  console.log(`${passed} passed, ${failed + skipped} failed`);
  return failed + skipped === 0;
}

export function assert(cond, message) {
  if (!cond) throw new Error(message);
}

// ---------- translations ----------

const catalogs = {};

/** Simple messages from locales/<lang>/*.ftl (enough for labels and button names). */
function catalog(lang) {
  if (catalogs[lang]) return catalogs[lang];
  const dir = join(here, '..', '..', 'locales', lang);
  const map = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ftl'))) {
    let key = null;
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      const m = /^([A-Za-z][\w-]*)\s*=\s?(.*)$/.exec(line);
      if (m) {
        key = m[1];
        map[key] = m[2];
      } else if (key && /^\s+\S/.test(line)) {
        map[key] += ` ${line.trim()}`;
      } else {
        key = null;
      }
    }
  }
  catalogs[lang] = map;
  return map;
}

/** The text of message `key` in `lang`, with `{ $name }` replaced from `args`. */
export function t(lang, key, args = {}) {
  const text = catalog(lang)[key];
  if (text === undefined) throw new Error(`no message "${key}" in locales/${lang}`);
  return text.replace(/\{\s*\$(\w+)\s*\}/g, (_, name) => String(args[name] ?? ''));
}

export async function pageLang(page) {
  return page.evaluate(() => document.documentElement.lang);
}

// ---------- pages: axe, screenshots, status ----------

let shotCounter = 0;

export function resetScreenshots() {
  rmSync(shotsDir, { recursive: true, force: true });
  mkdirSync(shotsDir, { recursive: true });
}

/**
 * Remembers the main document's status and any CSP report, for `checkPage`. A page whose
 * context runs no JavaScript gives a `mirror`: a page that does, where axe checks a copy of
 * its document (axe is a script, and evaluating one in a page without scripts never returns).
 */
export function watch(page, { mirror = null } = {}) {
  page.plenum = { status: 0, csp: [], mirror };
  page.on('response', (r) => {
    if (r.request().isNavigationRequest() && r.frame() === page.mainFrame()) page.plenum.status = r.status();
  });
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) page.plenum.csp.push(m.text());
  });
  return page;
}

/** The page axe is to check: the page itself, or its mirror holding a copy of its document. */
async function axeTarget(page) {
  const mirror = page.plenum?.mirror;
  if (!mirror) return page;
  // The copy without its scripts, so it stays as the page without JavaScript shows it; loaded
  // on the server's origin so that the stylesheet and relative links resolve as they did.
  const html = (await page.content()).replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '');
  await mirror.goto(new URL('/health', page.url()).href);
  await mirror.setContent(html, { waitUntil: 'load' });
  return mirror;
}

async function runAxe(page) {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern.
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(axeSource);
  return page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    AXE_TAGS,
  );
}

function describeViolations(violations) {
  return violations
    .map((v) => {
      const targets = v.nodes.map((n) => `       ${n.target.join(' ')}${n.failureSummary ? ` — ${n.failureSummary.split('\n').slice(1).join(' ').trim()}` : ''}`);
      return `${v.id} (${v.impact}): ${v.help}\n${targets.join('\n')}`;
    })
    .join('\n');
}

/**
 * Checks the page as it is now: axe at phone and desktop width (recorded as one check named
 * `axe <label>`), a PNG of each, no CSP refusal, an expected status.
 */
export async function checkPage(page, label, { okStatus = [200] } = {}) {
  const n = String(++shotCounter).padStart(2, '0');
  const problems = [];
  const where = new URL(page.url()).pathname;
  if (page.plenum && !okStatus.includes(page.plenum.status)) problems.push(`HTTP status ${page.plenum.status}`);
  const before = page.viewportSize();
  const target = await axeTarget(page);
  for (const [size, viewport] of [['phone', PHONE], ['desktop', DESKTOP]]) {
    await page.setViewportSize(viewport);
    if (target !== page) await target.setViewportSize(viewport);
    const { violations } = await runAxe(target);
    if (violations.length) problems.push(`[${size}] ${describeViolations(violations)}`);
    await page.screenshot({ path: join(shotsDir, `${n}-${label}-${size}.png`), fullPage: true });
  }
  await page.setViewportSize(before);
  if (page.plenum?.csp.length) problems.push(`CSP refused: ${page.plenum.csp.splice(0).join(' | ')}`);
  record(`axe ${label} (${where})`, problems.length === 0, problems.join('\n'));
  return problems.length === 0;
}

/** Clicks and waits for the resulting page load (through any redirects). */
export async function clickAndLoad(page, locator) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), locator.click()]);
}

export async function pressAndLoad(page, locator, key) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), locator.press(key)]);
}

// ---------- forms, found by their labels ----------

/**
 * The form control named `name` inside `scope`, found again through its label: proves that a
 * label (or aria-label) names it. Returns a locator from `getByLabel`.
 */
export async function byName(scope, name) {
  const raw = scope.locator(`[name="${name}"]:not([type="hidden"])`).first();
  assert((await raw.count()) === 1, `no field named "${name}"`);
  const label = await raw.evaluate((el) => {
    const text = (n) => (n?.textContent || '').replace(/\s+/g, ' ').trim();
    if (el.getAttribute('aria-labelledby')) {
      return el.getAttribute('aria-labelledby').split(/\s+/).map((id) => text(document.getElementById(id))).join(' ');
    }
    if (el.getAttribute('aria-label')) return el.getAttribute('aria-label');
    return el.labels && el.labels.length ? text(el.labels[0]) : '';
  });
  assert(label, `field "${name}" has no label`);
  const found = scope.getByLabel(label, { exact: true });
  const same = await found.evaluateAll((els, n) => els.some((e) => e.getAttribute('name') === n), name);
  assert(same, `field "${name}": getByLabel("${label}") finds another element`);
  return found.and(scope.locator(`[name="${name}"]`)).first();
}

/** The form that holds a control named `name`. */
export function formWith(page, name) {
  return page.locator('form').filter({ has: page.locator(`[name="${name}"]:not([type="hidden"])`) }).first();
}

/** The single submit button of `form`, found by role (so it has an accessible name). */
export async function submitButton(form) {
  const buttons = form.getByRole('button');
  assert((await buttons.count()) >= 1, 'form has no button');
  const name = (await buttons.first().textContent()).trim();
  assert(name, 'the submit button has no text');
  return form.getByRole('button', { name, exact: true }).first();
}

/** Fills a date or date-time control according to its type. */
export async function fillDate(locator, date) {
  const type = await locator.getAttribute('type');
  const iso = date.toISOString();
  const value = type === 'date' ? iso.slice(0, 10) : iso.slice(0, 16);
  await locator.fill(type === 'text' || !type ? value.replace('T', ' ') : value);
}

/** Chooses `value` in a select or among radios named `name`. */
export async function choose(scope, name, value) {
  const control = scope.locator(`[name="${name}"]`).first();
  const tag = await control.evaluate((el) => el.tagName.toLowerCase());
  if (tag === 'select') {
    await (await byName(scope, name)).selectOption(value);
  } else {
    const radio = scope.locator(`input[name="${name}"][value="${value}"]`);
    const label = await radio.evaluate((el) => (el.labels?.[0]?.textContent || '').trim());
    assert(label, `radio ${name}=${value} has no label`);
    await scope.getByRole('radio', { name: label, exact: true }).check();
  }
}
