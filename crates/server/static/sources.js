// The sources page: an OPML file is read in the browser into the paste box (the form posts text, so it
// works without this script by pasting), and removing a source asks first.
(function () {
  'use strict';
  var doc = document;
  var picks = doc.querySelectorAll('input[type=file][data-fill]');
  for (var i = 0; i < picks.length; i++) {
    (function (input) {
      var target = doc.getElementById(input.getAttribute('data-fill'));
      if (!target || !window.FileReader) return;
      var wrap = input.closest('[hidden]');
      if (wrap) wrap.hidden = false;
      input.addEventListener('change', function () {
        var f = input.files && input.files[0];
        if (!f) return;
        var r = new FileReader();
        r.onload = function () { target.value = String(r.result || ''); target.focus(); };
        r.readAsText(f);
      });
    })(picks[i]);
  }
  doc.addEventListener('submit', function (e) {
    var msg = e.target && e.target.getAttribute && e.target.getAttribute('data-confirm');
    if (msg && !window.confirm(msg)) e.preventDefault();
  });
})();
