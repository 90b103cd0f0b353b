// Keyboard checks: the skip link comes first, Tab reaches every control, focus is visible, and
// form errors are tied to their fields.

import { assert, byName } from './lib.mjs';

/** Describes the focused element and whether its focus ring is visible. */
function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) || style.boxShadow !== 'none';
    const r = el.getBoundingClientRect();
    return {
      key: el.dataset.kb || null,
      cls: el.className,
      id: el.id,
      ring,
      inView: r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth,
    };
  });
}

/** After a fresh load, the first Tab lands on a visible skip link; Enter moves focus to main. */
export async function skipLinkFirst(page) {
  await page.reload({ waitUntil: 'load' });
  await page.keyboard.press('Tab');
  const first = await focused(page);
  assert(first && String(first.cls).includes('skip-link'), `the first Tab focused ${JSON.stringify(first)}`);
  assert(first.inView, 'the focused skip link is not on screen');
  assert(first.ring, 'the focused skip link has no visible focus ring');
  await page.keyboard.press('Enter');
  const target = await page.evaluate(() => ({ hash: location.hash, id: document.activeElement?.id }));
  assert(target.hash === '#main' && target.id === 'main', `Enter on the skip link left focus on ${JSON.stringify(target)}`);
}

/**
 * Tabs through the whole page: every visible control (one stop per radio group) must receive
 * focus, and each must show a focus ring.
 */
export async function keyboardWalk(page) {
  await page.reload({ waitUntil: 'load' });
  const expected = await page.evaluate(() => {
    const selector = 'a[href], button, input:not([type="hidden"]), select, textarea, summary, [tabindex]:not([tabindex="-1"])';
    const list = [];
    let i = 0;
    for (const el of document.querySelectorAll(selector)) {
      if (el.disabled || !el.checkVisibility({ visibilityProperty: true })) continue;
      if (el.tagName === 'SUMMARY' && el.parentElement.tagName !== 'DETAILS') continue;
      let key = `e${i++}`;
      if (el.type === 'radio') {
        const forms = [...document.forms];
        key = `radio-${forms.indexOf(el.form)}-${el.name}`;
      }
      el.dataset.kb = key;
      const name = (el.getAttribute('aria-label') || el.textContent || el.value || el.name || '').replace(/\s+/g, ' ').trim();
      if (!list.some((x) => x.key === key)) list.push({ key, what: `<${el.tagName.toLowerCase()}> "${name.slice(0, 40)}"` });
    }
    return list;
  });
  const reached = new Set();
  const noRing = new Set();
  for (let i = 0; i < expected.length + 10; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (!f) continue;
    if (f.key) {
      if (reached.has(f.key) && f.key === expected[0]?.key) break;
      reached.add(f.key);
      if (!f.ring) noRing.add(f.key);
    }
  }
  const missing = expected.filter((e) => !reached.has(e.key));
  assert(!missing.length, `not reachable with Tab: ${missing.map((m) => m.what).join(', ')}`);
  const bare = expected.filter((e) => noRing.has(e.key));
  assert(!bare.length, `no visible focus ring on: ${bare.map((m) => m.what).join(', ')}`);
}

/** The field `name` is marked invalid and described by a visible, non-empty error message. */
export async function errorTiedToField(page, name) {
  const field = await byName(page, name);
  assert((await field.getAttribute('aria-invalid')) === 'true', `field "${name}" is not aria-invalid`);
  const ids = ((await field.getAttribute('aria-describedby')) || '').split(/\s+/).filter(Boolean);
  assert(ids.length, `field "${name}" has no aria-describedby`);
  const messages = [];
  for (const id of ids) {
    const el = page.locator(`[id="${id}"]`);
    assert((await el.count()) === 1, `aria-describedby of "${name}" points at missing id "${id}"`);
    if ((await el.getAttribute('class'))?.includes('field-error')) {
      assert(await el.isVisible(), `error message #${id} is not visible`);
      messages.push((await el.textContent()).trim());
    }
  }
  assert(messages.length && messages.every(Boolean), `no error message among aria-describedby="${ids.join(' ')}"`);
}
