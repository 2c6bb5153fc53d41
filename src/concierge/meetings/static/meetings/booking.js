// The customer's booking page: show times in the zone the browser is in (the customer can still pick
// another), and apply a changed zone or language at once. Without this file the page still works:
// it shows the workspace's zone and a "Show times" button, and the calendar's links load the page again.
(function () {
  "use strict";

  function submit(form) {
    if (form.requestSubmit) {
      form.requestSubmit();
    } else {
      form.submit();
    }
  }

  function browserZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (error) {
      return "";
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () {
        submit(select.form);
      });
    });
    var zoneSelect = document.querySelector('[data-detect-zone="detect"]');
    var zone = browserZone();
    if (zoneSelect && zone && zone !== zoneSelect.value) {
      var known = Array.prototype.some.call(zoneSelect.options, function (option) {
        return option.value === zone;
      });
      if (!known) {
        // An older name of a zone (e.g. Asia/Calcutta): the server knows it and shows its city.
        zoneSelect.add(new Option(zone, zone));
      }
      zoneSelect.value = zone;
      submit(zoneSelect.form);
    }
  });

  // The calendar's links are swapped in by htmx (the rest of the form keeps what was typed): keep
  // the keyboard where it was, on the chosen day or on the month arrow just used.
  var focusAfterSwap = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var link = event.detail.elt;
    if (link && link.closest && link.closest("[data-slot-picker]")) {
      var rel = link.getAttribute("rel");
      focusAfterSwap = rel ? '[data-slot-picker] [rel="' + rel + '"]' : "[data-slot-picker] [aria-current=date]";
    }
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!focusAfterSwap) {
      return;
    }
    var target =
      document.querySelector(focusAfterSwap) || document.querySelector("[data-slot-picker] .calendar-step[href]");
    focusAfterSwap = null;
    if (target) {
      target.focus();
    }
  });
})();
