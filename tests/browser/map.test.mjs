// The map page in a real browser, with the demo's synthetic layer (3,000 vertices along its front line):
// - with JavaScript, a Leaflet map (vendored, no tiles) replaces the server's picture in under a second: the
//   offline Natural Earth base with Ukraine including Crimea, the layer and the day's change filled with the
//   legend's patterns, and the entries' places as pins linking to their entries; the date slider moves the map
//   and the figures without a reload; nothing is requested from anywhere but the server, no console errors, no
//   CSP violations, no WCAG A/AA violations;
// - without JavaScript, the server's picture, the figures and the table of changes are there.
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

/** Everything a page should not do: console errors, page errors, failed requests, CSP violations, and requests
 * to anywhere but the server. */
function watch(ctx, page, base) {
  const w = { problems: [], requests: [] };
  ctx.on('request', (r) => w.requests.push(r.url()));
  page.on('console', (m) => { if (m.type() === 'error') w.problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => w.problems.push(`page error: ${e}`));
  page.on('response', (r) => { if (r.status() >= 400) w.problems.push(`${r.status()} ${r.url()}`); });
  w.outside = () => w.requests.filter((u) => !u.startsWith(`${base}/`));
  w.csp = () => page.evaluate(() => window.__csp || []);
  return w;
}

// Set up before any script of the page runs: the CSP violations the page causes.
const recordCsp = () => {
  window.__csp = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
};

let server, browser, pinHeadline;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  // An update that names a place inside the demo layer's frame, so the map has a pin. Its headline carries
  // markup, which must reach the pin's name as text.
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await signIn(page, server.base, `/desk/b/${SLUG}`);
  pinHeadline = `Shelling reported near Orikhiv <i>again</i> ${Date.now()}`;
  await page.fill('#headline', pinHeadline);
  await page.fill('#body', 'Local officials in Orikhiv said two houses were damaged overnight.');
  await Promise.all([page.waitForURL(`**/desk/b/${SLUG}?done=published`), page.click('button[value=publish]')]);
  await ctx.close();
});
after(async () => { await browser?.close(); server?.stop(); });

