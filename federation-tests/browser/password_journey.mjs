// The forgotten-password journey: the link from the sign-in page, the same answer for any
// address, the link read from the mail the SMTP server got, a refused password tied to its field, the new
// password, signing in with it, and the used link's page; axe on each state, fr and en.

import { Journey, assert, checkPage, clickAndLoad, pageLang, t } from './lib.mjs';
import { errorTiedToField } from './keyboard.mjs';
import { linkIn, mailTo } from './mailbox.mjs';

/**
 * `email` forgets their password; `newPage(locale)` and `go(page, path)` come from the run.
 * Returns the new password.
 */
export async function forgottenPasswordJourney({ newPage, go, email }) {
  const j = new Journey('forgotten password');
  const page = await newPage('fr-FR');
  const english = await newPage('en-GB');
  const newPassword = 'sept loutres rament à l’aube';
  let link = '';
  await j.step('the sign-in page links to the forgotten-password form (fr)', async () => {
    await go(page, '/login');
    await clickAndLoad(page, page.getByRole('link', { name: t('fr', 'login-forgot'), exact: true }));
    assert(new URL(page.url()).pathname === '/password/forgot', `landed on ${page.url()}`);
    await checkPage(page, 'password-forgot');
  });
  await j.step('asks for a link and is told what happens next, whatever the address', async () => {
    await page.getByLabel(t('fr', 'field-email'), { exact: true }).fill(email);
    await clickAndLoad(page, page.getByRole('button', { name: t('fr', 'forgot-submit'), exact: true }));
    assert((await page.locator('main').textContent()).includes(t('fr', 'forgot-sent')), 'no answer');
    await checkPage(page, 'password-forgot-sent');
    await go(english, '/password/forgot');
    assert((await pageLang(english)) === 'en', 'expected the English page');
    await checkPage(english, 'password-forgot-en');
  });
  await j.step('follows the link from the mail; a short password is refused, tied to its field', async () => {
    link = linkIn(await mailTo(email, '/password/reset?token='), '/password/reset');
    await go(page, link);
    assert(page.plenum.status === 200, `the reset page answered ${page.plenum.status}`);
    await checkPage(page, 'password-reset');
    await page.getByLabel(t('fr', 'field-new-password'), { exact: true }).fill('court');
    await clickAndLoad(page, page.getByRole('button', { name: t('fr', 'reset-submit'), exact: true }));
    await errorTiedToField(page, 'password');
    await checkPage(page, 'password-reset-errors', { okStatus: [422] });
  });
  await j.step('sets the new password and signs in with it', async () => {
    await page.getByLabel(t('fr', 'field-new-password'), { exact: true }).fill(newPassword);
    await clickAndLoad(page, page.getByRole('button', { name: t('fr', 'reset-submit'), exact: true }));
    const landed = new URL(page.url());
    assert(landed.pathname === '/login' && landed.search.includes('notice=password-reset'), `landed on ${page.url()}`);
    await checkPage(page, 'password-reset-done');
    await page.getByLabel(t('fr', 'field-email'), { exact: true }).fill(email);
    await page.getByLabel(t('fr', 'field-password'), { exact: true }).fill(newPassword);
    await clickAndLoad(page, page.getByRole('button', { name: t('fr', 'login-submit'), exact: true }));
    assert(new URL(page.url()).pathname !== '/login', `still on the sign-in page: ${page.url()}`);
    await go(page, '/account');
    assert(page.plenum.status === 200, `/account answered ${page.plenum.status}`);
  });
  await j.step('the used link says so and offers a new one (en)', async () => {
    await go(english, link);
    assert(english.plenum.status === 410, `a used link answered ${english.plenum.status}`);
    assert(await english.getByRole('link', { name: t('en', 'link-reset-ask'), exact: true }).isVisible(), 'no way to ask again');
    await checkPage(english, 'link-used-en', { okStatus: [410] });
  });
  return newPassword;
}
