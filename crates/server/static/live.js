// livebrief reader script: local and relative times, and live updates over Server-Sent Events.
// The page works fully without it: this only adds.
(function () {
  'use strict';
  var doc = document;
  var lang = doc.documentElement.lang || 'en';
  var rtf = window.Intl && Intl.RelativeTimeFormat ? new Intl.RelativeTimeFormat(lang, { numeric: 'auto' }) : null;
  var absFmt = window.Intl ? new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }) : null;

  function relative(d) {
    var s = (Date.now() - d.getTime()) / 1000;
    if (!rtf || s < -60 || s > 6 * 3600) return absFmt ? absFmt.format(d) : d.toLocaleString();
    if (s < 45) return rtf.format(0, 'second');
    if (s < 3600) return rtf.format(-Math.round(s / 60), 'minute');
    return rtf.format(-Math.round(s / 3600), 'hour');
  }
  function tick(root) {
    var times = (root || doc).querySelectorAll('time[data-relative]');
    for (var i = 0; i < times.length; i++) {
      var t = times[i];
      var d = new Date(t.getAttribute('datetime'));
      if (isNaN(d)) continue;
      if (!t.title) t.title = absFmt ? absFmt.format(d) : t.textContent;
      t.textContent = relative(d);
    }
  }
  tick();
  setInterval(tick, 30000);

  var body = doc.body;
  var url = body.getAttribute('data-stream');
  var entries = doc.getElementById('entries');
  if (!url || !entries || !window.EventSource) return;

  var live = body.getAttribute('data-live') === '1';
  var topic = (body.getAttribute('data-topic') || '').toLowerCase();
  var banner = doc.getElementById('new-updates');
  var announcer = doc.getElementById('announcer');
  var status = doc.getElementById('conn-status');
  var queue = [];

  function announce(text) {
    if (!announcer) return;
    announcer.textContent = '';
    setTimeout(function () { announcer.textContent = text; }, 50);
  }
  function setStatus(ok) {
    if (!status) return;
    status.hidden = false;
    status.textContent = ok ? 'Live' : 'Reconnecting…';
    status.className = 'conn ' + (ok ? 'is-live' : 'is-down');
  }
  function toNode(html) {
    var t = doc.createElement('template');
    t.innerHTML = html;
    return t.content.firstElementChild;
  }
  function readerAtTop() {
    return !doc.hidden && entries.getBoundingClientRect().top > -80;
  }
  function matchesTopic(data) {
    if (!topic) return true;
    return (data.topics || []).some(function (t) { return t.toLowerCase() === topic; });
  }
  function updateBanner() {
    if (!banner) return;
    if (queue.length === 0) { banner.hidden = true; return; }
    banner.textContent = queue.length === 1 ? '1 new update' : queue.length + ' new updates';
    banner.hidden = false;
  }
  function insertNew(node) {
    var empty = doc.getElementById('no-entries');
    if (empty) empty.remove();
    node.classList.add('is-new');
    entries.insertBefore(node, entries.firstElementChild);
    tick(node);
  }
  function flush(focus) {
    if (queue.length === 0) return;
    var first = null;
    queue.forEach(function (node) { insertNew(node); first = node; });
    queue = [];
    updateBanner();
    if (focus && first) {
      first.setAttribute('tabindex', '-1');
      first.scrollIntoView({ block: 'start' });
      first.focus({ preventScroll: true });
    }
  }
  if (banner) banner.addEventListener('click', function () { flush(true); });
  window.addEventListener('scroll', function () { if (queue.length && readerAtTop()) flush(false); }, { passive: true });
  doc.addEventListener('visibilitychange', function () { if (!doc.hidden && queue.length) updateBanner(); });

  function replaceAll(id, html) {
    var found = doc.querySelectorAll('[data-entry-id="' + id + '"]');
    for (var i = 0; i < found.length; i++) {
      var fresh = toNode(html);
      fresh.classList.add('is-changed');
      found[i].replaceWith(fresh);
      tick(fresh);
    }
    for (var j = 0; j < queue.length; j++) {
      if (queue[j].getAttribute('data-entry-id') === String(id)) queue[j] = toNode(html);
    }
    return found.length > 0;
  }
  function pinnedSection() {
    var s = doc.getElementById('pinned');
    if (s) return s;
    s = doc.createElement('section');
    s.id = 'pinned';
    s.className = 'pinned';
    s.setAttribute('aria-label', 'Pinned');
    var h = doc.createElement('h2');
    h.className = 'section-label';
    h.textContent = 'Pinned';
    s.appendChild(h);
    var stream = entries.parentNode;
    stream.insertBefore(s, stream.firstElementChild);
    return s;
  }
  function placeInStream(node) {
    var at = node.getAttribute('data-published') || '';
    var kids = entries.querySelectorAll(':scope > article');
    for (var i = 0; i < kids.length; i++) {
      if ((kids[i].getAttribute('data-published') || '') < at) { entries.insertBefore(node, kids[i]); return; }
    }
    entries.appendChild(node);
  }

  var handlers = {
    published: function (d) {
      if (replaceAll(d.entry_id, d.html)) return;
      if (!live || !matchesTopic(d)) return;
      var node = toNode(d.html);
      if (d.pinned) { pinnedSection().appendChild(node); tick(node); return; }
      if (readerAtTop()) {
        insertNew(node);
        announce('New update: ' + d.headline);
      } else {
        queue.push(node);
        updateBanner();
        announce(queue.length === 1 ? '1 new update' : queue.length + ' new updates');
      }
    },
    // A map layer was imported: its card comes in like a new entry (a corrected day replaces its card). A page
    // filtered by topic shows no map cards (they have no topics), as the server renders it.
    map_updated: function (d) {
      var old = doc.querySelectorAll('[data-map-key="' + d.map_key + '"]');
      if (old.length) { for (var i = 0; i < old.length; i++) { var fresh = toNode(d.html); old[i].replaceWith(fresh); tick(fresh); } return; }
      if (!live || topic) return;
      var node = toNode(d.html);
      if (readerAtTop()) {
        insertNew(node);
        announce('Map update: ' + d.layer + ' on ' + d.date);
      } else {
        queue.push(node);
        updateBanner();
        announce(queue.length === 1 ? '1 new update' : queue.length + ' new updates');
      }
    },
    updated: function (d) { replaceAll(d.entry_id, d.html); },
    retracted: function (d) { replaceAll(d.entry_id, d.html); },
    pinned: function (d) {
      var existing = doc.querySelectorAll('[data-entry-id="' + d.entry_id + '"]');
      for (var i = 0; i < existing.length; i++) existing[i].remove();
      var node = toNode(d.html);
      node.classList.add('is-changed');
      if (d.pinned) {
        pinnedSection().appendChild(node);
      } else if (live && matchesTopic(d)) {
        placeInStream(node);
        var s = doc.getElementById('pinned');
        if (s && !s.querySelector('article')) s.remove();
      }
      tick(node);
    },
    // The server cannot replay from where this page is (another database, a lost position): start afresh.
    reset: function () {
      es.close();
      window.location.reload();
    },
    briefing_updated: function (d) {
      var h1 = doc.querySelector('.briefing-head h1');
      if (h1 && d.title) h1.textContent = d.title;
      var sum = doc.querySelector('.briefing-head .summary');
      if (sum && typeof d.summary === 'string') sum.textContent = d.summary;
    }
  };

  var last = body.getAttribute('data-last-event-id') || '';
  var es;
  function connect() {
    es = new EventSource(url + (last ? '?last_event_id=' + encodeURIComponent(last) : ''));
    es.onopen = function () { setStatus(true); };
    es.onerror = function () {
      setStatus(false);
      // The browser gives up for good on a refused stream (429: too many open from this address; 503
      // while the server restarts): try again later, from the last event seen.
      if (es.readyState === EventSource.CLOSED) setTimeout(connect, 5000 + Math.floor(Math.random() * 10000));
    };
    Object.keys(handlers).forEach(function (kind) {
      es.addEventListener(kind, function (ev) {
        if (ev.lastEventId) last = ev.lastEventId;
        var d;
        try { d = JSON.parse(ev.data); } catch (e) { return; }
        handlers[kind](d);
        var upd = doc.querySelector('.updated-line time');
        if (upd && d.at) { upd.setAttribute('datetime', d.at); tick(upd.parentNode); }
      });
    });
  }
  connect();
  window.addEventListener('pagehide', function () { es.close(); });
})();
