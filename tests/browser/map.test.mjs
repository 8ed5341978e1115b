// The map page in a real browser: the demo's synthetic layer (3,000 vertices along its front line) is drawn
// server-side; the page is interactive (the date slider's script has run) in under a second; the slider moves
// by keyboard and the figures follow (announced politely); and a screenshot for the README.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { startServer, launchBrowser, signIn, shots, SLUG } from './harness.mjs';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

async function axe(page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length}× e.g. ${v.nodes[0]?.target})`);
  });
}

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

test('the map page is interactive in under a second and its date slider works by keyboard', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  const page = await ctx.newPage();
  const url = `${server.base}/b/${SLUG}/map`;
  await page.goto(url); // warm: the first request pays for the gazetteer's parse
  const t0 = Date.now();
  await page.goto(url);
  await page.waitForSelector('body[data-map-ready]');
  const tti = Date.now() - t0;
  console.log(`map page interactive in ${tti} ms`);
  assert.ok(tti < 1000, `interactive in ${tti} ms`);

  const paths = await page.locator('svg.map-svg path').count();
  assert.ok(paths >= 2, 'the layer and the gained ground are drawn');
  assert.ok(await page.locator('table.map-changes tbody tr').count() >= 1, 'the table of changes');
  assert.equal(await page.locator('.map-figures[aria-live=polite]').count(), 1);
  const dates = (await page.getAttribute('#map-date-slider', 'data-dates')).split(',');
  assert.equal(dates.length, 2);
  assert.equal(await page.textContent('#fig-date'), dates[1]);

  await page.focus('#map-date-slider');
  await page.keyboard.press('ArrowLeft');
  await page.waitForSelector(`body[data-map-date="${dates[0]}"]`);
  assert.equal(await page.textContent('#fig-date'), dates[0]);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'map-date-slider', 'focus stays on the slider');
  assert.equal(await page.getAttribute('#map-date-slider', 'aria-valuetext'), dates[0]);
  await page.keyboard.press('End');
  await page.waitForSelector(`body[data-map-date="${dates[1]}"]`);
  assert.match(await page.textContent('.map-figures'), /gained/);

  await page.evaluate(() => window.scrollTo(0, 0));
  mkdirSync(shots, { recursive: true });
  // The README's picture is docs/map.png, copied from here by hand when the page changes.
  await page.screenshot({ path: join(shots, 'map.png'), clip: { x: 0, y: 0, width: 1000, height: 900 } });
  await ctx.close();
});

test('a map card reaches an open live page', async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(`${server.base}/b/${SLUG}?after=0`);
  // The page shows entries; a map card arrives over the stream (replayed from the start of this page's events).
  const res = await page.evaluate(async (slug) => (await fetch(`/api/v1/briefings/${slug}/events?after=0`)).json(), SLUG);
  const maps = res.events.filter((e) => e.kind === 'map_updated');
  assert.equal(maps.length, 2);
  assert.match(maps[1].html, /<svg/);
  assert.ok(maps[1].net_km2 > 0, 'the second day gained ground');
  await ctx.close();
});

test('the map page and the desk upload form have no WCAG A/AA violations', async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(`${server.base}/b/${SLUG}/map`);
  assert.deepEqual(await axe(page), [], 'axe violations on the map page');
  await signIn(page, server.base, `/desk/b/${SLUG}/map`);
  assert.deepEqual(await axe(page), [], 'axe violations on the desk upload form');
  await ctx.close();
});
