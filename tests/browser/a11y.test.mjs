// Accessibility and print checks in the real browser: axe-core's WCAG 2.x A/AA rules on the reader page,
// the entry permalink, the login form and the desk; the print stylesheet hides navigation chrome.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { startServer, launchBrowser, signIn, SLUG } from './harness.mjs';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

async function axe(page) {
  // evaluate() runs through the DevTools protocol, so the page's CSP (no inline script) stays on.
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length}× e.g. ${v.nodes[0]?.target})`);
  });
}

test('reader, permalink, login and desk pages have no WCAG A/AA violations', async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  for (const path of [`/b/${SLUG}`, `/b/${SLUG}?order=oldest`, '/', '/login']) {
    await page.goto(`${server.base}${path}`);
    assert.deepEqual(await axe(page), [], `axe violations on ${path}`);
  }
  const permalink = await page.goto(`${server.base}/b/${SLUG}`).then(() => page.locator('nav.key-events a').first().getAttribute('href'));
  await page.goto(`${server.base}${permalink}`);
  assert.deepEqual(await axe(page), [], `axe violations on ${permalink}`);
  await signIn(page, server.base, `/desk/b/${SLUG}`);
  assert.deepEqual(await axe(page), [], 'axe violations on the desk');
  await ctx.close();
});

test('keyboard users see where focus is and can skip to the content', async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(`${server.base}/b/${SLUG}`);
  await page.keyboard.press('Tab');
  const skip = await page.evaluate(() => ({ text: document.activeElement.textContent, outline: getComputedStyle(document.activeElement).outlineStyle }));
  assert.equal(skip.text, 'Skip to content');
  assert.notEqual(skip.outline, 'none', 'focus is visible');
  await page.keyboard.press('Enter');
  assert.match(page.url(), /#main$/);
  await ctx.close();
});

test('print hides navigation and keeps every entry', async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(`${server.base}/b/${SLUG}`);
  await page.emulateMedia({ media: 'print' });
  const hidden = await page.evaluate(() => ['.site-header', '.sidebar', '.site-footer', '.order'].map((s) => getComputedStyle(document.querySelector(s)).display));
  assert.deepEqual(hidden, ['none', 'none', 'none', 'none']);
  const visible = await page.locator('#entries article').evaluateAll((els) => els.filter((e) => getComputedStyle(e).display !== 'none').length);
  assert.ok(visible >= 10, `${visible} entries printed`);
  await ctx.close();
});
