// The desk inbox: keyboard shortcuts and live rows. The page works without it (links, forms, a Refresh
// link); this only adds. Rows come from the server as rendered HTML (/desk/d/{id}/row), never built here
// from outside text.
(function () {
  'use strict';
  var doc = document;
  var list = doc.getElementById('inbox-list');
  if (!list) return;
  var announcer = doc.getElementById('inbox-announcer');
  var help = doc.getElementById('shortcut-help');
  var toggle = doc.getElementById('shortcut-toggle');
  var closeHelp = doc.getElementById('shortcut-close');
  var banner = doc.getElementById('inbox-new');
  var conn = doc.getElementById('inbox-conn');
  var current = null;
  var queue = [];

  function announce(text) {
    if (!announcer) return;
    announcer.textContent = '';
    setTimeout(function () { announcer.textContent = text; }, 50);
  }
  function rows() {
    return Array.prototype.slice.call(list.querySelectorAll(':scope > [data-development-id]'));
  }
  function headlineOf(row) {
    var h = row.querySelector('.dev-headline');
    return h ? h.textContent.trim() : '';
  }

  // Selection: one row is current (aria-current, a visible ring) and has focus.
  function select(row) {
    if (current && current !== row) {
      current.removeAttribute('aria-current');
      current.classList.remove('is-selected');
    }
    current = row || null;
    if (!row) return;
    row.setAttribute('aria-current', 'true');
    row.classList.add('is-selected');
    if (!row.hasAttribute('tabindex')) row.setAttribute('tabindex', '-1');
    row.focus({ preventScroll: true });
    row.scrollIntoView({ block: 'nearest' });
  }
  function move(step) {
    var all = rows();
    if (!all.length) return;
    var i = current ? all.indexOf(current) : -1;
    var next = i < 0 ? (step > 0 ? 0 : all.length - 1) : Math.min(all.length - 1, Math.max(0, i + step));
    select(all[next]);
  }
  function inRow(el) {
    while (el && el !== list) {
      if (el.parentNode === list && el.hasAttribute('data-development-id')) return el;
      el = el.parentNode;
    }
    return null;
  }
  // Clicking or tabbing into a row makes it the current one.
  list.addEventListener('focusin', function (e) {
    var row = inRow(e.target);
    if (row && row !== current) {
      if (current) { current.removeAttribute('aria-current'); current.classList.remove('is-selected'); }
      current = row;
      row.setAttribute('aria-current', 'true');
      row.classList.add('is-selected');
    }
  });

  function act(name) {
    // Never on a row the editor did not choose: without a selection, the key selects the first row and says
    // so; a second press acts.
    if (!current) {
      move(1);
      if (current) announce('Selected: ' + headlineOf(current) + '. Press the key again to act on it.');
      return;
    }
    var el = current.querySelector('[data-action="' + name + '"]');
    if (!el) {
      announce(name === 'approve' ? 'This development cannot be approved here.' : 'Not available for this development.');
      return;
    }
    if (name === 'dismiss') {
      var reason = current.querySelector('[data-role="reason"]');
      if (reason) { reason.focus(); announce('Type the reason to dismiss, then press Enter.'); }
      return;
    }
    el.click();
  }
  function showHelp(on) {
    if (!help) return;
    help.hidden = !on;
    if (toggle) toggle.setAttribute('aria-expanded', on ? 'true' : 'false');
    if (on) {
      help.setAttribute('tabindex', '-1');
      help.focus();
    } else if (current) {
      current.focus({ preventScroll: true });
    } else if (toggle) {
      toggle.focus();
    }
  }
  if (toggle) {
    toggle.hidden = false;
    toggle.addEventListener('click', function () { showHelp(help.hidden); });
  }
  if (closeHelp) closeHelp.addEventListener('click', function () { showHelp(false); });

  function typing(t) {
    if (!t || !t.tagName) return false;
    var tag = t.tagName;
    return t.isContentEditable || tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT';
  }
  doc.addEventListener('keydown', function (e) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    if (typing(e.target)) {
      if (e.key === 'Escape') e.target.blur();
      return;
    }
    if (e.key === 'Escape' && help && !help.hidden) { e.preventDefault(); showHelp(false); return; }
    var onControl = e.target && (e.target.tagName === 'A' || e.target.tagName === 'BUTTON');
    switch (e.key) {
      case 'j': e.preventDefault(); move(1); break;
      case 'k': e.preventDefault(); move(-1); break;
      case 'o':
      case 'Enter':
        if (e.key === 'Enter' && onControl) return; // links and buttons do their own thing
        if (!current) return;
        e.preventDefault();
        act('open');
        break;
      case 'a': e.preventDefault(); act('approve'); break;
      case 'e': e.preventDefault(); act('edit'); break;
      case 'd': e.preventDefault(); act('dismiss'); break;
      case '?': e.preventDefault(); showHelp(help ? help.hidden : false); break;
      default: return;
    }
  });

  // Live rows.
  var streamUrl = list.getAttribute('data-stream');
  var rowQuery = list.getAttribute('data-row-query') || '';
  var live = list.getAttribute('data-live') === '1';
  if (!streamUrl || !window.EventSource || !window.fetch) return;

  function toNode(html) {
    var t = doc.createElement('template');
    t.innerHTML = html.trim();
    return t.content.firstElementChild;
  }
  function listAtTop() {
    return !doc.hidden && list.getBoundingClientRect().top > -80;
  }
  function updateBanner() {
    if (!banner) return;
    if (!queue.length) { banner.hidden = true; return; }
    banner.textContent = queue.length === 1 ? '1 new development: show it' : queue.length + ' new developments: show them';
    banner.hidden = false;
  }
  function insertTop(node) {
    var empty = doc.getElementById('inbox-empty');
    if (empty) empty.remove();
    node.classList.add('is-new');
    list.insertBefore(node, list.firstElementChild);
  }
  function flush(focus) {
    if (!queue.length) return;
    var first = null;
    queue.forEach(function (n) { insertTop(n); first = n; });
    queue = [];
    updateBanner();
    if (focus && first) select(first);
  }
  if (banner) banner.addEventListener('click', function () { flush(true); });
  window.addEventListener('scroll', function () { if (queue.length && listAtTop()) flush(false); }, { passive: true });

  function place(id, node) {
    var existing = list.querySelector(':scope > [data-development-id="' + id + '"]');
    if (!node) {
      if (existing) {
        if (existing === current) {
          var next = existing.nextElementSibling || existing.previousElementSibling;
          existing.remove();
          current = null;
          if (next) select(next);
        } else {
          existing.remove();
        }
      }
      queue = queue.filter(function (n) { return n.getAttribute('data-development-id') !== String(id); });
      updateBanner();
      return;
    }
    if (existing) {
      var wasCurrent = existing === current;
      node.classList.add('is-changed');
      existing.replaceWith(node);
      if (wasCurrent) { current = null; select(node); }
      return;
    }
    for (var i = 0; i < queue.length; i++) {
      if (queue[i].getAttribute('data-development-id') === String(id)) { queue[i] = node; return; }
    }
    if (!live) return;
    if (listAtTop()) {
      insertTop(node);
      announce('New development: ' + headlineOf(node));
    } else {
      queue.push(node);
      updateBanner();
      announce(queue.length === 1 ? '1 new development' : queue.length + ' new developments');
    }
  }

  // One request per development at a time; a change during a request fetches again after it.
  var inflight = {};
  function refresh(id) {
    if (inflight[id]) { inflight[id] = 'again'; return; }
    inflight[id] = 'busy';
    fetch('/desk/d/' + encodeURIComponent(id) + '/row?' + rowQuery, {
      credentials: 'same-origin',
      headers: { Accept: 'text/html' },
    }).then(function (r) {
      // Signed out meanwhile: the answer is the sign-in page, not a row.
      if (r.redirected) throw new Error('row ' + id + ': redirected');
      if (r.status === 204) return null;
      if (!r.ok) throw new Error('row ' + id + ': HTTP ' + r.status);
      return r.text();
    }).then(function (html) {
      var node = html === null ? null : toNode(html);
      if (node && node.getAttribute('data-development-id') !== String(id)) return;
      place(id, node);
    }).catch(function () { /* the Refresh link still works */ }).then(function () {
      var again = inflight[id] === 'again';
      delete inflight[id];
      if (again) refresh(id);
    });
  }

  function setConn(text, ok) {
    if (!conn) return;
    conn.hidden = false;
    conn.textContent = text;
    conn.className = 'conn ' + (ok ? 'is-live' : 'is-down');
  }
  var dropped = false;
  var es = new EventSource(streamUrl);
  es.onopen = function () {
    setConn(dropped ? 'Live again (refresh for changes made meanwhile)' : 'Live', true);
    list.setAttribute('data-connected', '1');
  };
  es.onerror = function () {
    dropped = true;
    list.removeAttribute('data-connected');
    setConn('Reconnecting…', false);
  };
  es.addEventListener('development', function (ev) {
    var d;
    try { d = JSON.parse(ev.data); } catch (err) { return; }
    if (d && typeof d.id === 'number') refresh(d.id);
  });
  es.addEventListener('resync', function () {
    setConn('Changes were missed: refresh the page', false);
  });
  window.addEventListener('pagehide', function () { es.close(); });
})();
