// 纸质录入 (surveys/entry.html): keyboard only. Enter moves to the next field (on the last one, to
// the save button); Ctrl+Enter or F2 anywhere saves the copy. Without this script Enter submits
// the form, which saves it just the same. After a save the page comes back blank with the focus
// on the first question (autofocus); after a refusal, on the first field with an error.
(function () {
  "use strict";
  var form = document.querySelector("[data-entry-form]");
  if (!form) { return; }
  var fields = Array.prototype.slice.call(form.querySelectorAll("[data-entry]"));
  var save = form.querySelector("#entry-save");

  function submit() {
    if (typeof form.requestSubmit === "function") { form.requestSubmit(save); } else { form.submit(); }
  }

  document.addEventListener("keydown", function (event) {
    var saveKey = (event.key === "Enter" && (event.ctrlKey || event.metaKey)) || event.key === "F2";
    if (saveKey) {
      event.preventDefault();
      submit();
      return;
    }
    if (event.key !== "Enter" || event.shiftKey || event.altKey) { return; }
    var index = fields.indexOf(event.target);
    if (index < 0) { return; }
    event.preventDefault();
    var next = fields[index + 1] || save;
    next.focus();
    if (next.select) { next.select(); }
  });
  // Keep the channel (纸质问卷 / 入户代填) for the next copy: it travels in the form's address.
  form.addEventListener("change", function (event) {
    if (event.target.name === "channel") {
      var url = new URL(form.action, window.location.href);
      url.searchParams.set("channel", event.target.value);
      form.action = url.toString();
    }
  });
  var invalid = form.querySelector(".is-invalid");
  if (invalid) {
    invalid.focus();
    invalid.select();
  } else if (fields.length && document.activeElement !== fields[0]) {
    fields[0].focus();
  }
})();
