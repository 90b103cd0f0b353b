// The "before" screenshots of issue 23: the pages of the old commit's demo town (PLENUM_URL) that
// issue 23 changed, at phone and desktop width, as a citizen who has just signed up sees them
// (full page; make.sh crops and shrinks them). Uses the browser journeys' Playwright and
// Debian's Chromium. Run by make.sh.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const journeys = join(here, '../../../federation-tests/browser');
const { chromium } = createRequire(join(journeys, 'package.json'))('playwright-core');

const base = process.env.PLENUM_URL;
const out = process.env.SHOTS_DIR;
const SIZES = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 800 } };
// The pages, as the old demo seeds them (src/demo.rs at 65a17b4).
const PAGES = {
  ballot: '/processes/ecoles-2027/budgets/cours',
  results: '/processes/budget-2022-jolimont/budgets/quartier-10/results',
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
});
try {
  const context = await browser.newContext({ baseURL: base, viewport: SIZES.phone, locale: 'en-GB' });
  const page = await context.newPage();
  await page.goto('/signup');
  const run = Date.now().toString(36);
  await page.getByLabel('E-mail address', { exact: true }).fill(`camille-${run}@example.org`);
  await page.getByLabel('User name', { exact: true }).fill(`camille-${run}`);
  await page.getByLabel('Name shown to others', { exact: true }).fill('Camille Durand');
  await page.getByLabel('Password', { exact: true }).fill('le vélo du matin sous la pluie');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Create my account' }).click()]);
  if (page.url().includes('/signup')) throw new Error(`sign-up refused: ${page.url()}`);
  for (const [name, path] of Object.entries(PAGES)) {
    const response = await page.goto(path);
    if (response.status() !== 200) throw new Error(`${path}: HTTP ${response.status()}`);
    for (const [size, viewport] of Object.entries(SIZES)) {
      await page.setViewportSize(viewport);
      await page.screenshot({ path: join(out, `${name}-before-${size}.png`), fullPage: true });
    }
  }
} finally {
  await browser.close();
}
