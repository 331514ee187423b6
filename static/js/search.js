/* Instant job filters over the search index (/jobs/search.json and its chunks). No dependencies.
   Every filter lives in the URL (?workplace=remote&state=TX), so a filtered list can be shared. */
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form || !window.fetch || !window.URLSearchParams) return;
  var results = document.getElementById("results");
  var status = document.getElementById("results-status");
  var original = results.innerHTML;
  var names = ["q", "workplace", "type", "category", "state", "shift", "hours", "pay"];
  var index = null;
  form.hidden = false;
  if (location.pathname !== "/jobs/") return; /* other pages submit the form to /jobs/ */

  function load() {
    if (!index) {
      index = fetch("/jobs/search.json").then(function (r) { return r.json(); }).then(function (m) {
        return Promise.all(m.chunks.map(function (u) { return fetch(u).then(function (r) { return r.json(); }); }));
      }).then(function (chunks) { return [].concat.apply([], chunks); });
    }
    return index;
  }

  function current() {
    var f = {};
    names.forEach(function (n) { var v = form.elements[n].value.trim(); if (v) f[n] = v; });
    return f;
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
    li.appendChild(el("p", j.pl + " · " + j.hl + " · " + j.sl + " shifts"));
    return li;
  }

  function show(f) {
    var query = new URLSearchParams(f).toString();
    history.replaceState(null, "", "/jobs/" + (query ? "?" + query : ""));
    if (!query) { results.innerHTML = original; status.textContent = ""; return; }
    load().then(function (jobs) {
      var found = jobs.filter(function (j) { return matches(j, f); });
      var list = el("ul", "", "cards");
      found.slice(0, 200).forEach(function (j) { list.appendChild(card(j)); });
      results.textContent = "";
      results.appendChild(found.length ? list : el("p", "No jobs match these filters. Try removing one."));
      status.textContent = found.length === 1 ? "1 job matches." : found.length + " jobs match" +
        (found.length > 200 ? "; showing the newest 200." : ".");
    }, function () { status.textContent = "The filters could not load. The list below is every job."; });
  }

  var params = new URLSearchParams(location.search);
  names.forEach(function (n) { if (params.get(n)) form.elements[n].value = params.get(n); });
  var timer = null;
  form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(function () { show(current()); }, 150); });
  form.addEventListener("change", function () { show(current()); });
  form.addEventListener("submit", function (e) { e.preventDefault(); show(current()); });
  document.getElementById("f-clear").addEventListener("click", function (e) {
    e.preventDefault(); form.reset(); show({});
  });
  if (params.toString()) show(current());
})();
