// 圆桌会登记: the building select shows only the chosen compound's buildings. Without scripts
// every building is listed under its compound's name and the server checks the pair.
(function () {
  "use strict";
  function filter(form) {
    var compound = form.querySelector("[data-rt-compound]");
    var building = form.querySelector("[data-rt-building]");
    if (!compound || !building) {
      return;
    }
    var chosen = compound.value;
    building.querySelectorAll("optgroup").forEach(function (group) {
      var match = !chosen || group.getAttribute("data-compound") === chosen;
      group.hidden = !match;
      group.disabled = !match;
    });
    var selected = building.options[building.selectedIndex];
    if (selected && selected.parentNode.disabled) {
      building.value = "";
    }
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-rt-compound]")) {
      filter(event.target.form);
    }
  });
  document.querySelectorAll("form[data-rt-register]").forEach(filter);
})();
