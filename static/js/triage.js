/* Keyboard shortcuts of the triage pages: j/k next and previous, x select, s/i/o/h/r/u stage moves, q the queue.
   Single keys act only when the shortcut box is ticked and focus is not in a field (WCAG 2.1.4). Everything they
   do is also a link or a button on the page, so the pages work without this script. */
(function () {
  "use strict";
  var STORE = "triage-queue";
  var STAGE_KEYS = { s: "screened", i: "interview", o: "offer", h: "hired", r: "rejected", u: "on_hold" };
  var toggle = document.querySelector("[data-shortcuts-toggle]");
  if (toggle) {
    toggle.checked = localStorage.getItem("triage-shortcuts") !== "off";
    toggle.addEventListener("change", function () {
      localStorage.setItem("triage-shortcuts", toggle.checked ? "on" : "off");
    });
  }

  function enabled() { return !toggle || toggle.checked; }
  function typing(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName) && el.type !== "checkbox");
  }

  var queue = document.querySelector("[data-triage-queue]");
  var rows = queue ? Array.prototype.slice.call(queue.querySelectorAll("a.triage-row")) : [];
  if (queue) {
    // Remember this page of the queue, so each application page knows its neighbours.
    sessionStorage.setItem(STORE, JSON.stringify({
      queue: location.pathname + location.search,
      items: rows.map(function (a) { return a.getAttribute("href"); })
    }));
  }

  var saved = null;
  try { saved = JSON.parse(sessionStorage.getItem(STORE) || "null"); } catch (e) { saved = null; }
  var appBox = document.querySelector("[data-triage-application]");
  var prevUrl = null, nextUrl = null, queueUrl = saved ? saved.queue : null;
  if (appBox && saved) {
    var here = location.pathname;
    var at = saved.items.indexOf(here);
    if (at >= 0) {
      prevUrl = at > 0 ? saved.items[at - 1] : null;
      nextUrl = at < saved.items.length - 1 ? saved.items[at + 1] : saved.queue;
      var nav = document.querySelector(".triage-nav");
      nav.hidden = false;
      var p = nav.querySelector("[data-triage-prev]"), n = nav.querySelector("[data-triage-next]");
      if (prevUrl) { p.href = prevUrl; } else { p.remove(); }
      n.href = nextUrl;
      if (nextUrl === saved.queue) { n.textContent = "Back to the queue (last one on this page)"; }
      nav.querySelector("[data-triage-queue-link]").href = saved.queue;
      // After a move, go on to the next application of the queue.
      document.querySelectorAll("[data-triage-next-field]").forEach(function (f) { f.value = nextUrl; });
    }
  }

  function focusRow(step) {
    if (!rows.length) { return; }
    var at = rows.indexOf(document.activeElement);
    var to = at < 0 ? 0 : Math.min(rows.length - 1, Math.max(0, at + step));
    rows[to].focus();
    rows[to].closest("tr").scrollIntoView({ block: "nearest" });
  }

  function moveTo(stage) {
    var form = document.querySelector("form.move[data-stage='" + stage + "']");
    if (!form) { return false; }
    var reason = form.querySelector("textarea[name=reason]");
    if (reason) { reason.focus(); } else { form.requestSubmit(); }
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (!enabled() || event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) { return; }
    var key = event.key;
    var handled = true;
    if (queue && (key === "j" || key === "k")) {
      focusRow(key === "j" ? 1 : -1);
    } else if (queue && key === "x") {
      var row = document.activeElement && document.activeElement.closest && document.activeElement.closest("tr");
      var box = row && row.querySelector("input[type=checkbox]");
      if (box) { box.checked = !box.checked; } else { handled = false; }
    } else if (appBox && key === "j" && nextUrl) {
      location.href = nextUrl;
    } else if (appBox && key === "k" && prevUrl) {
      location.href = prevUrl;
    } else if (key === "q" && queueUrl) {
      location.href = queueUrl;
    } else if (appBox && STAGE_KEYS[key]) {
      handled = moveTo(STAGE_KEYS[key]);
    } else {
      handled = false;
    }
    if (handled) { event.preventDefault(); }
  });
  // Says the shortcuts are listening (the script is deferred), so a test never types before they are.
  document.documentElement.setAttribute("data-shortcuts", "ready");
})();
