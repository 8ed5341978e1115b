// A reader has the live page open; an editor signs in and publishes in a second browser context; the
// entry appears on the reader's page without a reload. Then the same without JavaScript, after a reload.
// Runs Debian's chromium through playwright-core; nothing is downloaded.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, launchBrowser, signIn as signInAt, shots, SLUG } from './harness.mjs';

let server, base, browser;

before(async () => {
  mkdirSync(shots, { recursive: true });
  server = await startServer();
  base = server.base;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

const signIn = (page) => signInAt(page, base, `/desk/b/${SLUG}`);

async function publish(page, headline, body) {
  await page.goto(`${base}/desk/b/${SLUG}`);
  await page.fill('#headline', headline);
  await page.fill('#body', body);
  await page.fill('#topics', 'Diplomacy and cease-fire talks');
  await Promise.all([page.waitForURL(`**/desk/b/${SLUG}?done=published`), page.click('button[value=publish]')]);
}

test('a published entry appears on an open reader page without reload', async () => {
  const reader = await (await browser.newContext({ viewport: { width: 1280, height: 1400 } })).newPage();
  const problems = [];
  reader.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  reader.on('pageerror', (e) => problems.push(String(e)));
  reader.on('response', (r) => { if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`); });
  await reader.goto(`${base}/b/${SLUG}`);
  await reader.waitForSelector('#conn-status.is-live', { timeout: 10000 });
  await reader.evaluate(() => { window.__noReload = true; });

  const editorCtx = await browser.newContext();
  const editor = await editorCtx.newPage();
  await signIn(editor);
  const headline = `Envoys agree on a prisoner exchange ${Date.now()}`;
  await publish(editor, headline, 'Both delegations said the exchange would take place **within a week**.');

  const entry = reader.locator('#entries article', { hasText: headline });
  await entry.waitFor({ timeout: 10000 });
  assert.equal(await reader.evaluate(() => window.__noReload), true, 'the page was not reloaded');
  assert.equal(await reader.locator('#entries article').first().textContent().then((t) => t.includes(headline)), true, 'newest first');
  assert.match(await entry.innerHTML(), /<strong>within a week<\/strong>/);
  await reader.waitForFunction(() => document.getElementById('announcer').textContent.includes('New update'));
  await reader.screenshot({ path: join(shots, 'live-page.png'), fullPage: false });

  // A reader scrolled away is not moved: the entry waits behind the "new updates" button.
  await reader.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  const second = `Power restored in the capital ${Date.now()}`;
  await publish(editor, second, 'Grid operator says repairs are complete.');
  const banner = reader.locator('#new-updates');
  await banner.waitFor({ state: 'visible', timeout: 10000 });
  assert.equal(await banner.textContent(), '1 new update');
  assert.equal(await reader.locator('#entries article', { hasText: second }).count(), 0, 'not inserted while scrolled away');
  await banner.click();
  await reader.locator('#entries article', { hasText: second }).waitFor({ timeout: 5000 });
  assert.equal(await reader.evaluate(() => document.activeElement?.closest('article')?.textContent.includes('Power restored')), true, 'focus moves to the first unread');
  await reader.screenshot({ path: join(shots, 'after-banner.png') });

  // An edit with a correction updates the entry in place.
  const id = await reader.locator('#entries article', { hasText: second }).getAttribute('data-entry-id');
  await editor.goto(`${base}/desk/e/${id}/edit`);
  await editor.fill('#headline', `${second} (corrected)`);
  await editor.fill('#correction_note', 'The first version named the wrong city.');
  await Promise.all([editor.waitForURL('**?done=saved'), editor.click('button[value=save]')]);
  await reader.locator(`#e-${id} .correction`, { hasText: 'wrong city' }).waitFor({ timeout: 10000 });
  assert.equal(await reader.evaluate(() => window.__noReload), true);

  assert.deepEqual(problems, [], 'no console errors (CSP violations would show here)');
  await editorCtx.close();
});

test('without JavaScript the page works and shows new entries after a reload', async () => {
  const ctx = await browser.newContext({ javaScriptEnabled: false });
  const page = await ctx.newPage();
  await page.goto(`${base}/b/${SLUG}`);
  const before = await page.locator('#entries article').count();
  assert.ok(before > 0);
  // The demo's two days of map layers: the server renders their cards in the stream at their time, among the
  // entries (as open pages got them over SSE), each with its drawing and figures.
  const cards = page.locator('#entries > article.map-card');
  assert.equal(await cards.count(), 2, 'the map cards are in the page without script');
  const times = await page.locator('#entries > article').evaluateAll((as) => as.map((a) => a.getAttribute('data-published')));
  assert.ok(times.every((t, i) => t && (i === 0 || times[i - 1] >= t)), `newest first, cards among entries: ${times}`);
  assert.match(await cards.first().textContent(), /Map update: the occupied area on \d{4}-\d\d-\d\d[\s\S]*since \d{4}-\d\d-\d\d: [\d,.]+ km² gained/);
  assert.equal(await cards.first().locator('svg').count(), 1);
  assert.ok(await page.locator('time[datetime]').first().textContent().then((t) => /UTC/.test(t)), 'absolute times without script');

  const editorCtx = await browser.newContext();
  const editor = await editorCtx.newPage();
  await signIn(editor);
  const headline = `No-JS readers see this after reload ${Date.now()}`;
  await publish(editor, headline, 'Plain HTML all the way.');
  await page.reload();
  assert.equal(await page.locator('#entries article', { hasText: headline }).count(), 1);
  await page.locator('nav.key-events a').first().click();
  assert.match(page.url(), /\/b\/ceasefire-talks-demo\/e\/\d+$/, 'key event links are permalinks');
  await page.screenshot({ path: join(shots, 'no-js-permalink.png') });
  await ctx.close();
  await editorCtx.close();
});
