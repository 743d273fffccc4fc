// The report form shows only the fields of the chosen kind of report. Without this script every field stays
// shown and usable: the server reads only the chosen kind's fields either way (reporting.forms.FIELDS_OF_KIND).
(function () {
  "use strict";
  const form = document.querySelector("[data-report-form]");
  if (!form) return;
  const kind = form.querySelector("select[name=kind]");
  if (!kind) return;
  const groups = form.querySelectorAll("[data-report-kinds]");

  function showChosen() {
    groups.forEach(function (group) {
      const shown = group.dataset.reportKinds.split(" ").indexOf(kind.value) !== -1;
      group.hidden = !shown;
      // A hidden field is not sent: the figures' link then carries only what the report uses.
      group.querySelectorAll("input, select, textarea").forEach(function (input) {
        input.disabled = !shown;
      });
    });
  }

  kind.addEventListener("change", showChosen);
  showChosen();
})();
