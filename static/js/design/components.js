// Alpine components for the site, for Alpine's CSP build (@alpinejs/csp): it never evaluates
// strings as code, so directives name properties and methods of a component registered here
// (x-data="dismissible", @click="dismiss", x-show="open") rather than carrying JavaScript.
// Loaded by base.html; a page's own components go in its own module the same way (see
// docs/design.md "CSP rules"). Alpine starts at DOMContentLoaded (scripts/build-frontend.mjs),
// after every deferred and module script has run, so registering on alpine:init is in time.
document.addEventListener("alpine:init", () => {
  const Alpine = window.Alpine;

  // A message the reader can close: x-data="dismissible" x-show="open" @click="dismiss".
  Alpine.data("dismissible", () => ({
    open: true,
    dismiss() {
      this.open = false;
    },
  }));

  // Tabs (WAI-ARIA tabs pattern): each tab button has data-tab="name" and x-ref="name",
  // :aria-selected="isSelected('name')", :tabindex="tabIndex('name')", @click="choose('name')";
  // each panel x-show="isSelected('name')". The first tab starts selected; arrow keys move
  // between tabs (@keydown.right.prevent="next", @keydown.left.prevent="previous").
  Alpine.data("tabs", () => ({
    tab: "",
    init() {
      this.tab = this.names()[0] || "";
    },
    names() {
      return [...this.$root.querySelectorAll("[role=tab][data-tab]")].map((el) => el.dataset.tab);
    },
    isSelected(name) {
      return this.tab === name;
    },
    tabIndex(name) {
      return this.tab === name ? 0 : -1;
    },
    choose(name) {
      this.tab = name;
    },
    move(step) {
      const names = this.names();
      const index = (names.indexOf(this.tab) + step + names.length) % names.length;
      this.tab = names[index];
      this.$nextTick(() => this.$refs[this.tab].focus());
    },
    next() {
      this.move(1);
    },
    previous() {
      this.move(-1);
    },
  }));

  // A native <dialog x-ref="dialog">: @click="openDialog" and @click="closeDialog".
  Alpine.data("dialog", () => ({
    openDialog() {
      this.$refs.dialog.showModal();
    },
    closeDialog() {
      this.$refs.dialog.close();
    },
  }));
});
