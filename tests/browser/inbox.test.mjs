// The desk inbox in a real browser: reports arrive while an editor has the inbox open and their development
// appears without a reload (announced politely); the keyboard moves, opens, approves and dismisses; the
// newsroom pages pass axe's WCAG A/AA rules. Reports are synthetic and go in through the reports API with the
// editor's session and CSRF token, as a browser client would send them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { startServer, launchBrowser, signIn, shots, SLUG } from './harness.mjs';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let server, base, browser;
before(async () => {
  mkdirSync(shots, { recursive: true });
  server = await startServer();
  base = server.base;
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); server?.stop(); });

async function axe(page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length}× e.g. ${v.nodes[0]?.target})`);
  });
}

/// Posts a report through the API from a signed-in desk page (session cookie plus the page's CSRF token).
async function addReport(page, report) {
  const status = await page.evaluate(async ([slug, r]) => {
    const csrf = document.querySelector('input[name=csrf]').value;
    const res = await fetch(`/api/v1/briefings/${slug}/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify(r),
    });
    return res.status;
  }, [SLUG, report]);
  assert.equal(status, 201, 'report stored');
}

function story(place, mayor, what, year) {
  const surname = mayor.split(' ').pop();
  return {
    title: `${place} approves ${what}`,
    source: `${place} Daily`,
    url: `https://${place.toLowerCase()}.example/${year}`,
    published: `${year}-03-02`,
    text: `${place} Mayor ${mayor} said on Monday that the city council had approved ${what}.\n\n`
      + `“This is what people asked us for,” ${surname} told reporters in ${place} on Monday.`,
  };
}

test('new developments appear live and the keyboard works the inbox', async () => {
  // The demo's own outlets publish in the background too: this test finds its rows by their text and only
  // relies on where new rows go (on top) and on the keyboard moving from a row it chose.
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 1200 } });
  const inbox = await ctx.newPage();
  const problems = [];
  inbox.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  inbox.on('pageerror', (e) => problems.push(String(e)));
  inbox.on('response', (r) => { if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`); });
  await signIn(inbox, base, `/desk/b/${SLUG}/inbox`);
  await inbox.waitForSelector('#inbox-conn.is-live', { timeout: 10000 });
  await inbox.evaluate(() => { window.__noReload = true; });
  const row = (text) => inbox.locator('#inbox-list > li[data-development-id]', { hasText: text });
  const selected = () => inbox.locator('#inbox-list > li[aria-current="true"]');
  const select = async (text) => { await row(text).locator('.dev-headline a').focus(); };

  // Reports come in from elsewhere (another tab of the same editor).
  const feeder = await ctx.newPage();
  await feeder.goto(`${base}/desk/b/${SLUG}`);
  await addReport(feeder, story('Lviv', 'Andriy Sadovyi', 'a new bridge over the river', 2001));
  await row('Lviv approves').waitFor({ timeout: 10000 });
  await inbox.waitForFunction(() => document.getElementById('inbox-announcer').textContent.startsWith('New development: '));
  await addReport(feeder, story('Odesa', 'Hennadiy Trukhanov', 'the reopening of the port', 2004));
  await addReport(feeder, story('Dnipro', 'Borys Filatov', 'a tram line to the airport', 2007));
  await row('Dnipro approves').waitFor({ timeout: 10000 });
  await row('Odesa approves').waitFor({ timeout: 10000 });
  assert.equal(await inbox.evaluate(() => window.__noReload), true, 'no reload');
  const order = await inbox.locator('#inbox-list > li .dev-headline').allTextContents();
  const at = (p) => order.findIndex((t) => t.includes(p));
  assert.ok(at('Dnipro') < at('Odesa') && at('Odesa') < at('Lviv'), `new rows go on top: ${order}`);
  assert.equal(await inbox.locator('#inbox-empty').count(), 0, 'no empty note');

  // j/k move a visible selection from the row in focus; ? shows the help, Escape closes it.
  await select('Dnipro approves');
  assert.match(await selected().textContent(), /Dnipro/, 'focus in a row selects it');
  await inbox.keyboard.press('j');
  assert.doesNotMatch(await selected().textContent(), /Dnipro/, 'j moves down');
  await inbox.keyboard.press('k');
  assert.equal(await selected().count(), 1);
  assert.match(await selected().textContent(), /Dnipro/, 'k moves back up');
  assert.equal(await inbox.evaluate(() => document.activeElement.getAttribute('aria-current')), 'true', 'the selected row has focus');
  assert.notEqual(await selected().evaluate((e) => getComputedStyle(e).outlineStyle), 'none', 'the selection is visible');
  await inbox.keyboard.press('?');
  assert.equal(await inbox.locator('#shortcut-help').isVisible(), true, 'help opens');
  assert.match(await inbox.locator('#shortcut-help').textContent(), /Dismiss/);
  await inbox.keyboard.press('Escape');
  assert.equal(await inbox.locator('#shortcut-help').isVisible(), false, 'help closes');
  await inbox.screenshot({ path: join(shots, 'inbox.png') });

  // d focuses the reason; typing there is not a shortcut; Enter dismisses.
  await inbox.keyboard.press('d');
  assert.equal(await inbox.evaluate(() => document.activeElement.getAttribute('data-role')), 'reason');
  await inbox.keyboard.type('just a test, keep out');
  assert.match(await selected().textContent(), /Dnipro/, 'j/k/a/e/d typed in the field did nothing');
  await Promise.all([inbox.waitForURL('**/inbox?done=dismissed*'), inbox.keyboard.press('Enter')]);
  assert.equal(await row('Dnipro approves').count(), 0, 'dismissed ones leave the open tab');
  assert.match(await inbox.locator('.notice').textContent(), /dismissed/);

  // a approves the selected development; it is on the live page.
  await inbox.waitForSelector('#inbox-conn.is-live', { timeout: 10000 });
  await select('Odesa approves');
  const headline = (await selected().locator('.dev-headline').textContent()).trim();
  await Promise.all([inbox.waitForURL('**/inbox?done=approved*'), inbox.keyboard.press('a')]);
  const live = await ctx.newPage();
  await live.goto(`${base}/b/${SLUG}`);
  assert.equal(await live.locator('#entries article', { hasText: headline }).count(), 1, 'approved onto the live page');

  // e opens the development's edit form with the cursor in the headline.
  await select('Lviv approves');
  await Promise.all([inbox.waitForURL(/\/desk\/d\/\d+#edit$/), inbox.keyboard.press('e')]);
  await inbox.waitForFunction(() => document.activeElement && document.activeElement.id === 'edit-headline');

  // Enter on a selected row opens it.
  await inbox.goto(`${base}/desk/b/${SLUG}/inbox`);
  await inbox.waitForSelector('#inbox-conn.is-live', { timeout: 10000 });
  await select('Lviv approves');
  // Away and back: up first when a row is above it (the demo's own developments may be above or below).
  const lvivAt = (await inbox.locator('#inbox-list > li .dev-headline').allTextContents())
    .findIndex((t) => t.includes('Lviv approves'));
  await inbox.keyboard.press(lvivAt > 0 ? 'k' : 'j');
  await inbox.keyboard.press(lvivAt > 0 ? 'j' : 'k');
  const lviv = await row('Lviv approves').getAttribute('data-development-id');
  assert.equal(await selected().getAttribute('data-development-id'), lviv);
  await Promise.all([inbox.waitForURL(new RegExp(`/desk/d/${lviv}$`)), inbox.keyboard.press('Enter')]);
  assert.equal(await inbox.locator('mark.quote').count() > 0, true, 'quotes are marked on the development page');

  // A dismissal elsewhere takes the row out of an open inbox.
  await inbox.goto(`${base}/desk/b/${SLUG}/inbox`);
  await inbox.waitForSelector('#inbox-conn.is-live', { timeout: 10000 });
  await feeder.goto(`${base}/desk/d/${lviv}`);
  await feeder.fill('#dismiss-reason', 'handled elsewhere');
  await Promise.all([feeder.waitForURL('**done=dismissed*'), feeder.click('button[data-action=dismiss]')]);
  await inbox.waitForFunction((i) => !document.querySelector(`#inbox-list > li[data-development-id="${i}"]`), lviv, { timeout: 10000 });

  assert.deepEqual(problems, [], 'no console errors (CSP violations would show here)');
  await ctx.close();
});

