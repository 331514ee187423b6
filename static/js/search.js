/* Instant job filters over the search index (/jobs/search.json and its chunks). No dependencies.
   Every filter lives in the URL (?workplace=remote&state=TX&page=2), so a filtered list can be shared and Back
   returns to the page of results before. On a phone the panel of filters is folded and a search moves focus to
   the results; the count of matches is announced politely. */
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form || !window.fetch || !window.URLSearchParams) return;
  var panel = document.getElementById("filter-panel");
  var badge = document.getElementById("filter-count");
  var results = document.getElementById("results");
  var benefitsHours = +results.getAttribute("data-benefits-hours") || 0;
  var status = document.getElementById("results-status");
  var heading = document.getElementById("results-heading");
  var original = results.innerHTML, originalHeading = heading.textContent;
  var names = ["q", "workplace", "type", "category", "state", "shift", "hours", "pay"];
  var folded = names.slice(1); /* the filters inside the panel; the keyword stays in view */
  var PER_PAGE = 20;
  var wide = window.matchMedia ? window.matchMedia("(min-width: 48em)") : { matches: true };
  var index = null;

  function setPanel() { panel.open = wide.matches; }
  setPanel();
  if (wide.addEventListener) wide.addEventListener("change", setPanel);
  form.hidden = false;

  function current() {
    var f = {};
    names.forEach(function (n) { var v = form.elements[n].value.trim(); if (v) f[n] = v; });
    return f;
  }

  function count(f) {
    var set = folded.filter(function (n) { return f[n]; }).length;
    badge.textContent = set ? "(" + set + " set)" : "(none set)";
  }

  function fill(params) {
    names.forEach(function (n) { form.elements[n].value = params.get(n) || ""; });
  }

  count(current());
  form.addEventListener("input", function () { count(current()); });
  if (location.pathname !== "/jobs/") return; /* other pages submit the form to /jobs/ */

  function load() {
    if (!index) {
      index = fetch("/jobs/search.json").then(function (r) { return r.json(); }).then(function (m) {
        return Promise.all(m.chunks.map(function (u) { return fetch(u).then(function (r) { return r.json(); }); }));
      }).then(function (chunks) { return [].concat.apply([], chunks); });
      index.catch(function () { index = null; }); /* a later search tries again */
    }
    return index;
  }

  /* "Jobs I can take from my state": on-site and hybrid jobs in it, remote jobs open to its residents. */
  function matches(j, f) {
    if (f.q && (j.t + " " + j.l + " " + j.c + " " + j.el).toLowerCase().indexOf(f.q.toLowerCase()) < 0) return false;
    if (f.workplace && j.w !== f.workplace) return false;
    if (f.type && j.e.indexOf(f.type) < 0) return false;
    if (f.category && j.c !== f.category) return false;
    if (f.state && !(j.w === "remote" ? (!j.r.length || j.r.indexOf(f.state) >= 0) : j.s === f.state)) return false;
    if (f.shift && j.sh.indexOf(f.shift) < 0) return false;
    if (f.hours && !(+f.hours >= j.h[0] && +f.hours <= j.h[1])) return false;
    if (f.pay && j.p < +f.pay) return false;
    return true;
  }

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  function card(j) {
    var li = el("li", "", "card"), h = el("h2"), a = el("a", j.t);
    a.href = "/jobs/" + encodeURIComponent(j.i) + "/";
    h.appendChild(a);
    li.appendChild(h);
    li.appendChild(el("p", j.l + " · " + j.el, "meta"));
    var badges = el("ul", "", "badges"); /* as templates/public/_card.html shows them */
    badges.appendChild(el("li", j.pl, "badge pay"));
    badges.appendChild(el("li", j.hl, "badge hours"));
    badges.appendChild(el("li", j.sl + " shifts", "badge shift"));
    if (benefitsHours && j.h[1] >= benefitsHours) badges.appendChild(el("li", "Benefits eligible", "badge benefits"));
    li.appendChild(badges);
    return li;
  }

  function url(f, page) {
    var params = new URLSearchParams(f);
    if (page > 1) params.set("page", page);
    var query = params.toString();
    return "/jobs/" + (query ? "?" + query : "");
  }

  /* 1 … 4 5 6 … 12: the first and last pages, the current one and its neighbours. */
  function numbers(page, pages) {
    var shown = [];
    for (var n = 1; n <= pages; n++) {
      if (n === 1 || n === pages || Math.abs(n - page) <= 1) shown.push(n);
      else if (shown[shown.length - 1] !== "…") shown.push("…");
    }
    return shown;
  }

  function pager(f, page, pages) {
    var nav = el("nav", "", "pager numbered"), list = el("ul");
    nav.setAttribute("aria-label", "Pages of results");
    function link(n, text, rel) {
      var li = el("li"), a = el("a");
      a.href = url(f, n);
      a.setAttribute("data-page", n);
      if (rel) {
        a.rel = rel;
        a.textContent = text;
      } else {
        a.appendChild(el("span", "Page ", "visually-hidden"));
        a.appendChild(document.createTextNode(String(n)));
        if (n === page) a.setAttribute("aria-current", "page");
      }
      li.appendChild(a);
      list.appendChild(li);
    }
    if (page > 1) link(page - 1, "Previous", "prev");
    numbers(page, pages).forEach(function (n) {
      if (n === "…") { var gap = el("li", "…", "gap"); gap.setAttribute("aria-hidden", "true"); list.appendChild(gap); }
      else link(n);
    });
    if (page < pages) link(page + 1, "Next", "next");
    nav.appendChild(list);
    return nav;
  }

  /* Moves the applicant to the results: focus on their heading, scrolled to the top if it is far down. */
  function toResults() {
    heading.focus({ preventScroll: true });
    var top = heading.getBoundingClientRect().top;
    if (top < 0 || top > window.innerHeight / 3) heading.scrollIntoView({ block: "start" });
  }

  /* Shows page `page` of the jobs matching f. how: "replace" (a filter changed), "push" (another page of the
     same results: Back returns), or "none" (the URL already says it). focus: move to the results when shown. */
  var shown = 0;
  function show(f, page, how, focus) {
    var query = new URLSearchParams(f).toString();
    var mine = ++shown;
    count(f);
    if (how === "replace") history.replaceState(null, "", url(f, page));
    if (how === "push") history.pushState(null, "", url(f, page));
    if (!query) { /* no filters: the listing as published, with its own pages */
      results.innerHTML = original;
      heading.textContent = originalHeading;
      status.textContent = "";
      if (focus) toResults();
      return;
    }
    load().then(function (jobs) {
      if (mine !== shown) return; /* a newer search is on its way */
      var found = jobs.filter(function (j) { return matches(j, f); });
      var pages = Math.max(1, Math.ceil(found.length / PER_PAGE));
      page = Math.min(Math.max(1, page), pages);
      var list = el("ul", "", "cards");
      found.slice((page - 1) * PER_PAGE, page * PER_PAGE).forEach(function (j) { list.appendChild(card(j)); });
      results.textContent = "";
      results.appendChild(found.length ? list : el("p", "No jobs match these filters. Try removing one."));
      if (pages > 1) results.appendChild(pager(f, page, pages));
      heading.textContent = "Matching jobs";
      var said = found.length === 1 ? "1 job matches." : found.length + " jobs match.";
      if (pages > 1) {
        said += " Showing " + ((page - 1) * PER_PAGE + 1) + "–" + Math.min(page * PER_PAGE, found.length) +
          ", page " + page + " of " + pages + ".";
      }
      if (focus) {
        toResults();
        /* the same count again is no change, and a live region says only changes: say it afresh */
        if (status.textContent === said) { status.textContent = ""; setTimeout(function () { if (mine === shown) status.textContent = said; }, 100); return; }
      }
      status.textContent = said;
    }, function () {
      if (mine !== shown) return;
      status.textContent = "The filters could not load. The list below is every job.";
    });
  }

  function fromUrl() {
    var params = new URLSearchParams(location.search);
    fill(params);
    return parseInt(params.get("page"), 10) || 1;
  }

  var timer = null;
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { show(current(), 1, "replace", false); }, 150);
  });
  form.addEventListener("change", function () { clearTimeout(timer); show(current(), 1, "replace", false); });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    clearTimeout(timer);
    if (!wide.matches) panel.open = false; /* on a phone, fold the filters away so the results follow the search */
    show(current(), 1, "replace", true);
  });
  document.getElementById("f-clear").addEventListener("click", function (e) {
    e.preventDefault();
    clearTimeout(timer);
    form.reset();
    show({}, 1, "replace", false);
  });
  results.addEventListener("click", function (e) {
    var a = e.target.closest ? e.target.closest("a[data-page]") : null;
    if (!a || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    show(current(), +a.getAttribute("data-page"), "push", true);
  });
  window.addEventListener("popstate", function () {
    var inResults = heading.parentNode.contains(document.activeElement) || document.activeElement === document.body;
    var page = fromUrl();
    show(current(), page, "none", inResults);
  });
  /* "Jobs near me" from the home page: ?zip= becomes the state it is in (/jobs/zips.json), and leaves the URL. */
  function zipState(zip) {
    if (!/^\d{5}$/.test(zip)) return Promise.resolve("");
    return fetch("/jobs/zips.json").then(function (r) { return r.json(); }).then(function (t) {
      if (t.zips[zip]) return t.zips[zip];
      var found = "";
      t.ranges.forEach(function (r) { if (zip.slice(0, 3) >= r[0]) found = r[1]; });
      return found;
    }, function () { return ""; });
  }

  var first = fromUrl();
  var zip = (new URLSearchParams(location.search).get("zip") || "").trim();
  if (zip && !form.elements.state.value) {
    zipState(zip).then(function (state) {
      form.elements.state.value = state;
      show(current(), first, "replace", false);
      if (!state) status.textContent = "We could not find the ZIP code " + zip + ". Choose the state you live in.";
    });
  } else if (location.search) show(current(), first, "none", false);
})();
