// The partner application form (partners/recruit_apply.html): the unit's fields only for a unit,
// the serving party member's only for 在职党员. Without this script every field shows, with its
// help text saying who fills it in; the server keeps only what applies.
(function () {
  "use strict";
  var form = document.querySelector("[data-recruit-form]");
  if (!form) return;
  function current(name) {
    var checked = form.querySelector("input[name=" + name + "]:checked");
    if (checked) return checked.value;
    var field = form.querySelector("select[name=" + name + "]");
    return field ? field.value : "";
  }
  function update() {
    form.querySelectorAll("[data-recruit-show]").forEach(function (block) {
      var on = current(block.getAttribute("data-recruit-show")) === block.getAttribute("data-recruit-value");
      block.hidden = !on;
    });
  }
  form.addEventListener("change", update);
  update();
})();