test('the Leaflet map is built over the offline base in under a second and its slider moves it without a reload', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  await ctx.addInitScript(recordCsp);
  const page = await ctx.newPage();
  const w = watch(ctx, page, server.base);
  const url = `${server.base}/b/${SLUG}/map`;
  await page.goto(url); // warm: the first request pays for the gazetteer's parse
  await page.waitForSelector('body[data-map-ready]');
  const t0 = Date.now();
  await page.goto(url);
  await page.waitForSelector('body[data-map-ready]');
  const tti = Date.now() - t0;
  console.log(`map page with Leaflet interactive in ${tti} ms`);
  assert.ok(tti < 1000, `interactive in ${tti} ms`);
  assert.equal(await page.getAttribute('body', 'data-map-leaflet'), '1', 'the Leaflet map was built');
  await page.evaluate(() => { window.__noReload = true; });

  // The Leaflet map in place of the server's picture; no tile layer.
  assert.equal(await page.locator('#map-wrap svg.map-svg').count(), 0, 'the server picture is replaced');
  assert.equal(await page.locator('#map-leaflet.leaflet-container').count(), 1);
  assert.equal(await page.locator('.leaflet-tile, .leaflet-tile-container img').count(), 0, 'no tiles');
  // The base: country outlines, Ukraine emphasised.
  assert.ok(await page.locator('path.lf-base').count() >= 10, 'country outlines');
  assert.equal(await page.locator('path.lf-base-ukr').count(), 1, 'Ukraine');
  assert.equal(await page.getAttribute('path.lf-base-ukr', 'stroke-width'), '2', 'Ukraine is emphasised');
  // The layer and the change, with the legend's patterns in Leaflet's SVG renderer.
  const svg = page.locator('.leaflet-overlay-pane svg');
  assert.equal(await svg.locator('defs pattern#lf-gained line').count(), 1, 'hatched');
  assert.equal(await svg.locator('defs pattern#lf-lost circle').count(), 1, 'dotted');
  assert.equal(await svg.locator('path.lf-layer').count(), 1, 'the layer');
  const gained = svg.locator('path.lf-gained');
  assert.ok(await gained.count() >= 1, 'the gained ground');
  assert.equal(await gained.first().getAttribute('fill'), 'url(#lf-gained)');
  assert.equal(await svg.locator('path.lf-lost').count(), 0, 'the demo lost no ground');
  // The view is fitted to the layer (the demo's lies between 35.2 and 38.4 E, 46.9 and 48.45 N).
  const c = await page.evaluate(() => window.livebrief.map.getCenter());
  assert.ok(c.lng > 35.2 && c.lng < 38.4 && c.lat > 46.9 && c.lat < 48.45, `centre ${c.lat}, ${c.lng}`);

  // The pin: a link to its entry, focusable, named by its place and headline (the markup as text).
  const pins = page.locator('.leaflet-marker-pane .lf-pin a');
  assert.equal(await pins.count(), 1, 'one update names a place on this map');
  const pin = pins.first();
  assert.match(await pin.getAttribute('href'), new RegExp(`^/b/${SLUG}/e/\\d+$`));
  assert.equal(await pin.getAttribute('aria-label'), `Orikhiv: ${pinHeadline}`);
  assert.equal(await page.locator('.lf-pin i').count(), 0, 'the headline is text, not markup');
  assert.equal(await page.locator('.leaflet-marker-icon[tabindex]').count(), 0, 'one tab stop per pin: the link');
  await pin.focus();
  assert.equal(await page.evaluate(() => document.activeElement.className), 'lf-pin-link');

  // The slider: the layer and the change move to the first date without a reload, focus stays on the slider.
  const dates = (await page.getAttribute('#map-date-slider', 'data-dates')).split(',');
  assert.equal(dates.length, 2);
  assert.equal(await page.textContent('#fig-date'), dates[1]);
  const d1 = await svg.locator('path.lf-layer').getAttribute('d');
  await page.focus('#map-date-slider');
  await page.keyboard.press('ArrowLeft');
  await page.waitForSelector(`body[data-map-date="${dates[0]}"]`);
  const d0 = await svg.locator('path.lf-layer').getAttribute('d');
  assert.notEqual(d0, d1, 'the layer was redrawn for the first date');
  assert.equal(await svg.locator('path.lf-gained').count(), 0, 'no change before the first date');
  assert.equal(await page.textContent('#fig-date'), dates[0]);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'map-date-slider', 'focus stays on the slider');
  assert.equal(await page.getAttribute('#map-date-slider', 'aria-valuetext'), dates[0]);
  assert.equal(await page.getAttribute('#map-leaflet', 'aria-label'), `Interactive map of the occupied area on ${dates[0]}`);
  assert.equal(await page.locator('.leaflet-container').count(), 1, 'the same map, not a new one');
  await page.keyboard.press('End');
  await page.waitForSelector(`body[data-map-date="${dates[1]}"]`);
  assert.equal(await svg.locator('path.lf-layer').getAttribute('d'), d1);
  assert.ok(await svg.locator('path.lf-gained').count() >= 1, 'the change is back');
  assert.match(await page.textContent('.map-figures'), /gained/);
  assert.match(await page.textContent('.map-legend'), new RegExp(`Gained since ${dates[0]}`));
  assert.equal(await page.evaluate(() => window.__noReload), true, 'the page was not reloaded');

  await page.evaluate(() => document.querySelector('.map-figures').scrollIntoView());
  mkdirSync(shots, { recursive: true });
  // The README's picture is docs/map.png, copied from here by hand when the page changes.
  await page.screenshot({ path: join(shots, 'map.png'), clip: { x: 0, y: 0, width: 1000, height: 900 } });

  // Crimea on the base is Ukraine's: Simferopol lies inside Ukraine's outline and outside Russia's, as drawn.
  const inside = await page.evaluate(() => {
    const map = window.livebrief.map;
    map.setView([45.2, 34.2], 7, { animate: false });
    const p = map.latLngToLayerPoint([44.95, 34.10]);
    const at = (sel) => document.querySelector(sel).isPointInFill(new DOMPoint(p.x, p.y));
    return { ukraine: at('path.lf-base-ukr'), russia: at('path.lf-base-rus') };
  });
  assert.deepEqual(inside, { ukraine: true, russia: false });
  await page.evaluate(() => window.livebrief.map.setView([47.57, 35.78], 8, { animate: false }));

  // Following the pin opens its entry.
  await pin.click();
  await page.waitForURL(new RegExp(`/b/${SLUG}/e/\\d+$`));
  assert.match(await page.textContent('main'), /Shelling reported near Orikhiv/);

  assert.deepEqual(w.outside(), [], 'every request went to the server on 127.0.0.1');
  assert.ok(w.requests.some((u) => u.includes('/static/world-50m.json?v=')), 'the base came from the server');
  assert.deepEqual(w.problems, [], 'no console errors, failed requests or page errors');
  assert.deepEqual(await w.csp(), [], 'no CSP violations');
  await ctx.close();
});

test('without JavaScript the map page has the picture, the figures and the table of changes', async () => {
  const ctx = await browser.newContext({ javaScriptEnabled: false });
  const page = await ctx.newPage();
  const w = watch(ctx, page, server.base);
  await page.goto(`${server.base}/b/${SLUG}/map`);
  assert.ok(await page.locator('#map-wrap svg.map-svg path').count() >= 2, 'the layer and the gained ground');
  assert.equal(await page.locator('#map-wrap svg.map-svg .map-pin-marks circle').count(), 1, 'the pin, drawn');
  assert.equal(await page.locator('.leaflet-container').count(), 0);
  assert.match(await page.textContent('.map-figures'), /km².*% of Ukraine.*gained.*lost.*net/s);
  assert.ok(await page.locator('table.map-changes tbody tr').count() >= 1, 'the table of changes');
  assert.match(await page.locator('.map-pins a').first().getAttribute('href'), new RegExp(`^/b/${SLUG}/e/\\d+$`));
  assert.equal(await page.locator('#map-date-slider').isVisible(), false, 'the slider needs the script');
  assert.ok(await page.locator('#map-date option').count() === 2 && await page.locator('#map-form button').isVisible(), 'the date list and Show');
  assert.deepEqual(w.outside(), []);
  assert.deepEqual(w.problems, [], 'no console errors (a blocked inline style would show here)');
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

test('the map page (with its Leaflet map) and the desk upload form have no WCAG A/AA violations', async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(`${server.base}/b/${SLUG}/map`);
  await page.waitForSelector('body[data-map-leaflet]');
  assert.deepEqual(await axe(page), [], 'axe violations on the map page');
  await signIn(page, server.base, `/desk/b/${SLUG}/map`);
  assert.deepEqual(await axe(page), [], 'axe violations on the desk upload form');
  await ctx.close();
});
