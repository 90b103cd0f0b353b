// Journeys through a running Plenum (PLENUM_URL) in headless Chromium, with axe-core on every
// page. Run through run.sh, which starts the server. Last line: "N passed, M failed".

import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import {
  Journey, assert, byName, checkPage, choose, clickAndLoad, fillDate, formWith, pageLang,
  PHONE, pressAndLoad, record, resetScreenshots, submitButton, summary, t, watch,
} from './lib.mjs';
import { keyboardWalk, skipLinkFirst, errorTiedToField } from './keyboard.mjs';
import { linkIn, mailMatching, mailTo } from './mailbox.mjs';
import { forgottenPasswordJourney } from './password_journey.mjs';
import { addressChangeJourney } from './address_journey.mjs';

const base = process.env.PLENUM_URL || 'http://127.0.0.1:8080';
const staffEmail = process.env.PLENUM_STAFF_EMAIL || 'staff@example.org';
const staffPassword = process.env.PLENUM_STAFF_PASSWORD || '';
const run = Date.now().toString(36);
const slug = `velo-${run}`;
const DAY = 24 * 3600 * 1000;
// A small drawn picture (64 × 40 PNG: sky, a tree, grass) for the upload step.
const PHOTO_PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAEAAAAAoCAIAAADBrGu+AAAAjUlEQVR42u3XsQ2AMBBD0duFnoKamiFomIQNGIJJWIglaCiiHERCihKsfMkD+FV3tu04pWMAAJQH9OvgowF4rF6XYRnbVzFY3vblDW0APrUvbAAAAECbgGXswvwd4A1pgMAh0wNEhgRA4xt9A8jsAQ8QW2QRQG9SAgAAAACAGzDvk3QAAAAAAAAAADVzAQBK7y72ASLPAAAAAElFTkSuQmCC';

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  // Playwright gives every launch a fresh --user-data-dir of its own (under TMPDIR).
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

async function newPage(locale, { javaScriptEnabled = true } = {}) {
  const options = { baseURL: base, viewport: PHONE, locale, reducedMotion: 'reduce' };
  const context = await browser.newContext({ ...options, javaScriptEnabled });
  context.setDefaultTimeout(10_000);
  // Without JavaScript, axe checks a copy of each page in a page of its own that runs scripts.
  let mirror = null;
  if (!javaScriptEnabled) {
    const other = await browser.newContext(options);
    other.setDefaultTimeout(10_000);
    mirror = await other.newPage();
  }
  return watch(await context.newPage(), { mirror });
}

const go = (page, path) => page.goto(path, { waitUntil: 'load' });
const here = dirname(fileURLToPath(import.meta.url));
/** The code an authenticator app shows for `secret`, `offset` seconds from now, by pyotp. */
const pyotpCode = (secret, offset) => execFileSync(process.env.PLENUM_PYTHON || 'python3',
  [join(here, 'totp_code.py'), secret, String(offset)], { encoding: 'utf8' }).trim();
const shared = {};
resetScreenshots();

