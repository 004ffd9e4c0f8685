// A questionnaire on a phone (surveys/public_answer.html): without this script the page is one
// long plain form; with it, the words to residents first, then one question per screen with
// 上一题 / 下一题 and a progress bar. A required question must be answered before going on; after
// a refused post, the first question with an error is shown. No inline script (CSP).
(function () {
  "use strict";
  var form = document.querySelector("[data-survey-steps]");
  if (!form) { return; }
  var steps = Array.prototype.slice.call(form.querySelectorAll("[data-step]"));
  var nav = form.querySelector("[data-step-nav]");
  var prev = nav.querySelector("[data-step-prev]");
  var next = nav.querySelector("[data-step-next]");
  var start = form.querySelector(".survey-intro [data-step-next]");
  var bar = form.querySelector("[data-step-progress]");
  var label = bar.querySelector("[data-step-label]");
  var progress = bar.querySelector("progress");
  var questions = steps.length - 2;  // the intro and the last screen (comment and submit)
  var current = 0;

  function answered(step) {
    if (step.querySelector("textarea")) {
      return step.querySelector("textarea").value.trim() !== "";
    }
    return step.querySelector("input:checked") !== null;
  }

  function show(index, focus) {
    current = Math.max(0, Math.min(index, steps.length - 1));
    steps.forEach(function (step, i) { step.classList.toggle("is-current", i === current); });
    var inQuestions = current > 0;
    nav.hidden = !inQuestions;
    bar.hidden = !inQuestions;
    next.hidden = current === steps.length - 1;
    if (inQuestions) {
      var number = Math.min(current, questions);
      label.textContent = current > questions ? "最后一步:意见建议(选填)" : "第 " + number + " 题,共 " + questions + " 题";
      progress.max = questions + 1;
      progress.value = current;
    }
    if (focus) {
      var legend = steps[current].querySelector("legend, h1");
      if (legend) {
        legend.setAttribute("tabindex", "-1");
        legend.focus();
      }
      window.scrollTo(0, 0);
    }
  }

  function forward() {
    var step = steps[current];
    var error = step.querySelector("[data-step-error]");
    if (step.getAttribute("data-required") === "1" && !answered(step)) {
      if (error) {
        error.textContent = "这道题必须回答。";
        error.hidden = false;
      }
      return;
    }
    if (error) { error.hidden = true; }
    show(current + 1, true);
  }

  form.classList.add("js-steps");
  start.hidden = false;
  start.addEventListener("click", function () { show(1, true); });
  next.addEventListener("click", forward);
  prev.addEventListener("click", function () { show(current - 1, true); });
  // Answering a single choice or a score moves on by itself after a moment's feedback.
  form.addEventListener("change", function (event) {
    var input = event.target;
    if (input.type === "radio" && steps[current].contains(input)) {
      var error = steps[current].querySelector("[data-step-error]");
      if (error) { error.hidden = true; }
      window.setTimeout(function () {
        if (steps[current].contains(input)) { show(current + 1, true); }
      }, 250);
    }
  });
  var firstError = steps.findIndex(function (step) { return step.classList.contains("has-error"); });
  var summary = document.getElementById("answer-errors");
  if (summary && firstError < 0) { firstError = steps.length - 1; }
  show(firstError > 0 ? firstError : 0, firstError > 0);
})();
