// Task cards: save a status with the progress note typed before it, in place, in one request.
// Without this script the same form posts normally and the server redirects back.
(function () {
  "use strict";

  function show(card, text, isError) {
    var box = card.querySelector("[data-role=message]");
    if (!box) return;
    box.textContent = text || "";
    box.className = "small mt-1 " + (isError ? "text-danger" : "text-success");
  }

  function applyState(card, data) {
    var badge = card.querySelector("[data-role=status-badge]");
    if (badge && data.status_display) {
      badge.textContent = data.status_display;
      badge.className = "badge " + (data.is_open ? "text-bg-primary" : "text-bg-secondary");
    }
    var version = card.querySelector("[data-role=version]");
    if (version && data.version) version.value = data.version;
    var select = card.querySelector("select[name=status]");
    if (select && data.status) select.value = data.status;
    if (typeof data.is_open === "boolean") card.classList.toggle("task-finished", !data.is_open);
  }

  function submit(event) {
    var form = event.target;
    if (form.getAttribute("data-async") !== "progress" || !window.fetch) return;
    event.preventDefault();
    var card = form.closest("[data-task]");
    var button = form.querySelector("button[type=submit]");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (button) button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "Accept": "application/json", "X-CSRFToken": token ? token.value : "" },
      credentials: "same-origin"
    })
      .then(function (response) {
        return response.json().catch(function () { return { ok: false }; });
      })
      .then(function (data) {
        // A refused save (someone else changed the task) shows the task as it is now;
        // the note stays in its box, to be saved again.
        if (data.status) applyState(card, data);
        if (data.ok) {
          var notes = card.querySelector("[data-role=notes]");
          if (notes && data.html) notes.insertAdjacentHTML("beforeend", data.html);
          var note = form.querySelector("textarea[name=note]");
          if (note) note.value = "";
        }
        show(card, data.ok ? data.message : (data.error || card.getAttribute("data-error")), !data.ok);
      })
      .catch(function () {
        // The network failed: fall back to the ordinary form post.
        form.removeAttribute("data-async");
        form.submit();
      })
      .finally(function () {
        if (button) button.disabled = false;
      });
  }

  // A link to one task (plan#task-12) opens its card.
  function openLinked() {
    var id = window.location.hash.slice(1);
    if (!/^task-\d+$/.test(id)) return;
    var card = document.getElementById(id);
    if (card && card.tagName === "DETAILS") card.open = true;
  }

  document.addEventListener("submit", submit);
  window.addEventListener("hashchange", openLinked);
  openLinked();
})();
