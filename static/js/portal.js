// 百社百景: small behaviours, no inline scripts (CSP).
(function () {
  "use strict";
  var KEY = "bsbj-large-text";
  function applyLargeText(on) {
    document.documentElement.classList.toggle("large-text", on);
    document.querySelectorAll("[data-large-text-toggle]").forEach(function (btn) {
      btn.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }
  var stored = false;
  try { stored = window.localStorage.getItem(KEY) === "1"; } catch (e) { /* private mode */ }
  applyLargeText(stored);
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-large-text-toggle]");
    if (toggle) {
      var on = !document.documentElement.classList.contains("large-text");
      applyLargeText(on);
      try { window.localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* ignore */ }
    }
  });
  // A link marked data-print prints the page (the announcement's poster).
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) {
      event.preventDefault();
      window.print();
    }
  });
  // Forms that need a second thought carry data-confirm="…"; so may one button of a form
  // (a sheet's "submit" beside its "save draft"): the pressed button's own question wins.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var message = (button && button.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
      return;
    }
    // A second tap on a slow phone connection must not post the form twice. Disable the
    // buttons after this tick, so the pressed button's own name/value is still sent.
    // (htmx forms are left alone: htmx has taken the submit and swaps the answer in.)
    if (!event.defaultPrevented && form.method.toLowerCase() === "post") {
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (b) {
          b.disabled = true;
        });
      }, 0);
      // Coming back through the browser's history shows live buttons again.
      window.addEventListener("pageshow", function () {
        form.querySelectorAll("[type=submit]").forEach(function (b) { b.disabled = false; });
      }, { once: true });
    }
  });
})();