test('inbox, development and sources pages have no WCAG A/AA violations', async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await signIn(page, base, `/desk/b/${SLUG}`);
  await addReport(page, story('Poltava', 'Oleksandr Mamai', 'a school built with donations', 2010));
  for (const path of [`/desk/b/${SLUG}/inbox`, `/desk/b/${SLUG}/inbox?status=dismissed`, `/desk/b/${SLUG}/sources`, '/desk']) {
    await page.goto(`${base}${path}`);
    assert.deepEqual(await axe(page), [], `axe violations on ${path}`);
  }
  // OPML from a file: read in the browser into the paste box (no multipart upload), then imported.
  await page.goto(`${base}/desk/b/${SLUG}/sources`);
  const opml = '<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>'
    + '<outline text="Inside" type="rss" xmlUrl="http://10.0.0.1/feed.xml"/></body></opml>';
  await page.setInputFiles('#opml-file', { name: 'list.opml', mimeType: 'text/xml', buffer: Buffer.from(opml) });
  await page.waitForFunction(() => document.getElementById('opml').value.includes('10.0.0.1'));
  await page.click('button[data-action=import]');
  await page.locator('.import-report').waitFor();
  assert.match(await page.locator('.notice').textContent(), /Imported 0 sources; 1 skipped/);
  // A refused address reads like an unreachable one: the desk learns nothing about the network behind it.
  const skipped = await page.locator('.skipped').textContent();
  assert.match(skipped, /could not reach the address/);
  assert.doesNotMatch(skipped, /private|resolves/);
  assert.deepEqual(await axe(page), [], 'axe violations on the import result');

  await page.goto(`${base}/desk/b/${SLUG}/inbox`);
  await page.locator('#inbox-list .dev-headline a').first().click();
  await page.waitForURL(/\/desk\/d\/\d+$/);
  assert.deepEqual(await axe(page), [], 'axe violations on the development page');
  await page.screenshot({ path: join(shots, 'development.png'), fullPage: true });
  await ctx.close();
});
