// Desk helpers: Ctrl+Enter (Cmd+Enter) publishes from any field; the slug follows the title until edited.
(function () {
  'use strict';
  document.addEventListener('keydown', function (e) {
    if (e.key !== 'Enter' || !(e.ctrlKey || e.metaKey)) return;
    var form = e.target && e.target.form;
    var primary = form && form.querySelector('[data-primary]');
    if (primary) { e.preventDefault(); primary.click(); }
  });
  var title = document.getElementById('title');
  var slug = document.getElementById('slug');
  if (title && slug) {
    var touched = false;
    slug.addEventListener('input', function () { touched = true; });
    title.addEventListener('input', function () {
      if (touched) return;
      slug.value = title.value.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '')
        .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80);
    });
  }
})();
