// The map page: a date slider over the dates (keyboard: arrows, Home, End). Each move fetches the page for
// that date and swaps in its map, figures and tables; without this script the date list and Show button work.
(function () {
  'use strict';
  var doc = document;
  var slider = doc.getElementById('map-date-slider');
  var select = doc.getElementById('map-date');
  var form = doc.getElementById('map-form');
  if (!slider || !select || !form || !window.fetch) return;
  var dates = (slider.getAttribute('data-dates') || '').split(',');
  slider.hidden = false;
  var pending = 0;
  function show(i) {
    var d = dates[i];
    if (!d) return;
    slider.setAttribute('aria-valuetext', d);
    select.value = d;
    var url = form.getAttribute('action') + '?layer=' + encodeURIComponent(form.elements.layer.value) + '&date=' + encodeURIComponent(d);
    var n = ++pending;
    fetch(url, { headers: { 'Accept': 'text/html' } }).then(function (r) { return r.text(); }).then(function (html) {
      if (n !== pending) return;
      var next = new DOMParser().parseFromString(html, 'text/html').querySelector('main');
      var main = doc.querySelector('main');
      if (!next || !main) return;
      // Everything after the form is replaced; the form (and the focused slider) stays.
      while (form.nextSibling) form.parentNode.removeChild(form.nextSibling);
      var after = next.querySelector('#map-form');
      var node = after ? after.nextSibling : null;
      while (node) { var nx = node.nextSibling; main.appendChild(doc.importNode(node, true)); node = nx; }
      if (window.history && history.replaceState) history.replaceState(null, '', url);
      doc.body.setAttribute('data-map-date', d);
    });
  }
  slider.addEventListener('input', function () { show(+slider.value); });
  select.addEventListener('change', function () { slider.value = String(dates.indexOf(select.value)); show(+slider.value); });
  doc.body.setAttribute('data-map-ready', '1');
})();
