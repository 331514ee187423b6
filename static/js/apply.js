// Live hints on the apply form: which chosen remote jobs take your state, how far on-site jobs are, and whether
// your hours reach the benefits threshold. Only hints: the server checks everything again, and the form works
// without this script.
(function () {
  "use strict";
  // Status page: pick the résumé's file type from the chosen file, so nobody has to say it twice.
  var resumeFile = document.getElementById("resume-file");
  if (resumeFile && resumeFile.name) {
    resumeFile.addEventListener("change", function () {
      var name = resumeFile.files.length ? resumeFile.files[0].name.toLowerCase() : "";
      var radio = document.querySelector("input[name='Content-Type'][value='" +
        (/\.docx$/.test(name) ? "application/vnd.openxmlformats-officedocument.wordprocessingml.document" : "application/pdf") + "']");
      if (radio) { radio.checked = true; }
    });
  }
  var form = document.querySelector("form.apply-form");
  var dataTag = document.getElementById("posting-data");
  if (!form || !dataTag) { return; }
  var postings = JSON.parse(dataTag.textContent);
  var zipInput = form.querySelector("#zip");
  var zipNote = document.getElementById("zip-check");
  var hoursMax = form.querySelector("#hours_max");
  var benefitsNote = document.getElementById("benefits-note");
  var csrf = form.querySelector("input[name=csrf_token]");
  var place = null;

  function chosen() {
    var ids = [form.getAttribute("data-first")];
    form.querySelectorAll("select[id^=choice_]").forEach(function (select) {
      if (select.value && ids.indexOf(select.value) < 0) { ids.push(select.value); }
    });
    return ids.map(function (id) { return postings[id]; }).filter(Boolean);
  }

  function miles(a, b) {
    var rad = Math.PI / 180, dLat = (b.lat - a.lat) * rad, dLon = (b.lon - a.lon) * rad;
    var h = Math.pow(Math.sin(dLat / 2), 2) + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.pow(Math.sin(dLon / 2), 2);
    return Math.round(2 * 3958.8 * Math.asin(Math.sqrt(h)));
  }

  function showPlace() {
    if (!place) { zipNote.textContent = ""; return; }
    var problems = [], notes = [];
    chosen().forEach(function (p) {
      if (p.workplace === "remote" && p.remote_states.length && p.remote_states.indexOf(place.state) < 0) {
        problems.push(p.title + " is open only to people living in " + p.remote_states.join(", ") +
                      "; your ZIP code is in " + place.state_name + ".");
      } else if (p.workplace === "remote") {
        notes.push(p.title + " is open to people living in " + place.state_name + ".");
      } else if (p.lat !== null) {
        notes.push(p.title + ": about " + miles(place, p).toLocaleString("en-US") + " miles from " + place.city + ".");
      }
    });
    zipNote.textContent = [place.city + ", " + place.state_name + "."].concat(problems, notes).join(" ");
    zipNote.classList.toggle("warning", problems.length > 0);
  }

  function lookUp() {
    var zip = (zipInput.value || "").trim().slice(0, 5);
    if (!/^\d{5}$/.test(zip)) { place = null; showPlace(); return; }
    fetch("/apply/place", {
      method: "POST",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf ? csrf.value : ""},
      body: JSON.stringify({zip: zip})
    }).then(function (resp) { return resp.ok ? resp.json() : null; })
      .then(function (found) { place = found; if (!found) { zipNote.textContent = "We do not know that ZIP code. Check it."; } else { showPlace(); } })
      .catch(function () { place = null; });
  }

  function showBenefits() {
    var most = parseInt(hoursMax.value, 10);
    var thresholds = chosen().map(function (p) { return p.benefits_hours; });
    var threshold = Math.min.apply(null, thresholds);
    if (isNaN(most)) {
      benefitsNote.textContent = threshold + "+ hours a week qualifies for benefits.";
      benefitsNote.classList.remove("warning");
    } else if (most < threshold) {
      benefitsNote.textContent = threshold + "+ hours a week qualifies for benefits. With at most " + most +
        " hours you would not qualify. You can still apply.";
      benefitsNote.classList.add("warning");
    } else {
      benefitsNote.textContent = threshold + "+ hours a week qualifies for benefits. Your hours qualify.";
      benefitsNote.classList.remove("warning");
    }
  }

  // Each step has some of these; each check runs where its fields are.
  if (zipInput && zipNote) {
    zipInput.addEventListener("change", lookUp);
    zipInput.addEventListener("input", function () { if (/^\d{5}$/.test(zipInput.value.trim())) { lookUp(); } });
  }
  if (hoursMax && benefitsNote) { hoursMax.addEventListener("input", showBenefits); }
  form.querySelectorAll("select[id^=choice_]").forEach(function (select) {
    select.addEventListener("change", function () { showPlace(); showBenefits(); });
  });
  // The résumé goes from the browser straight to S3 with a presigned POST, then the server checks its first
  // bytes; the form then carries only the signed reference it gets back. Sending waits for an upload under way.
  var picker = document.getElementById("resume-picker");
  var resumeInput = document.getElementById("resume-file");
  var resumeNote = document.getElementById("resume-note");
  var resumeField = form.querySelector("input[name=resume_upload]");
  var uploading = false;

  function postJson(url, body) {
    return fetch(url, {
      method: "POST",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf ? csrf.value : ""},
      body: JSON.stringify(body)
    }).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (data) {
        if (!resp.ok) { throw new Error(data.error || ""); }
        return data;
      });
    });
  }

  function uploadResume() {
    var file = resumeInput.files[0];
    resumeField.value = "";
    if (!file) { resumeNote.textContent = ""; return; }
    if (file.size > 5 * 1024 * 1024) {
      resumeNote.textContent = "That file is larger than 5 MB. Choose a smaller file.";
      return;
    }
    uploading = true;
    resumeNote.textContent = "Uploading your résumé…";
    var type = /\.docx$/i.test(file.name) ? "application/vnd.openxmlformats-officedocument.wordprocessingml.document" : "application/pdf";
    postJson("/apply/resume", {}).then(function (target) {
      var body = new FormData();
      Object.keys(target.fields).forEach(function (name) { body.append(name, target.fields[name]); });
      body.append("Content-Type", type);
      body.append("file", file);  // S3 reads fields up to the file, so it goes last
      return fetch(target.url, {method: "POST", body: body}).then(function (resp) {
        if (!resp.ok) { throw new Error(""); }
        return postJson("/apply/resume/check", {upload: target.upload});
      });
    }).then(function (checked) {
      resumeField.value = checked.upload;
      resumeNote.textContent = "Your " + checked.label + " résumé is attached. Choose another file to replace it.";
    }).catch(function (err) {
      resumeNote.textContent = err.message || "We could not upload that file. Check your connection and choose it again.";
    }).then(function () { uploading = false; });
  }

  if (picker) {
    picker.hidden = false;
    document.getElementById("resume-later").hidden = true;
    resumeInput.addEventListener("change", uploadResume);
    form.addEventListener("submit", function (event) {
      if (uploading) {
        event.preventDefault();
        resumeNote.textContent = "Your résumé is still uploading. Send the form again in a moment.";
      }
    });
  }

  if (zipInput && zipNote && zipInput.value) { lookUp(); }
  if (hoursMax && benefitsNote && hoursMax.value) { showBenefits(); }
})();
