// The customer's booking page: show times in the zone the browser is in (the customer can still pick
// another), and apply a changed zone or language at once. Without this file the page still works:
// it shows the workspace's zone and a "Show times" button.
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
})();
