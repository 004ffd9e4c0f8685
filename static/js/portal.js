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
  // Forms that need a second thought carry data-confirm="…".
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
})();
