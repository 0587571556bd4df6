// The Wagtail admin without inline scripts (its Content-Security-Policy allows none): our
// overrides of Wagtail's date/time widgets and inline panels (templates/wagtailadmin/) leave
// a <template data-admin-init="…"> marker where Wagtail wrote an inline <script>, and this
// makes the same call, in document order, at load and whenever the admin inserts markup
// (an inline panel's "Add" appends a child form holding more markers).
(() => {
  const CHOOSERS = ["Chooser", "PageChooser", "ImageChooser", "DocumentChooser", "SnippetChooser"];
  const FUNCTIONS = ["createTaskChooser"];
  const calls = {
    initDateChooser: (el) => window.initDateChooser(el.dataset.target, JSON.parse(el.dataset.options)),
    initTimeChooser: (el) => window.initTimeChooser(el.dataset.target, JSON.parse(el.dataset.options)),
    initDateTimeChooser: (el) =>
      window.initDateTimeChooser(el.dataset.target, JSON.parse(el.dataset.options)),
    InlinePanel: (el) => new window.InlinePanel(JSON.parse(el.dataset.options)),
    MultipleChooserPanel: (el) => new window.MultipleChooserPanel(JSON.parse(el.dataset.options)),
    // Wagtail's chooser widgets (core/admin_csp.py): `new ImageChooser(id, options)` etc.
    chooser: (el) => {
      const name = el.dataset.constructor;
      if (!CHOOSERS.includes(name) || typeof window[name] !== "function") {
        throw new Error(`inline-init: no chooser named ${name}`);
      }
      return new window[name](el.dataset.target, JSON.parse(el.dataset.options));
    },
    function: (el) => {
      const name = el.dataset.function;
      if (!FUNCTIONS.includes(name)) throw new Error(`inline-init: no function named ${name}`);
      return window[name](el.dataset.target);
    },
  };

  function runMarker(el) {
    if (el.dataset.adminInitDone) return;
    el.dataset.adminInitDone = "1";
    const call = calls[el.dataset.adminInit];
    if (!call) {
      console.error(`inline-init: no call named ${el.dataset.adminInit}`);
      return;
    }
    call(el);
  }

  function runAll(root) {
    if (root.matches && root.matches("template[data-admin-init]")) runMarker(root);
    if (root.querySelectorAll) root.querySelectorAll("template[data-admin-init]").forEach(runMarker);
  }

  function start() {
    runAll(document);
    new MutationObserver((mutations) => {
      for (const mutation of mutations) mutation.addedNodes.forEach(runAll);
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
