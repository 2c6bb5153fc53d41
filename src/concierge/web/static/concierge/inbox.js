// The inbox's keyboard shortcuts and row selection for bulk actions (docs/inbox.md). No inline
// handlers (the Content-Security-Policy allows none); everything works by mouse without this file.
(function () {
  "use strict";

  var lastChecked = null; // the row checkbox last clicked, for shift-click ranges

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("#conversation-list .conversation-row"));
  }

  function rowCheckboxes() {
    return Array.prototype.slice.call(document.querySelectorAll("#conversation-list input[data-row-select]"));
  }

  function updateSelectionCount() {
    var boxes = rowCheckboxes();
    var checked = boxes.filter(function (box) { return box.checked; }).length;
    var count = document.getElementById("bulk-count");
    if (count) {
      count.textContent = checked + " selected";
    }
    var all = document.querySelector("[data-select-all]");
    if (all) {
      all.checked = boxes.length > 0 && checked === boxes.length;
      all.indeterminate = checked > 0 && checked < boxes.length;
    }
    rows().forEach(function (row) {
      var box = row.querySelector("input[data-row-select]");
      row.classList.toggle("is-selected", Boolean(box && box.checked));
    });
    // The bulk actions show once something is selected (without this file they always show).
    document.querySelectorAll("#bulk-form [data-bulk-action]").forEach(function (action) {
      action.hidden = checked === 0;
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", updateSelectionCount);
  } else {
    updateSelectionCount();
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target.matches && target.matches("input[data-row-select]")) {
      if (event.shiftKey && lastChecked && lastChecked !== target) {
        var boxes = rowCheckboxes();
        var from = boxes.indexOf(lastChecked);
        var to = boxes.indexOf(target);
        if (from >= 0 && to >= 0) {
          boxes.slice(Math.min(from, to), Math.max(from, to) + 1).forEach(function (box) {
            box.checked = target.checked;
          });
        }
      }
      lastChecked = target;
      updateSelectionCount();
    } else if (target.matches && target.matches("[data-select-all]")) {
      rowCheckboxes().forEach(function (box) { box.checked = target.checked; });
      updateSelectionCount();
    } else if (target.closest && target.closest("[data-shortcuts-open]")) {
      openHelp();
    }
  });

  document.addEventListener("htmx:afterSettle", function () {
    lastChecked = null;
    updateSelectionCount();
  });

  // ---------- Keyboard shortcuts ----------

  function currentIndex(list) {
    var focused = document.activeElement && document.activeElement.closest
      ? document.activeElement.closest(".conversation-row") : null;
    var index = focused ? list.indexOf(focused) : -1;
    if (index < 0) {
      list.some(function (row, i) {
        if (row.querySelector('a[aria-current="true"]')) { index = i; return true; }
        return false;
      });
    }
    return index;
  }

  function openRow(step) {
    var list = rows();
    if (!list.length) { return; }
    var index = currentIndex(list);
    var next = index < 0 ? 0 : Math.min(list.length - 1, Math.max(0, index + step));
    var link = list[next].querySelector("a[data-conversation-id]");
    if (link) {
      link.focus();
      link.click();
    }
  }

  function press(selector) {
    var element = document.querySelector(selector);
    if (element) {
      element.click();
      return true;
    }
    return false;
  }

  function focusOn(selector) {
    var element = document.querySelector(selector);
    if (element) {
      element.focus();
      if (element.scrollIntoView) { element.scrollIntoView({block: "center"}); }
    }
    return element;
  }

  function composeNote() {
    var composer = focusOn("#composer-body");
    if (composer) {
      composer.form.classList.add("composing-note");
      composer.setAttribute("data-compose", "note");
    }
  }

  function openHelp() {
    var dialog = document.getElementById("shortcuts-help");
    if (dialog && !dialog.open) {
      dialog.showModal();
    }
  }

  // In note mode (after `n`), Ctrl/Cmd+Enter adds the note rather than sending a reply.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (target.id === "composer-body" && target.getAttribute("data-compose") === "note" &&
        event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      event.stopImmediatePropagation();
      var noteButton = target.form.querySelector(".button-note");
      target.form.requestSubmit(noteButton);
    }
  }, true);

  function isTyping(target) {
    if (!target || !target.closest) { return false; }
    return Boolean(target.closest("input, textarea, select, [contenteditable], [contenteditable='true']")) ||
      Boolean(document.querySelector("dialog[open]") && !target.closest("#shortcuts-help"));
  }

  var actions = {
    j: function () { openRow(1); },
    k: function () { openRow(-1); },
    r: function () { focusOn("#composer-body"); },
    n: composeNote,
    e: function () { press("#conversation-side .button-close"); },
    a: function () { press("#conversation-side [data-assign-me]"); },
    s: function () { focusOn("#conversation-side .snooze-presets button") || focusOn("#snooze-until"); },
    "/": function () { focusOn("#id_q"); },
    x: function () {
      var list = rows();
      var index = currentIndex(list);
      var box = index >= 0 ? list[index].querySelector("input[data-row-select]") : null;
      if (box) {
        box.checked = !box.checked;
        lastChecked = box;
        updateSelectionCount();
      }
    },
    "?": openHelp,
  };

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) {
      return;
    }
    if (!document.getElementById("inbox")) { return; }
    var action = actions[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });
})();
