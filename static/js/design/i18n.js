// Interface strings in the browser. Django's JavaScriptCatalog (/jsi18n/, a script file that
// templates/base.html loads before every module) defines gettext, ngettext and interpolate
// with the current language's djangojs catalogue (locale/<lang>/LC_MESSAGES/djangojs.po).
// Modules import these wrappers so that a page whose catalogue could not load (offline before
// it was ever cached) still works, in English. `makemessages -d djangojs` finds the calls.
const catalogue = globalThis;

export function gettext(text) {
  return typeof catalogue.gettext === "function" ? catalogue.gettext(text) : text;
}

export function ngettext(singular, plural, count) {
  if (typeof catalogue.ngettext === "function") return catalogue.ngettext(singular, plural, count);
  return count === 1 ? singular : plural;
}

// interpolate("%(n)s words", { n: 3 }): named placeholders only (translators may reorder).
export function interpolate(format, values) {
  return format.replace(/%\(([a-z_]+)\)s/g, (match, name) => (name in values ? String(values[name]) : match));
}
