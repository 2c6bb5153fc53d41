// The agent's session timer: prompts at the start to state how long the session is, and before the
// end to say "we have time for one more question". Runs in the page only; nothing is stored.
(function () {
  "use strict";

  function two(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function promptFor(elapsedMinutes, length) {
    var left = length - elapsedMinutes;
    if (left <= 0) {
      return "Time is up: thank the customer and agree on the next steps.";
    }
    if (left <= 5) {
      return "5 minutes left: wrap up and agree on the next steps.";
    }
    if (left <= 10) {
      return "About 10 minutes left: say \"we have time for one more question\".";
    }
    if (elapsedMinutes < 1) {
      return "Say how long we have: " + length + " minutes.";
    }
    return "";
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector("[data-session-timer]");
    if (!box) {
      return;
    }
    var length = parseInt(box.getAttribute("data-length-minutes"), 10) || 30;
    var clock = box.querySelector("[data-timer-clock]");
    var prompt = box.querySelector("[data-timer-prompt]");
    var start = box.querySelector("[data-timer-start]");
    var stop = box.querySelector("[data-timer-stop]");
    var startedAt = null;
    var ticker = null;
    var lastPrompt = prompt.textContent;

    function tick() {
      var seconds = Math.floor((Date.now() - startedAt) / 1000);
      clock.textContent = two(Math.floor(seconds / 60)) + ":" + two(seconds % 60);
      var next = promptFor(seconds / 60, length);
      if (next && next !== lastPrompt) {
        prompt.textContent = next;
        lastPrompt = next;
      }
    }

    start.addEventListener("click", function () {
      startedAt = Date.now();
      tick();
      ticker = window.setInterval(tick, 1000);
      start.hidden = true;
      stop.hidden = false;
    });
    stop.addEventListener("click", function () {
      window.clearInterval(ticker);
      start.hidden = false;
      stop.hidden = true;
    });
  });
})();
