// A group session's attendance list: the client search answers as one types, and a client ticked among the results
// joins the list (present) at once. Without this script the search button posts the form, which comes back as typed
// and ticked with the clients found, and ticked results join the list when the form is sent.
(function () {
  "use strict";

  var form = document.getElementById("group-session-form");
  if (!form || !window.fetch || !window.DOMParser) return;
  var search = form.querySelector("#id_q");
  var results = form.querySelector("#group-search-results");
  var list = form.querySelector("#attendance-list");
  var empty = form.querySelector("#attendance-empty");
  var template = form.querySelector("#attendance-row-template");
  var timer = null;
  var asked = 0;

  function escapeHtml(text) {
    return text.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function listed(pk) {
    return list.querySelector('[data-client="' + pk + '"]') !== null;
  }

  function dropListed() {
    results.querySelectorAll("[data-client]").forEach(function (item) {
      if (listed(item.getAttribute("data-client"))) item.remove();
    });
  }

  function find() {
    var query = search.value.trim();
    var mine = ++asked;
    if (!query) { results.innerHTML = ""; return; }
    var url = window.location.pathname + "?q=" + encodeURIComponent(query);
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        if (mine !== asked) return;  // a later search has been asked for meanwhile
        var page = new DOMParser().parseFromString(html, "text/html");
        var found = page.getElementById("group-search-results");
        results.innerHTML = found ? found.innerHTML : "";
        dropListed();
      })
      .catch(function () { /* the search button still posts the form */ });
  }

  function add(box) {
    var pk = box.value;
    var name = box.getAttribute("data-name") || "";
    var html = template.innerHTML.split("__pk__").join(pk).split("__name__").join(escapeHtml(name));
    var holder = document.createElement("ul");
    holder.innerHTML = html.trim();
    if (!listed(pk)) list.appendChild(holder.firstElementChild);
    box.closest("[data-client]").remove();
    // Every result ticked: nothing left to choose, nor the hint about ticking.
    if (!results.querySelector("input[type=checkbox]")) results.innerHTML = "";
    if (empty) empty.hidden = true;
  }

  search.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(find, 250);
  });
  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); find(); }
  });
  form.addEventListener("submit", function (event) {
    if (event.submitter && event.submitter.value === "search") { event.preventDefault(); find(); }
  });
  results.addEventListener("change", function (event) {
    if (event.target.matches("input[type=checkbox]") && event.target.checked) add(event.target);
  });
  list.addEventListener("change", function (event) {
    // Unticked: off the list.
    if (event.target.matches("input[name=clients]") && !event.target.checked) {
      event.target.closest("[data-client]").remove();
      if (empty) empty.hidden = list.querySelector("[data-client]") !== null;
    }
  });
})();
