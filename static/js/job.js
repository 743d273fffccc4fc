// Follows a report job on its page: asks the status endpoint every 2 s until the job is done or failed.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var part = function (name) { return box.querySelector("[data-job-" + name + "]"); };
  var show = function (name, visible) { part(name).classList.toggle("d-none", !visible); };

  function paint(status) {
    part("label").textContent = status.label;
    show("spinner", !status.finished);
    show("waiting", !status.finished);
    show("failed", status.state === "failed");
    part("reason").textContent = status.reason || "";
    show("done", status.state === "done");
    if (status.state === "done") {
      part("download").setAttribute("href", status.download_url);
      part("sha256").textContent = status.sha256;
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" }, cache: "no-store" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (status) {
        paint(status);
        if (!status.finished) { window.setTimeout(poll, 2000); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  if (part("spinner") && !part("spinner").classList.contains("d-none")) {
    window.setTimeout(poll, 2000);
  }
})();
