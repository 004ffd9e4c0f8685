// 百社百景 search pickers (streetwork/widgets.py): Enter in a picker's search box searches; it
// never sends the form around it half filled in. No inline scripts (CSP).
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    var box = event.target.closest ? event.target.closest("[data-picker-search]") : null;
    if (box && event.key === "Enter") {
      event.preventDefault();
      box.dispatchEvent(new Event("search", { bubbles: true }));
    }
  });
})();
