// Two small helps for forms, both progressive (the server is the safeguard):
// 1. the warning before the session ends for inactivity, with "Stay signed in" (accounts/session_timeout.py);
// 2. a form's submit button disabled after the first click (the one-time form token prevents the double row).
(function () {
  "use strict";

  var STORE = "caseapp.session.deadline";

  function startTimer(box) {
    var secondsLeft = parseInt(box.getAttribute("data-seconds-left"), 10) || 0;
    var warnMs = (parseInt(box.getAttribute("data-warn-seconds"), 10) || 0) * 1000;
    var stay = box.querySelector("[data-role=stay]");
    var warning = box.querySelector("[data-role=warning]");
    var ended = box.querySelector("[data-role=ended]");
    var at = box.querySelector("[data-role=at]");
    var deadline = Date.now() + secondsLeft * 1000;
    var lastFocus = null;
    var state = "quiet";

    // Another tab's request renews the same session: tabs share the newest deadline.
    function share() {
      try { window.localStorage.setItem(STORE, String(deadline)); } catch (e) { /* private mode */ }
    }
    function shared() {
      try { return parseInt(window.localStorage.getItem(STORE), 10) || 0; } catch (e) { return 0; }
    }
    share();

    function show(next) {
      if (state === next) return;
      state = next;
      if (next === "quiet") {
        box.hidden = true;
        document.body.style.paddingBottom = "";
        if (lastFocus && box.contains(document.activeElement)) lastFocus.focus();
        return;
      }
      if (at) {
        at.textContent = new Date(deadline).toLocaleTimeString(document.documentElement.lang || undefined,
          { hour: "2-digit", minute: "2-digit" });
      }
      warning.hidden = next !== "warning";
      ended.hidden = next !== "ended";
      stay.hidden = next !== "warning";
      box.hidden = false;
      // The page scrolls clear of the banner: the form's own button must stay reachable.
      document.body.style.paddingBottom = box.offsetHeight + "px";
    }

    function tick() {
      deadline = Math.max(deadline, shared());
      var left = deadline - Date.now();
      show(left <= 0 ? "ended" : left <= warnMs ? "warning" : "quiet");
    }

    document.addEventListener("focusin", function (event) {
      if (!box.contains(event.target)) lastFocus = event.target;
    });
    window.addEventListener("storage", function (event) { if (event.key === STORE) tick(); });

    stay.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!window.fetch) { stay.submit(); return; }
      fetch(stay.action, {
        method: "POST",
        body: new FormData(stay),
        headers: { "Accept": "application/json" },
        credentials: "same-origin",
        // Signed out already: the answer is a redirect to the sign-in page, not followed here.
        redirect: "manual"
      })
        .then(function (response) {
          if (!response.ok) throw new Error("signed out");
          return response.json();
        })
        .then(function (data) {
          deadline = Date.now() + (data.seconds_left || 0) * 1000;
          share();
          tick();
        })
        .catch(function () {
          deadline = 0;
          show("ended");
        });
    });

    tick();
    window.setInterval(tick, 1000);
  }

  function guardSubmits() {
    // On window, so that a page script that sends the form itself (and prevents the default) was heard first.
    window.addEventListener("submit", function (event) {
      var form = event.target;
      if (event.defaultPrevented || (form.getAttribute("method") || "").toLowerCase() !== "post") return;
      if (form.getAttribute("data-submitting")) {
        event.preventDefault();
        return;
      }
      form.setAttribute("data-submitting", "1");
      form.setAttribute("aria-busy", "true");
      // After this turn: a disabled button would leave its own name and value out of the form.
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]").forEach(function (b) {
          b.disabled = true;
        });
      }, 0);
      // If the answer never comes (the network), the form may be sent again.
      window.setTimeout(function () { release(form); }, 15000);
    });
    // Back to a page kept by the browser: its forms work again.
    window.addEventListener("pageshow", function () {
      document.querySelectorAll("form[data-submitting]").forEach(release);
    });
  }

  function release(form) {
    form.removeAttribute("data-submitting");
    form.removeAttribute("aria-busy");
    form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]").forEach(function (b) {
      b.disabled = false;
    });
  }

  var box = document.getElementById("session-timer");
  if (box) startTimer(box);
  guardSubmits();
})();
