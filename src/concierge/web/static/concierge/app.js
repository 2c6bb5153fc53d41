// Small behaviours around htmx: keep the selected conversation marked, the newest part in view,
// and Ctrl/Cmd+Enter sending the reply. Everything works without this file, only less smoothly.
(function () {
  "use strict";

  function scrollTimelineToEnd() {
    var timeline = document.getElementById("timeline");
    if (timeline) {
      timeline.scrollTop = timeline.scrollHeight;
    }
  }

  function markSelectedConversation() {
    var conversation = document.querySelector("#detail-pane .conversation");
    var selectedId = conversation ? conversation.getAttribute("data-conversation-id") : null;
    document.querySelectorAll(".list-pane a[data-conversation-id]").forEach(function (link) {
      if (link.getAttribute("data-conversation-id") === selectedId) {
        link.setAttribute("aria-current", "true");
      } else {
        link.removeAttribute("aria-current");
      }
    });
    var inbox = document.getElementById("inbox");
    if (inbox) {
      inbox.classList.toggle("has-detail", Boolean(selectedId));
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    scrollTimelineToEnd();
    markSelectedConversation();
  });

  document.addEventListener("htmx:afterSettle", function () {
    scrollTimelineToEnd();
    markSelectedConversation();
  });

  // A <select data-submit-on-change> sends its form as soon as a choice is made (no inline handlers:
  // the Content-Security-Policy allows no inline script).
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select[data-submit-on-change]")) {
      event.target.form.requestSubmit();
    }
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && target.id === "composer-body") {
      event.preventDefault();
      target.form.requestSubmit();
    }
  });
})();
