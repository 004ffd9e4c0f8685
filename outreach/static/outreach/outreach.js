// Outreach forms (no inline scripts: CSP). Enter in a needs picker's search box searches and
// never sends the form around it; in a paper slip's text (data-enter-submits) Enter saves the
// slip and Shift+Enter starts a new line, so slips are typed with the keyboard alone.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.isComposing) {
      return;
    }
    var target = event.target;
    var box = target.closest ? target.closest("[data-picker-search]") : null;
    if (box) {
      event.preventDefault();
      box.dispatchEvent(new Event("search", { bubbles: true }));
      return;
    }
    if (target.matches && target.matches("[data-enter-submits]") && !event.shiftKey) {
      event.preventDefault();
      if (target.form) {
        target.form.requestSubmit();
      }
    }
  });
})();
