// The change of e-mail address: asked on /account with the password (a wrong one refused, tied
// to its field), the link read from the mail the SMTP server got at the new address and the
// notice at the old one, the link followed signed in (fr) and signed out (en), the used link's
// page, the new address shown and signed in with; axe on each state, fr and en.

import { Journey, assert, checkPage, clickAndLoad, pageLang, t } from './lib.mjs';
import { errorTiedToField } from './keyboard.mjs';
import { linkIn, mailMatching, mailTo } from './mailbox.mjs';

/** Signs `page` in (in its language) as `email` with `password`. */
async function signIn(page, go, email, password) {
  await go(page, '/login');
  const lang = await pageLang(page);
  await page.getByLabel(t(lang, 'field-email'), { exact: true }).fill(email);
  await page.getByLabel(t(lang, 'field-password'), { exact: true }).fill(password);
  await clickAndLoad(page, page.getByRole('button', { name: t(lang, 'login-submit'), exact: true }));
  assert(new URL(page.url()).pathname !== '/login', `could not sign in as ${email}: ${page.url()}`);
}

/** Switches `page` (signed in: the account's language) to `lang` with the header button. */
async function useLanguage(page, lang) {
  const now = await pageLang(page);
  if (now === lang) return;
  const button = page.locator('header').getByRole('button', { name: t(now, 'switch-language'), exact: true });
  await clickAndLoad(page, button);
  assert((await pageLang(page)) === lang, `the page is in "${await pageLang(page)}", not "${lang}"`);
}

/** Fills the change form of /account and sends it. */
async function askChange(page, newAddress, password) {
  const lang = await pageLang(page);
  await page.getByLabel(t(lang, 'field-new-email'), { exact: true }).fill(newAddress);
  await page.getByLabel(t(lang, 'field-current-password'), { exact: true }).fill(password);
  await clickAndLoad(page, page.getByRole('button', { name: t(lang, 'account-email-change-submit'), exact: true }));
}

/** The address /account shows for the signed-in person. */
async function shownAddress(page) {
  const lang = await pageLang(page);
  const term = page.locator('dt', { hasText: t(lang, 'field-email') });
  return (await term.locator('xpath=following-sibling::dd[1]').textContent()).trim();
}

/**
 * The holder of `email` (password `password`) moves their account to a second address (fr),
 * then a third (en). `newPage(locale)` and `go(page, path)` come from the run; `tag` makes the
 * addresses unique to the run.
 */
export async function addressChangeJourney({ newPage, go, email, password, tag }) {
  const j = new Journey('address change');
  const second = `camille-nouvelle-${tag}@example.org`;
  const third = `camille-third-${tag}@example.org`;
  const page = await newPage('fr-FR');
  let firstLink = '';
  await j.step('on /account, a wrong password is refused, tied to its field (fr)', async () => {
    await signIn(page, go, email, password);
    await go(page, '/account');
    await useLanguage(page, 'fr');
    await askChange(page, second, 'pas le bon mot de passe');
    assert(page.plenum.status === 422, `a wrong password answered ${page.plenum.status}`);
    await errorTiedToField(page, 'current_password');
    await checkPage(page, 'email-change-errors', { okStatus: [422] });
  });
  await j.step('with the password, is told a link went to the new address (fr)', async () => {
    await askChange(page, second, password);
    assert(page.url().includes('notice=email-change-sent'), `landed on ${page.url()}`);
    assert((await page.locator('main').textContent()).includes(t('fr', 'notice-email-change-sent')), 'no notice');
    assert((await shownAddress(page)) === email, 'the address changed before the link was followed');
    await checkPage(page, 'email-change-sent');
  });
  await j.step('the SMTP server got the link at the new address and the notice at the old one', async () => {
    firstLink = linkIn(await mailTo(second, '/email/change?token='), '/email/change');
    const notice = await mailMatching(email, (m) => m.text.includes(second), `a notice naming ${second}`);
    assert(notice.text.includes('/password/forgot'), 'the notice offers no way to choose a new password');
    assert(!notice.text.includes('/email/change?token='), 'the notice to the old address carries the link');
  });
  await j.step('follows the link signed in: /account shows the new address (fr)', async () => {
    await go(page, firstLink);
    const landed = new URL(page.url());
    assert(landed.pathname === '/account' && landed.search.includes('notice=email-changed'), `landed on ${page.url()}`);
    assert((await page.locator('main').textContent()).includes(t('fr', 'notice-email-changed')), 'no notice');
    assert((await shownAddress(page)) === second, `/account shows ${await shownAddress(page)}`);
    await checkPage(page, 'email-changed');
  });

  const english = await newPage('en-GB');
  let secondLink = '';
  await j.step('signs in with the new address; a wrong password is refused (en)', async () => {
    await signIn(english, go, second, password);
    await go(english, '/account');
    await useLanguage(english, 'en');
    await askChange(english, third, 'not the password');
    await errorTiedToField(english, 'current_password');
    await checkPage(english, 'email-change-errors-en', { okStatus: [422] });
  });
  await j.step('asks again with the password and is told a link went out (en)', async () => {
    await askChange(english, third, password);
    assert(english.url().includes('notice=email-change-sent'), `landed on ${english.url()}`);
    await checkPage(english, 'email-change-sent-en');
    secondLink = linkIn(await mailTo(third, '/email/change?token='), '/email/change');
    await mailMatching(second, (m) => m.text.includes(third), `a notice naming ${third}`);
  });
  await j.step('follows the link signed out: the home page says the address changed (en)', async () => {
    const stranger = await newPage('en-GB');
    await go(stranger, secondLink);
    const landed = new URL(stranger.url());
    assert(landed.pathname === '/' && landed.search.includes('notice=email-changed'), `landed on ${stranger.url()}`);
    assert((await stranger.locator('main').textContent()).includes(t('en', 'notice-email-changed')), 'no notice');
    await checkPage(stranger, 'email-changed-signed-out-en');
    await go(stranger, secondLink);
    assert(stranger.plenum.status === 410, `the link followed again answered ${stranger.plenum.status}`);
    await checkPage(stranger, 'email-change-link-used-en', { okStatus: [410] });
    await stranger.context().close();
  });
  await j.step('the account now signs in with the third address and shows it (en)', async () => {
    const fresh = await newPage('en-GB');
    await signIn(fresh, go, third, password);
    await go(fresh, '/account');
    assert((await shownAddress(fresh)) === third, `/account shows ${await shownAddress(fresh)}`);
    await fresh.context().close();
  });
}
