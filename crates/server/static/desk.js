// Desk helpers: Ctrl+Enter (Cmd+Enter) publishes from any field; the slug follows the title until edited; a
// development opened at #edit puts the cursor in its headline.
(function () {
  'use strict';
  document.addEventListener('keydown', function (e) {
    if (e.key !== 'Enter' || !(e.ctrlKey || e.metaKey)) return;
    var form = e.target && e.target.form;
    var primary = form && form.querySelector('[data-primary]');
    if (primary) { e.preventDefault(); primary.click(); }
  });
  // Opened to edit (the inbox's "e", an "Edit" link): the cursor goes to the headline.
  // After the load, so the browser's own scroll to the fragment (which resets focus) has happened.
  var headline = document.getElementById('edit-headline');
  if (headline && location.hash === '#edit') {
    window.addEventListener('load', function () { setTimeout(function () { headline.focus(); }, 0); });
  }
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