try {
  // ---------- staff prepares a process ----------
  const staff = await newPage('en-GB');
  const sj = new Journey('staff');
  await sj.step('signs in at /login', async () => {
    await go(staff, '/login');
    const lang = await pageLang(staff);
    assert(lang === 'en', `expected English for an en-GB browser, got lang="${lang}"`);
    await checkPage(staff, 'login');
    await staff.getByLabel(t(lang, 'field-email'), { exact: true }).fill(staffEmail);
    await staff.getByLabel(t(lang, 'field-password'), { exact: true }).fill(staffPassword);
    await clickAndLoad(staff, staff.getByRole('button', { name: t(lang, 'login-submit'), exact: true }));
    assert(!staff.url().includes('/login'), `still on ${staff.url()} after signing in (does create-admin exist?)`);
    // Staff must use two-factor sign-in (the default): they are sent to turn it on.
    assert(new URL(staff.url()).pathname === '/account/two-factor', `sent to ${staff.url()}, not to /account/two-factor`);
    await checkPage(staff, 'two-factor-enrol');
  });
  await sj.step('turns on two-factor sign-in with a code computed by pyotp', async () => {
    const lang = await pageLang(staff);
    const secret = (await staff.locator('#two-factor-secret').textContent()).trim();
    assert(/^[A-Z2-7 ]{32,}$/.test(secret), `the key reads "${secret}"`);
    const qr = staff.locator('img[src^="data:image/svg+xml"]');
    assert((await qr.getAttribute('alt')) === t(lang, 'two-factor-qr-alt'), 'the QR code has its text alternative');
    await staff.getByLabel(t(lang, 'field-two-factor-app-code'), { exact: true }).fill(pyotpCode(secret, 0));
    await clickAndLoad(staff, staff.getByRole('button', { name: t(lang, 'two-factor-confirm-submit'), exact: true }));
    assert(staff.plenum.status === 200, `confirming answered ${staff.plenum.status}`);
    const codes = await staff.locator('main li code').allTextContents();
    assert(codes.length === 10, `expected 10 recovery codes, found ${codes.length}`);
    shared.staffSecret = secret;
    shared.recoveryCodes = codes;
    await checkPage(staff, 'two-factor-codes');
  });
  await sj.step('signs in again: the password, then a pyotp code', async () => {
    assert(shared.staffSecret, 'two-factor sign-in was not turned on');
    await staff.context().clearCookies();
    await go(staff, '/login');
    const lang = await pageLang(staff);
    await staff.getByLabel(t(lang, 'field-email'), { exact: true }).fill(staffEmail);
    await staff.getByLabel(t(lang, 'field-password'), { exact: true }).fill(staffPassword);
    await clickAndLoad(staff, staff.getByRole('button', { name: t(lang, 'login-submit'), exact: true }));
    assert(new URL(staff.url()).pathname === '/login/code', `after the password: ${staff.url()}`);
    await checkPage(staff, 'login-code');
    // The step of the enrolment code is spent (each code works once): the next step's code,
    // which the ±1 step window accepts, is what the app shows a few seconds later.
    await staff.getByLabel(t(lang, 'field-two-factor-code'), { exact: true }).fill(pyotpCode(shared.staffSecret, 30));
    await clickAndLoad(staff, staff.getByRole('button', { name: t(lang, 'two-factor-code-submit'), exact: true }));
    assert(!staff.url().includes('/login'), `still on ${staff.url()} after the code`);
  });
  await sj.step('in French: signs in with a recovery code, sees two-factor sign-in on', async () => {
    assert(shared.recoveryCodes, 'no recovery codes were shown');
    const fr = await newPage('fr-FR');
    await go(fr, '/login');
    await fr.getByLabel(t('fr', 'field-email'), { exact: true }).fill(staffEmail);
    await fr.getByLabel(t('fr', 'field-password'), { exact: true }).fill(staffPassword);
    await clickAndLoad(fr, fr.getByRole('button', { name: t('fr', 'login-submit'), exact: true }));
    assert(new URL(fr.url()).pathname === '/login/code', `after the password: ${fr.url()}`);
    await checkPage(fr, 'login-code-fr');
    await fr.getByLabel(t('fr', 'field-two-factor-code'), { exact: true }).fill(shared.recoveryCodes[0]);
    await clickAndLoad(fr, fr.getByRole('button', { name: t('fr', 'two-factor-code-submit'), exact: true }));
    assert(!fr.url().includes('/login'), `still on ${fr.url()} after the recovery code`);
    await go(fr, '/account/two-factor');
    assert((await fr.locator('main').textContent()).includes(t('fr', 'two-factor-is-on')), 'the page says it is on');
    await checkPage(fr, 'two-factor-on-fr');
    shared.staffFr = fr;
  });
  await sj.step('new recovery codes: a wrong password refused (en, fr), then ten new ones replace the list (fr)', async () => {
    const ask = async (page, lang, password) => {
      const form = page.locator('form[action="/account/two-factor/recovery-codes"]');
      await (await byName(form, 'codes_password')).fill(password);
      await (await byName(form, 'codes_code')).fill(shared.recoveryCodes[1]);
      await clickAndLoad(page, form.getByRole('button', { name: t(lang, 'two-factor-new-codes-submit'), exact: true }));
    };
    await go(staff, '/account/two-factor');
    await ask(staff, 'en', 'not the password');
    assert(staff.plenum.status === 422, `a wrong password answered ${staff.plenum.status}`);
    await errorTiedToField(staff, 'codes_password');
    await checkPage(staff, 'two-factor-new-codes-errors-en', { okStatus: [422] });
    const fr = shared.staffFr;
    await ask(fr, 'fr', 'pas le mot de passe');
    await errorTiedToField(fr, 'codes_password');
    await checkPage(fr, 'two-factor-new-codes-errors-fr', { okStatus: [422] });
    // The password refused first, the recovery code was not spent: it proves it is her now.
    await ask(fr, 'fr', staffPassword);
    assert(fr.plenum.status === 200, `asking for new codes answered ${fr.plenum.status}`);
    const codes = (await fr.locator('ul.recovery-codes code').allTextContents()).map((c) => c.trim());
    assert(codes.length === 10, `${codes.length} new recovery codes shown`);
    assert(codes.every((c) => !shared.recoveryCodes.includes(c)), 'an old code is in the new list');
    await checkPage(fr, 'two-factor-new-codes-fr');
    // The later sign-ins (staff in French, /admin/mail) use the new list.
    shared.recoveryCodes = codes;
    await fr.context().close();
  });
  await sj.step('opens /admin', async () => {
    await go(staff, '/admin');
    assert(staff.plenum.status === 200, `/admin answered ${staff.plenum.status}`);
    await checkPage(staff, 'admin');
  });
  await sj.step('creates a process at /admin/processes/new', async () => {
    await go(staff, '/admin/processes/new');
    await checkPage(staff, 'admin-process-new');
    const form = formWith(staff, 'slug');
    await (await byName(form, 'slug')).fill(slug);
    await (await byName(form, 'title')).fill('Des pistes cyclables pour le centre');
    await (await byName(form, 'description')).fill('Où faut-il tracer les prochaines pistes cyclables ? **Proposez** et discutez.');
    await (await byName(form, 'scope')).fill('Centre-ville');
    await (await byName(form, 'categories')).fill('Mobilité\nSécurité');
    await clickAndLoad(staff, await submitButton(form));
    assert(staff.plenum.status === 200, `creating the process answered ${staff.plenum.status}`);
    assert(!staff.url().endsWith('/new'), `still on the form: ${staff.url()}`);
    shared.adminProcessUrl = new URL(staff.url()).pathname;
    await checkPage(staff, 'admin-process');
  });
  await sj.step('adds a proposals phase (yesterday → in a week)', async () => {
    const form = formWith(staff, 'starts_at');
    await choose(form, 'kind', 'proposals');
    await fillDate(await byName(form, 'starts_at'), new Date(Date.now() - DAY));
    await fillDate(await byName(form, 'ends_at'), new Date(Date.now() + 7 * DAY));
    for (const name of ['proposals_enabled', 'endorsements_enabled', 'comments_enabled']) {
      await (await byName(form, name)).check();
    }
    await clickAndLoad(staff, await submitButton(form));
    assert(staff.plenum.status === 200, `adding the phase answered ${staff.plenum.status}`);
    assert((await staff.locator('[aria-invalid="true"]').count()) === 0, 'the phase form shows errors');
    await checkPage(staff, 'admin-process-phase');
  });
  await sj.step('publishes it', async () => {
    const publish = staff.getByRole('button', { name: /publi/i }).first();
    await clickAndLoad(staff, publish);
    assert(staff.plenum.status === 200, `publishing answered ${staff.plenum.status}`);
    await go(staff, `/processes/${slug}`);
    assert(staff.plenum.status === 200, `/processes/${slug} answered ${staff.plenum.status}`);
    shared.published = true;
  });

  // ---------- keyboard and forms, as a visitor ----------
  const visitor = await newPage('fr-FR');
  const kj = new Journey('keyboard');
  await kj.step('home: Tab first focuses the skip link, which moves focus to main', async () => {
    await go(visitor, '/');
    assert((await pageLang(visitor)) === 'fr', 'expected French for a fr-FR browser');
    await checkPage(visitor, 'home-visitor');
    await skipLinkFirst(visitor);
  });
  await kj.step('home: every interactive element is reachable with Tab, with a visible focus ring', async () => {
    await go(visitor, '/');
    await keyboardWalk(visitor);
  });
  await kj.step('signup: an empty required field shows an error tied to it (aria-describedby)', async () => {
    await go(visitor, '/signup');
    await checkPage(visitor, 'signup');
    const lang = await pageLang(visitor);
    await visitor.getByLabel(t(lang, 'field-email'), { exact: true }).fill(`lea-${run}@example.org`);
    await visitor.getByLabel(t(lang, 'field-display-name'), { exact: true }).fill('Léa Martin');
    const password = visitor.getByLabel(t(lang, 'field-password'), { exact: true });
    await password.fill('trois tortues traversent la rue');
    await pressAndLoad(visitor, password, 'Enter');
    await errorTiedToField(visitor, 'username');
    await checkPage(visitor, 'signup-errors', { okStatus: [200, 400, 422] });
  });

  // ---------- a citizen takes part ----------
  const citizen = await newPage('fr-FR');
  const cj = new Journey('citizen');
  await cj.step('signs up at /signup', async () => {
    await go(citizen, '/signup');
    const lang = await pageLang(citizen);
    await citizen.getByLabel(t(lang, 'field-email'), { exact: true }).fill(`camille-${run}@example.org`);
    await citizen.getByLabel(t(lang, 'field-username'), { exact: true }).fill(`camille-${run}`);
    await citizen.getByLabel(t(lang, 'field-display-name'), { exact: true }).fill('Camille Durand');
    await citizen.getByLabel(t(lang, 'field-password'), { exact: true }).fill('le vélo du matin sous la pluie');
    await clickAndLoad(citizen, citizen.getByRole('button', { name: t(lang, 'signup-submit'), exact: true }));
    assert(!citizen.url().includes('/signup'), `still on the sign-up page: ${citizen.url()}`);
    await checkPage(citizen, 'signed-up');
  });
  await cj.step('is asked to confirm the address, by a banner with a resend button', async () => {
    const lang = await pageLang(citizen);
    const banner = citizen.locator('section.banner');
    await banner.waitFor();
    assert((await banner.textContent()).includes(`camille-${run}@example.org`), 'the banner does not name the address');
    assert(await citizen.getByRole('button', { name: t(lang, 'confirm-banner-resend'), exact: true }).isVisible(), 'no resend button');
  });
  await cj.step('reads the confirmation mail the SMTP server got and follows its link', async () => {
    const path = linkIn(await mailTo(`camille-${run}@example.org`, '/email/confirm?token='), '/email/confirm');
    await go(citizen, path);
    assert(citizen.url().includes('notice=email-confirmed'), `no confirmation: ${citizen.url()}`);
    assert((await citizen.locator('section.banner').count()) === 0, 'the banner is still shown');
    await checkPage(citizen, 'email-confirmed');
    await go(citizen, path);
    assert(citizen.plenum.status === 410, `the link followed again answered ${citizen.plenum.status}`);
    await checkPage(citizen, 'link-used', { okStatus: [410] });
  });
  await cj.step('visits /account', async () => {
    await go(citizen, '/account');
    assert(citizen.plenum.status === 200, `/account answered ${citizen.plenum.status}`);
    await checkPage(citizen, 'account');
  });
  await cj.step('may turn on two-factor sign-in (the page, in French)', async () => {
    await go(citizen, '/account/two-factor');
    assert(citizen.plenum.status === 200, `/account/two-factor answered ${citizen.plenum.status}`);
    await checkPage(citizen, 'two-factor-enrol-fr');
  });
  await cj.step('asks for e-mail at once for each notification (/account)', async () => {
    await go(citizen, '/account');
    const form = formWith(citizen, 'email_frequency');
    await choose(form, 'email_frequency', 'immediate');
    await clickAndLoad(citizen, await submitButton(form));
    assert(citizen.plenum.status === 200, `saving the frequency answered ${citizen.plenum.status}`);
    assert(await citizen.locator('#email-frequency-immediate').isChecked(), 'the choice was not kept');
  });
  await cj.step('opens the process and follows the link to propose', async () => {
    assert(shared.published, 'the staff journey did not publish a process');
    await go(citizen, `/processes/${slug}`);
    await checkPage(citizen, 'process');
    const lang = await pageLang(citizen);
    await clickAndLoad(citizen, citizen.getByRole('link', { name: t(lang, 'proposal-new'), exact: true }));
    assert(new URL(citizen.url()).pathname === `/processes/${slug}/proposals/new`, `landed on ${citizen.url()}`);
    await checkPage(citizen, 'proposal-new');
  });
  await cj.step('an empty title is refused with an error tied to the field', async () => {
    const lang = await pageLang(citizen);
    await citizen.getByLabel(t(lang, 'field-body'), { exact: true }).fill('Une piste protégée sur toute la rue de la République.');
    await clickAndLoad(citizen, citizen.getByRole('button', { name: t(lang, 'proposal-publish'), exact: true }));
    await errorTiedToField(citizen, 'title');
    await checkPage(citizen, 'proposal-new-errors', { okStatus: [200, 400, 422] });
  });
  await cj.step('publishes a proposal and lands on /proposals/{id}', async () => {
    const lang = await pageLang(citizen);
    await citizen.getByLabel(t(lang, 'field-title'), { exact: true }).fill('Une piste cyclable rue de la République');
    await citizen.getByLabel(t(lang, 'field-body'), { exact: true }).fill('Une piste protégée sur toute la rue, dans les deux sens.\n\nElle relierait la gare au lycée.');
    const category = citizen.getByLabel(t(lang, 'field-category'), { exact: true });
    await category.selectOption({ label: 'Mobilité' });
    await clickAndLoad(citizen, citizen.getByRole('button', { name: t(lang, 'proposal-publish'), exact: true }));
    const m = /^\/proposals\/([^/?#]+)$/.exec(new URL(citizen.url()).pathname);
    assert(m, `landed on ${citizen.url()}`);
    shared.proposalId = m[1];
    await checkPage(citizen, 'proposal');
  });
  await cj.step('adds a photo with its description to the proposal, and sees it there', async () => {
    const lang = await pageLang(citizen);
    await clickAndLoad(citizen, citizen.getByRole('link', { name: t(lang, 'attachments-manage-link'), exact: true }));
    await checkPage(citizen, 'attachments-manage');
    await citizen.getByLabel(t(lang, 'attachment-alt'), { exact: true }).fill('Dessin : la rue avec une piste cyclable');
    await citizen.getByLabel(t(lang, 'attachment-file'), { exact: true }).setInputFiles({
      name: 'rue.png',
      mimeType: 'image/png',
      buffer: Buffer.from(PHOTO_PNG, 'base64'),
    });
    await clickAndLoad(citizen, citizen.getByRole('button', { name: t(lang, 'attachment-upload'), exact: true }));
    assert(citizen.url().includes('notice=attachment-added'), `no confirmation: ${citizen.url()}`);
    await checkPage(citizen, 'attachments-manage-added');
    await go(citizen, `/proposals/${shared.proposalId}`);
    const image = citizen.getByRole('img', { name: 'Dessin : la rue avec une piste cyclable', exact: true });
    await image.waitFor();
    // It loads lazily: brought into view, it arrives, from the uploads.
    await image.scrollIntoViewIfNeeded();
    const loaded = await image.evaluate((img) => img.decode().then(() => img.currentSrc, () => ''));
    assert(/\/uploads\/[^/]+\/(400|1200)$/.test(loaded), `the image is shown (loaded "${loaded}")`);
    await checkPage(citizen, 'proposal-with-image');
  });
  await cj.step('endorses it', async () => {
    const lang = await pageLang(citizen);
    await clickAndLoad(citizen, citizen.getByRole('button', { name: t(lang, 'endorse-button'), exact: true }));
    await citizen.getByRole('button', { name: t(lang, 'unendorse-button'), exact: true }).waitFor();
    await checkPage(citizen, 'proposal-endorsed');
  });
  await cj.step('comments "for"', async () => {
    const lang = await pageLang(citizen);
    const form = citizen.locator('form').filter({ has: citizen.getByLabel(t(lang, 'field-comment'), { exact: true }) });
    await form.getByLabel(t(lang, 'field-comment'), { exact: true }).fill('Oui, et avec des arceaux devant la gare.');
    await form.getByRole('radio', { name: t(lang, 'stance-for'), exact: true }).check();
    await clickAndLoad(citizen, form.getByRole('button', { name: t(lang, 'comment-submit'), exact: true }));
    const comment = citizen.locator('article.comment').filter({ hasText: 'arceaux' });
    await comment.waitFor();
    const stance = (await comment.locator('.stance-for').textContent()).trim();
    assert(stance === t(lang, 'stance-for'), `the stance reads "${stance}"`);
    shared.commentId = (await comment.getAttribute('id')).replace(/^comment-/, '');
    await checkPage(citizen, 'proposal-commented');
  });
  await cj.step('replies "against" to the comment', async () => {
    const lang = await pageLang(citizen);
    const parent = citizen.locator(`#comment-${shared.commentId}`);
    await parent.getByText(t(lang, 'comment-reply'), { exact: true }).click();
    await checkPage(citizen, 'proposal-reply-open');
    await parent.getByLabel(t(lang, 'comment-reply-label'), { exact: true }).fill('Pas sûr : la rue est étroite.');
    await parent.getByRole('radio', { name: t(lang, 'stance-against'), exact: true }).check();
    await clickAndLoad(citizen, parent.getByRole('button', { name: t(lang, 'comment-reply-submit'), exact: true }));
    const reply = citizen.locator('article.comment.depth-1').filter({ hasText: 'étroite' });
    await reply.waitFor();
    assert((await reply.locator('.stance-against').count()) === 1, 'the reply shows no "against" stance');
    await checkPage(citizen, 'proposal-replied');
  });
  await cj.step('the counts say 1 endorsement and 2 comments', async () => {
    const endorsements = (await citizen.locator('#endorsement-count').textContent()).trim();
    assert(/\b1\b/.test(endorsements), `endorsement count reads "${endorsements}"`);
    const comments = (await citizen.locator('#comments-title').textContent()).trim();
    assert(/\b2\b/.test(comments), `comments heading reads "${comments}"`);
    await go(citizen, `/processes/${slug}`);
    const card = (await citizen.locator('.card .counts').first().textContent()).trim();
    assert(/\b1\b/.test(card) && /\b2\b/.test(card), `the process list shows "${card}"`);
  });
  await cj.step('reports the reply (so staff have something to review)', async () => {
    await go(citizen, `/report/proposal/${shared.proposalId}`);
    await checkPage(citizen, 'report');
    const form = formWith(citizen, 'reason');
    await form.locator('input[name="reason"]').first().check();
    await clickAndLoad(citizen, await submitButton(form));
    assert(citizen.plenum.status === 200, `reporting answered ${citizen.plenum.status}`);
  });
  await cj.step('switches language with the header button', async () => {
    await go(citizen, `/proposals/${shared.proposalId}`);
    const before = await pageLang(citizen);
    const button = citizen.locator('header').getByRole('button', { name: t(before, 'switch-language'), exact: true });
    await clickAndLoad(citizen, button);
    const after = await pageLang(citizen);
    assert(after !== before && ['fr', 'en'].includes(after), `<html lang> went from "${before}" to "${after}"`);
    assert(new URL(citizen.url()).pathname === `/proposals/${shared.proposalId}`, `came back to ${citizen.url()}`);
    await checkPage(citizen, `proposal-${after}`);
    await go(citizen, `/attachments/proposal/${shared.proposalId}`);
    await checkPage(citizen, `attachments-manage-${after}`);
  });

  await kj.step('proposal page: skip link first, everything reachable with Tab', async () => {
    assert(shared.proposalId, 'no proposal was created');
    await go(citizen, `/proposals/${shared.proposalId}`);
    await skipLinkFirst(citizen);
    await keyboardWalk(citizen);
  });

  // ---------- staff answer and review ----------
  const aj = new Journey('staff answers');
  await aj.step(`answers the proposal at /admin/proposals/{id}/answer`, async () => {
    assert(shared.proposalId, 'no proposal was created');
    await go(staff, `/admin/proposals/${shared.proposalId}/answer`);
    assert(staff.plenum.status === 200, `the answer page answered ${staff.plenum.status}`);
    await checkPage(staff, 'admin-answer');
    const form = formWith(staff, 'answer');
    await choose(form, 'state', 'accepted');
    await (await byName(form, 'answer')).fill('La ville retient la proposition : travaux **au printemps**.');
    await clickAndLoad(staff, await submitButton(form));
    assert(staff.plenum.status === 200, `saving the answer answered ${staff.plenum.status}`);
    await checkPage(staff, 'admin-answered');
  });
  await aj.step('the citizen sees the official answer', async () => {
    await go(citizen, `/proposals/${shared.proposalId}`);
    const answer = citizen.locator('.answer');
    await answer.waitFor();
    assert((await answer.textContent()).includes('printemps'), 'the answer text is missing');
    await checkPage(citizen, 'proposal-answered');
  });
  await aj.step('the citizen reads the answer in /notifications, then marks all read', async () => {
    await go(citizen, '/notifications');
    assert(citizen.plenum.status === 200, `/notifications answered ${citizen.plenum.status}`);
    const link = citizen.locator(`main a[href^="/proposals/${shared.proposalId}"]`).first();
    await link.waitFor();
    await checkPage(citizen, 'notifications-unread');
    await clickAndLoad(citizen, citizen.locator('form[action="/notifications/read"] button'));
    assert(citizen.plenum.status === 200, `marking all read answered ${citizen.plenum.status}`);
    assert((await citizen.locator('main .unread').count()) === 0, 'an item is still unread');
    await checkPage(citizen, 'notifications-read');
  });
  await aj.step('the answer arrives by mail; its unsubscribe link asks, then stops the mail (fr, en)', async () => {
    // The notification: the account's own mails carry no unsubscribe header.
    const { raw: mail } = await mailMatching(`camille-${run}@example.org`,
      (m) => /^List-Unsubscribe-Post:/m.test(m.raw), 'a List-Unsubscribe-Post header');
    assert(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click/m.test(mail), 'no RFC 8058 header');
    const found = mail.match(/^List-Unsubscribe: <[^>]*?(\/unsubscribe\/[^>]+)>/m);
    assert(found, 'no List-Unsubscribe header');
    const path = found[1];
    const english = await newPage('en-GB');
    await go(english, path);
    assert(english.plenum.status === 200, `the unsubscribe page answered ${english.plenum.status}`);
    await checkPage(english, 'unsubscribe-confirm-en');
    const visitorFr = await newPage('fr-FR');
    await go(visitorFr, path);
    await checkPage(visitorFr, 'unsubscribe-confirm');
    await clickAndLoad(visitorFr, visitorFr.getByRole('button', { name: t('fr', 'unsubscribe-button'), exact: true }));
    assert(visitorFr.plenum.status === 200, `unsubscribing answered ${visitorFr.plenum.status}`);
    assert((await visitorFr.locator('main').textContent()).includes(t('fr', 'unsubscribe-done')), 'no confirmation');
    await checkPage(visitorFr, 'unsubscribe-done');
    await go(visitorFr, '/unsubscribe/forged.token');
    await checkPage(visitorFr, 'unsubscribe-refused', { okStatus: [404] });
    await go(citizen, '/account');
    assert(await citizen.locator('#email-frequency-none').isChecked(), 'the frequency is not "none" after unsubscribing');
  });
  await aj.step('staff look at /admin/mail (en, fr)', async () => {
    await go(staff, '/admin/mail');
    assert(staff.plenum.status === 200, `/admin/mail answered ${staff.plenum.status}`);
    await checkPage(staff, 'admin-mail');
    // The same page for staff whose browser asks for French.
    const staffFr = await newPage('fr-FR');
    await go(staffFr, '/login');
    await staffFr.getByLabel(t('fr', 'field-email'), { exact: true }).fill(staffEmail);
    await staffFr.getByLabel(t('fr', 'field-password'), { exact: true }).fill(staffPassword);
    await clickAndLoad(staffFr, staffFr.getByRole('button', { name: t('fr', 'login-submit'), exact: true }));
    // Staff have two-factor sign-in on by now: the second step takes another recovery code.
    assert(new URL(staffFr.url()).pathname === '/login/code', `after the password: ${staffFr.url()}`);
    assert(shared.recoveryCodes && shared.recoveryCodes.length > 1, 'no recovery code left');
    await staffFr.getByLabel(t('fr', 'field-two-factor-code'), { exact: true }).fill(shared.recoveryCodes[1]);
    await clickAndLoad(staffFr, staffFr.getByRole('button', { name: t('fr', 'two-factor-code-submit'), exact: true }));
    await go(staffFr, '/admin/mail');
    assert(staffFr.plenum.status === 200, `/admin/mail answered ${staffFr.plenum.status}`);
    assert((await pageLang(staffFr)) === 'fr', 'expected the French page');
    await checkPage(staffFr, 'admin-mail-fr');
  });
  await aj.step('looks at /admin/reports', async () => {
    await go(staff, '/admin/reports');
    assert(staff.plenum.status === 200, `/admin/reports answered ${staff.plenum.status}`);
    await checkPage(staff, 'admin-reports');
  });

  // ---------- a participatory budget: staff set it up, a citizen votes, results ----------
  const bj = new Journey('budget');
  const pbSlug = `ecoles-${run}`;
  await bj.step('staff create a process with a vote phase open now', async () => {
    await go(staff, '/admin/processes/new');
    const form = formWith(staff, 'slug');
    await (await byName(form, 'slug')).fill(pbSlug);
    await (await byName(form, 'title')).fill('Mini-budget des écoles');
    await (await byName(form, 'description')).fill('Choisissez les projets des cours d\'école.');
    await clickAndLoad(staff, await submitButton(form));
    shared.pbAdminUrl = new URL(staff.url()).pathname;
    const phase = formWith(staff, 'starts_at');
    await choose(phase, 'kind', 'vote');
    await fillDate(await byName(phase, 'starts_at'), new Date(Date.now() - DAY));
    await fillDate(await byName(phase, 'ends_at'), new Date(Date.now() + 7 * DAY));
    await clickAndLoad(staff, await submitButton(phase));
    assert((await staff.locator('[aria-invalid="true"]').count()) === 0, 'the phase form shows errors');
    await clickAndLoad(staff, staff.getByRole('button', { name: /publi/i }).first());
    assert(staff.plenum.status === 200, `publishing answered ${staff.plenum.status}`);
  });
  await bj.step('staff create a knapsack budget of 100 EUR and three projects', async () => {
    const lang = await pageLang(staff);
    await clickAndLoad(staff, staff.getByRole('link', { name: t(lang, 'admin-budgets-link'), exact: true }));
    await checkPage(staff, 'admin-budgets');
    const form = formWith(staff, 'amount');
    await (await byName(form, 'title')).fill('Cours d\'école');
    await (await byName(form, 'slug')).fill('cours');
    await (await byName(form, 'amount')).fill('abc');
    await (await byName(form, 'currency')).fill('EUR');
    await choose(form, 'ballot_type', 'knapsack');
    await clickAndLoad(staff, await submitButton(form));
    assert(staff.plenum.status === 422, `a wrong amount answered ${staff.plenum.status}`);
    await errorTiedToField(staff, 'amount');
    await checkPage(staff, 'admin-budgets-errors', { okStatus: [422] });
    await (await byName(formWith(staff, 'amount'), 'amount')).fill('100');
    await clickAndLoad(staff, await submitButton(formWith(staff, 'amount')));
    assert(/\/admin\/budgets\/[^/]+$/.test(new URL(staff.url()).pathname), `landed on ${staff.url()}`);
    shared.budgetAdmin = new URL(staff.url()).pathname;
    const projects = [['1', 'Arbres dans la cour', '60'], ['2', 'Fontaine à eau', '30'], ['3', 'Jeux peints au sol', '20']];
    shared.projectNames = projects.map(([, title]) => title);
    for (const [code, title, cost] of projects) {
      const p = formWith(staff, 'cost');
      await (await byName(p, 'code')).fill(code);
      await (await byName(p, 'title')).fill(title);
      await (await byName(p, 'cost')).fill(cost);
      await clickAndLoad(staff, await submitButton(p));
      assert(staff.plenum.status === 200, `adding project ${code} answered ${staff.plenum.status}`);
    }
    assert((await staff.locator('tbody tr').count()) === 3, 'the budget page does not list 3 projects');
    await checkPage(staff, 'admin-budget');
  });
  // The text of the budget bar, spaces folded (French groups digits with a narrow no-break space).
  const barText = async (page) => (await page.locator('.running-total').textContent()).replace(/\s+/g, ' ').trim();
  await bj.step('"my participation" lists what the citizen did, before any vote (fr)', async () => {
    await go(citizen, '/account/participation');
    const lang = await pageLang(citizen);
    assert(citizen.plenum.status === 200, `/account/participation answered ${citizen.plenum.status}`);
    assert((await citizen.getByRole('link', { name: t(lang, 'nav-participation'), exact: true }).count()) >= 1, 'the header does not link to the page');
    const proposals = (await citizen.locator('#participation-proposals').textContent()).replace(/\s+/g, ' ');
    assert((await citizen.locator('#participation-proposals li').count()) >= 1, `no proposal of hers: "${proposals}"`);
    await checkPage(citizen, 'participation-before-vote-fr');
  });
  await bj.step('with JavaScript, the budget bar follows the choices and says when it is over (fr)', async () => {
    await go(citizen, `/processes/${pbSlug}/budgets/cours`);
    const lang = await pageLang(citizen);
    // Each project is a card that links to its own page.
    assert((await citizen.locator('li.project-card').count()) === 3, 'the ballot does not show 3 cards');
    assert((await citizen.getByRole('link', { name: t(lang, 'project-more', { title: 'Fontaine à eau' }), exact: true }).count()) === 1, 'no link to a project page');
    // The script hides the button that asks the server for the total.
    assert(!(await citizen.getByRole('button', { name: t(lang, 'ballot-check'), exact: true }).isVisible()), 'the update button is still shown');
    await checkPage(citizen, 'budget-ballot-js');
    for (const code of ['1', '2', '3']) await citizen.locator(`input[name="choice"][value="${code}"]`).check();
    let text = await barText(citizen);
    assert(/110/.test(text), `the bar reads "${text}"`);
    const over = (await citizen.locator('.bar-over').textContent()).trim();
    assert(over === t(lang, 'ballot-bar-over') && (await citizen.locator('.bar-over').isVisible()), `the over-budget message is not shown: "${over}"`);
    // In the live region, so that a screen reader hears it when it appears.
    assert((await citizen.locator('#budget-total[role="status"] .bar-over').count()) === 1, 'the message is not in the status region');
    assert((await citizen.locator('#budget-meter').evaluate((m) => m.value)) === 100, 'the meter is not full');
    await checkPage(citizen, 'budget-ballot-js-over');
    await citizen.locator('input[name="choice"][value="1"]').uncheck();
    text = await barText(citizen);
    assert(/50/.test(text) && !/110/.test(text) && !(await citizen.locator('.bar-over').isVisible()), `the bar reads "${text}"`);
    // An over-budget choice sent to review comes back with the reason (the server checks it).
    await citizen.locator('input[name="choice"][value="1"]').check();
    await clickAndLoad(citizen, citizen.getByRole('button', { name: t(lang, 'ballot-review'), exact: true }));
    assert(citizen.plenum.status === 422, `an over-budget review answered ${citizen.plenum.status}`);
    await checkPage(citizen, 'budget-ballot-error', { okStatus: [422] });
    await citizen.locator('input[name="choice"][value="1"]').uncheck();
  });
  await bj.step('the citizen reviews her choices, changes them, reviews again and votes (fr)', async () => {
    const lang = await pageLang(citizen);
    await clickAndLoad(citizen, citizen.getByRole('button', { name: t(lang, 'ballot-review'), exact: true }));
    assert(citizen.plenum.status === 200, `the review answered ${citizen.plenum.status}`);
    const list = (await citizen.locator('.review-list').textContent()).replace(/\s+/g, ' ');
    assert(list.includes('Fontaine à eau') && list.includes('Jeux peints au sol') && !list.includes('Arbres'), `the review lists "${list}"`);
    await checkPage(citizen, 'budget-review-fr');
    // "Change my choices" keeps them.
    await clickAndLoad(citizen, citizen.getByRole('button', { name: t(lang, 'review-change'), exact: true }));
    assert(await citizen.locator('input[name="choice"][value="2"]').isChecked(), 'the choices were not kept');
    assert(!(await citizen.locator('input[name="choice"][value="1"]').isChecked()), 'a choice was added');
    await clickAndLoad(citizen, citizen.getByRole('button', { name: t(lang, 'ballot-review'), exact: true }));
    await clickAndLoad(citizen, citizen.getByRole('button', { name: t(lang, 'ballot-cast'), exact: true }));
    const receipt = (await citizen.locator('#receipt').textContent()).trim();
    assert(/^[A-Z2-9]{5}(-[A-Z2-9]{5}){3}$/.test(receipt), `the receipt reads "${receipt}"`);
    shared.receipt = receipt;
    await checkPage(citizen, 'budget-receipt');
  });
  await bj.step('a citizen without JavaScript updates the total with the button, reviews and votes (en)', async () => {
    const plain = await newPage('en-GB', { javaScriptEnabled: false });
    shared.plain = plain;
    await go(plain, '/signup');
    const lang = await pageLang(plain);
    await plain.getByLabel(t(lang, 'field-email'), { exact: true }).fill(`sam-${run}@example.org`);
    await plain.getByLabel(t(lang, 'field-username'), { exact: true }).fill(`sam-${run}`);
    await plain.getByLabel(t(lang, 'field-display-name'), { exact: true }).fill('Sam Taylor');
    await plain.getByLabel(t(lang, 'field-password'), { exact: true }).fill('a bicycle in the morning rain');
    await clickAndLoad(plain, plain.getByRole('button', { name: t(lang, 'signup-submit'), exact: true }));
    // A vote is taking part: the address is confirmed first, from the mail.
    await go(plain, linkIn(await mailTo(`sam-${run}@example.org`, '/email/confirm?token='), '/email/confirm'));
    assert(plain.url().includes('notice=email-confirmed'), `not confirmed: ${plain.url()}`);
    await go(plain, '/account/participation');
    assert(await plain.locator('#participation-nothing').isVisible(), 'no "nothing yet" notice for a newcomer');
    await checkPage(plain, 'participation-empty-en');
    await go(plain, `/processes/${pbSlug}/budgets/cours`);
    const update = plain.getByRole('button', { name: t(lang, 'ballot-check'), exact: true });
    assert(await update.isVisible(), 'without scripts the update button is not shown');
    await checkPage(plain, 'budget-ballot-nojs');
    await plain.locator('input[name="choice"][value="2"]').check();
    // Nothing runs in the page: the bar changes only when the server is asked.
    assert((await barText(plain)).startsWith('€0 of €100'), `the bar changed without a script: "${await barText(plain)}"`);
    await clickAndLoad(plain, update);
    const text = await barText(plain);
    assert(text.startsWith('€30 of €100 chosen') && text.includes('€70 left'), `the bar reads "${text}"`);
    await checkPage(plain, 'budget-ballot-nojs-updated');
    await clickAndLoad(plain, plain.getByRole('button', { name: t(lang, 'ballot-review'), exact: true }));
    await checkPage(plain, 'budget-review-en');
    await clickAndLoad(plain, plain.getByRole('button', { name: t(lang, 'ballot-cast'), exact: true }));
    assert(/^[A-Z2-9]{5}(-[A-Z2-9]{5}){3}$/.test((await plain.locator('#receipt').textContent()).trim()), 'no receipt');
  });
  await bj.step('a project has a page of its own', async () => {
    await go(citizen, `/processes/${pbSlug}/budgets/cours`);
    const lang = await pageLang(citizen);
    await clickAndLoad(citizen, citizen.getByRole('link', { name: t(lang, 'project-more', { title: 'Fontaine à eau' }), exact: true }));
    assert(citizen.plenum.status === 200 && (await citizen.locator('h1').textContent()).trim() === 'Fontaine à eau', 'not the project page');
    await checkPage(citizen, 'budget-project');
  });
  await bj.step('"my participation" lists the vote, in French and in English', async () => {
    for (const [page, label] of [[citizen, 'participation-fr'], [shared.plain, 'participation-en']]) {
      await go(page, '/account/participation');
      const votes = (await page.locator('#participation-ballots').textContent()).replace(/\s+/g, ' ');
      assert(votes.includes("Cours d'école"), `the votes section reads "${votes}"`);
      assert(!(await page.locator('#participation-nothing').count()), 'still "nothing yet"');
      await checkPage(page, label);
    }
  });
  await bj.step('staff close the vote, compare the rules and publish', async () => {
    await go(staff, shared.pbAdminUrl);
    const phase = formWith(staff, 'starts_at');
    await fillDate(await byName(phase, 'starts_at'), new Date(Date.now() - 2 * DAY));
    await fillDate(await byName(phase, 'ends_at'), new Date(Date.now() - 60 * 1000));
    await clickAndLoad(staff, await submitButton(phase));
    assert((await staff.locator('[aria-invalid="true"]').count()) === 0, 'the phase form shows errors');
    await go(staff, shared.budgetAdmin + '/compare');
    assert(staff.plenum.status === 200, `the comparison answered ${staff.plenum.status}`);
    assert((await staff.locator('tbody tr').count()) === 5, 'the comparison does not show 5 rules');
    await checkPage(staff, 'admin-budget-compare');
    const lang = await pageLang(staff);
    await clickAndLoad(staff, staff.getByRole('button', { name: t(lang, 'compare-publish'), exact: true }));
    assert(new URL(staff.url()).pathname.endsWith('/results'), `landed on ${staff.url()}`);
  });
  await bj.step('the citizen reads the results and finds the receipt in the log', async () => {
    await go(citizen, `/processes/${pbSlug}/budgets/cours/results`);
    await checkPage(citizen, 'budget-results');
    assert((await citizen.locator('svg[role="img"] g > rect').count()) === 3, 'the chart does not show 3 bars');
    const lang = await pageLang(citizen);
    // Each bar carries its project's name, and a funded one says so in words, not only in colour.
    const chart = (await citizen.locator('svg[role="img"]').textContent()).replace(/\s+/g, ' ');
    assert(chart.includes(t(lang, 'chart-funded')), `the chart names no funded project: "${chart}"`);
    const table = (await citizen.locator('table').textContent()).replace(/\s+/g, ' ');
    for (const name of shared.projectNames || []) {
      assert(chart.includes(name.slice(0, 20)), `the chart does not name "${name}": "${chart}"`);
      assert(table.includes(name), `the table does not name "${name}"`);
    }
    await citizen.getByLabel(t(lang, 'receipt-label'), { exact: true }).fill(shared.receipt);
    await clickAndLoad(citizen, citizen.getByRole('button', { name: t(lang, 'receipt-check'), exact: true }));
    const status = (await citizen.locator('#receipt-title ~ p[role="status"]').textContent()).trim();
    assert(status.includes(shared.receipt) && status === t(lang, 'receipt-found', { receipt: shared.receipt }), `the check reads "${status}"`);
    await checkPage(citizen, 'budget-receipt-checked');
  });
  await bj.step('staff post an implementation update; the process page shows it', async () => {
    await go(staff, shared.budgetAdmin);
    const lang = await pageLang(staff);
    const form = staff.locator('form').filter({ has: staff.locator('input[name="project_id"]') }).first();
    await form.getByLabel(t(lang, 'implementation-status'), { exact: true }).selectOption('in-progress');
    await form.getByLabel(t(lang, 'implementation-progress'), { exact: true }).fill('35');
    await form.getByLabel(t(lang, 'implementation-note'), { exact: true }).fill('Les travaux ont commencé.');
    await clickAndLoad(staff, form.getByRole('button', { name: t(lang, 'implementation-add'), exact: true }));
    assert(staff.plenum.status === 200, `the update answered ${staff.plenum.status}`);
    await checkPage(staff, 'admin-budget-implementation');
    await go(citizen, `/processes/${pbSlug}`);
    const text = await citizen.locator('#budgets-title + ul').textContent();
    // 35 % in French (a narrow no-break space), 35% in English.
    assert(/35\s?%/.test(text), `the process page shows "${text.replace(/\s+/g, ' ')}"`);
    await checkPage(citizen, 'process-implementation');
    await go(citizen, `/processes/${pbSlug}/budgets/cours`);
    assert((await citizen.locator('progress[value="35"]').count()) === 1, 'no progress bar at 35');
    await checkPage(citizen, 'budget-implementation');
  });

  // ---------- eligibility: staff import a census, the citizen verifies her residency ----------
  const ej = new Journey('census');
  await ej.step('staff import a census at /admin/census', async () => {
    await go(staff, '/admin/census');
    await checkPage(staff, 'admin-census-empty');
    const lang = await pageLang(staff);
    await staff.getByLabel(t(lang, 'census-file'), { exact: true }).setInputFiles({
      name: 'census.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('document;birth_date;postcode\nAB123456;14/07/1989;31000\nCD654321;01/01/1970;31100\n'),
    });
    await clickAndLoad(staff, staff.getByRole('button', { name: t(lang, 'census-import-button'), exact: true }));
    assert(staff.url().includes('notice=census-imported'), `no confirmation: ${staff.url()}`);
    await checkPage(staff, 'admin-census');
  });
  await ej.step('the citizen verifies at /account/verify and is counted as a resident', async () => {
    await go(citizen, '/account/verify');
    await checkPage(citizen, 'verify-form');
    const lang = await pageLang(citizen);
    await citizen.getByLabel('document', { exact: true }).fill('ab 123 456');
    await citizen.getByLabel('birth_date', { exact: true }).fill('1989-07-14');
    await citizen.getByLabel('postcode', { exact: true }).fill('31000');
    await clickAndLoad(citizen, citizen.getByRole('button', { name: t(lang, 'verify-button'), exact: true }));
    assert(citizen.url().includes('notice=census-self-verified'), `not verified: ${citizen.url()}`);
    await checkPage(citizen, 'verify-done');
  });

  // ---------- federation: staff follow a process of the peer town; a citizen endorses there ----------
  const peer = process.env.PLENUM_PEER;
  const fj = new Journey('federation');
  await fj.step('staff open /admin/federation and follow a process of the peer town', async () => {
    await go(staff, '/admin/federation');
    assert(staff.plenum.status === 200, `/admin/federation answered ${staff.plenum.status}`);
    await checkPage(staff, 'admin-federation');
    const lang = await pageLang(staff);
    await staff.getByLabel(t(lang, 'federation-address'), { exact: true }).fill(`budget-2027@${peer}`);
    await clickAndLoad(staff, staff.getByRole('button', { name: t(lang, 'federation-follow-button'), exact: true }));
    assert(staff.url().includes('notice=federation-followed'), `no confirmation after following: ${staff.url()}`);
  });
  let remoteProcess = '';
  await fj.step('the peer accepts and its proposals arrive', async () => {
    for (let i = 0; i < 60 && !remoteProcess; i++) {
      await go(staff, '/admin/federation');
      const link = staff.locator('a[href^="/remote/processes/"]').first();
      if ((await link.count()) && (await staff.locator('td', { hasText: t('en', 'federation-follow-accepted') }).count())) {
        remoteProcess = await link.getAttribute('href');
      } else {
        await staff.waitForTimeout(250);
      }
    }
    assert(remoteProcess, 'the follow was not accepted in 15 s');
    await checkPage(staff, 'admin-federation-followed');
    let proposals = 0;
    for (let i = 0; i < 60 && !proposals; i++) {
      await go(citizen, remoteProcess);
      proposals = await citizen.locator('a[href^="/remote/proposals/"]').count();
      if (!proposals) await citizen.waitForTimeout(250);
    }
    assert(proposals > 0, 'no proposal of the peer town arrived');
    await checkPage(citizen, 'remote-process');
  });
  await fj.step('a citizen endorses a proposal of the peer town from here', async () => {
    await clickAndLoad(citizen, citizen.locator('a[href^="/remote/proposals/"]').first());
    await checkPage(citizen, 'remote-proposal');
    const lang = await pageLang(citizen);
    await clickAndLoad(citizen, citizen.getByRole('button', { name: t(lang, 'endorse-button'), exact: true }));
    assert(citizen.url().includes('notice=remote-endorsed'), `no confirmation: ${citizen.url()}`);
    await checkPage(citizen, 'remote-proposal-endorsed');
  });

  // ---------- a few more pages everyone sees ----------
  const pj = new Journey('pages');
  await pj.step('home with a process, signed in', async () => {
    await go(citizen, '/');
    await checkPage(citizen, 'home-citizen');
  });
  await pj.step('follow from the fediverse: copy button, a refused entry, then off to the server', async () => {
    // A page of its own: it ends on another server's (error) page.
    const visitor = await newPage('fr-FR');
    await go(visitor, `/processes/${slug}`);
    const lang = await pageLang(visitor);
    // The script reveals the copy button; without it the handle stays selectable text.
    const copy = visitor.getByRole('button', { name: t(lang, 'follow-copy'), exact: true });
    assert(await copy.isVisible(), 'the copy button is not shown');
    const field = visitor.getByLabel(t(lang, 'follow-field'), { exact: true });
    await field.fill('pas une adresse');
    await clickAndLoad(visitor, visitor.getByRole('button', { name: t(lang, 'follow-submit'), exact: true }));
    await errorTiedToField(visitor, 'account');
    assert((await byName(visitor, 'account').then((f) => f.inputValue())) === 'pas une adresse', 'the entry was not kept');
    await checkPage(visitor, 'follow-errors', { okStatus: [422] });
    // Only a server: the browser goes on to its Mastodon-style page (the peer, a Plenum, has none: 404).
    const peer = process.env.PLENUM_PEER;
    await byName(visitor, 'account').then((f) => f.fill(peer));
    // Waited for as a response, not a page load: Chromium reports an empty 404 as a failed load.
    const [arrived] = await Promise.all([
      visitor.waitForResponse((r) => r.url().includes('/authorize_interaction')),
      visitor.getByRole('button', { name: t(lang, 'follow-submit'), exact: true }).click(),
    ]);
    const landed = new URL(arrived.url());
    assert(landed.host === peer && landed.pathname === '/authorize_interaction', `landed on ${visitor.url()}`);
    await visitor.context().close();
    assert(landed.searchParams.get('uri') === `http://localhost:${new URL(base).port}/processes/${slug}`, `uri ${landed.searchParams.get('uri')}`);
  });
  await pj.step('not found page', async () => {
    await go(visitor, '/processes/does-not-exist');
    await checkPage(visitor, 'not-found', { okStatus: [404] });
  });

  // ---------- last, as they sign the citizen out everywhere and move her address ----------
  const password = await forgottenPasswordJourney({ newPage, go, email: `camille-${run}@example.org` });
  await addressChangeJourney({ newPage, go, email: `camille-${run}@example.org`, password, tag: run });
} catch (e) {
  record('unexpected error', false, String(e?.stack || e));
} finally {
  await browser.close();
}

process.exitCode = summary() ? 0 : 1;
