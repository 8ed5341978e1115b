// The newsroom loop end to end in a real browser: `serve --demo` runs synthetic outlets on 127.0.0.1 that
// publish over a minute and a half; the server polls them, fetches and reads the articles and groups them. A
// reader keeps the live page open; an editor watches the desk inbox until three outlets' reports of one event
// form one development with one draft and three sources, opens it, approves it, and the entry appears on the
// reader's page through the live stream, without a reload.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, launchBrowser, signIn, shots, SLUG } from './harness.mjs';

let server, base, browser;
before(async () => {
  mkdirSync(shots, { recursive: true });
  server = await startServer();
  base = server.base;
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); server?.stop(); });

test('three outlets, one development, approved onto the open reader page', { timeout: 180000 }, async () => {
  const reader = await (await browser.newContext()).newPage();
  await reader.goto(`${base}/b/${SLUG}`);
  await reader.evaluate(() => { window.__stillTheSamePage = true; });

  const desk = await (await browser.newContext({ viewport: { width: 1280, height: 1400 } })).newPage();
  const problems = [];
  desk.on('pageerror', (e) => problems.push(String(e)));
  await signIn(desk, base, `/desk/b/${SLUG}/inbox`);
  await desk.waitForSelector('#inbox-conn.is-live', { timeout: 10000 });

  // The outlets release their three reports of one event within the first minute; the row updates live.
  const three = desk.locator('#inbox-list > li[data-development-id]:has(.corroboration[data-outlets="3"])').first();
  await three.waitFor({ timeout: 120000 });
  const headline = (await three.locator('.dev-headline').innerText()).trim();
  const id = await three.getAttribute('data-development-id');
  assert.ok(headline.length > 10, `a headline: ${headline}`);
  await desk.screenshot({ path: join(shots, 'desk-inbox.png'), fullPage: true });

  // The development: one draft, three reports from three outlets, each claim traced to a report.
  await three.locator('a[data-action="open"]').click();
  await desk.waitForURL(`**/desk/d/${id}`);
  const page = await desk.content();
  assert.match(page, /3 outlets/);
  const reports = desk.locator('[data-report-id]');
  assert.ok(await reports.count() >= 3, 'the reports are listed');
  const outlets = new Set(await desk.locator('[data-report-id] .outlet').allInnerTexts());
  assert.ok(outlets.size >= 3, `three outlets: ${[...outlets]}`);
  await desk.screenshot({ path: join(shots, 'desk-development.png'), fullPage: true });

  // Approve: the entry goes out through the same path as a hand-written one.
  await Promise.all([desk.waitForURL(`**/desk/d/${id}**`), desk.locator('form button[data-action="approve"]').first().click()]);
  assert.match(await desk.content(), /published/i);

  // On the reader's open page, via the live stream: no reload.
  const entry = reader.locator('article.entry', { hasText: headline.slice(0, 40) });
  await entry.waitFor({ timeout: 15000 });
  assert.equal(await reader.evaluate(() => window.__stillTheSamePage), true, 'the reader page was not reloaded');
  const sources = await entry.locator('.sources a').count();
  assert.ok(sources >= 3, `the entry cites its three sources (${sources})`);
  await reader.screenshot({ path: join(shots, 'reader-after-approve.png'), fullPage: false });
  assert.deepEqual(problems, []);
});
