/* The guided report: one question per screen, the sent mail read into the form, the draft kept in this
   browser. Progressive enhancement: without this script the page is one long form that works the same.
   No innerHTML anywhere: everything from the server or the mail is set as text. */
(function () {
  "use strict";

  function storageKey(user) { return "incidents.report.draft." + user; }
  function store() { try { return window.localStorage; } catch (e) { return null; } }

  // The "what to do now" page: the report is in, the kept draft is no longer needed.
  var done = document.querySelector("[data-clear-draft]");
  if (done) {
    var s0 = store();
    if (s0) { s0.removeItem(storageKey(done.getAttribute("data-clear-draft"))); }
    return;
  }

  var form = document.getElementById("report-form");
  if (!form) { return; }
  var t = document.getElementById("i18n").dataset;
  var KEY = storageKey(form.dataset.user);
  var steps = Array.prototype.slice.call(form.querySelectorAll("section.step"));
  var progress = document.getElementById("progress");
  var marks = progress ? Array.prototype.slice.call(progress.querySelectorAll("li")) : [];
  var nav = document.getElementById("step-nav");
  var back = document.getElementById("step-back");
  var next = document.getElementById("step-next");
  var count = document.getElementById("step-count");
  var current = 0;

  form.noValidate = true; // each screen is checked by the script before moving on
  form.classList.add("js");
  nav.hidden = false;
  if (progress) { progress.hidden = false; }
  document.getElementById("drop-hint").hidden = false;

  function field(name) { return form.elements.namedItem(name); }

  // ---- screens ---------------------------------------------------------------------------------
  function show(index, focus) {
    current = Math.max(0, Math.min(index, steps.length - 1));
    steps.forEach(function (s, i) { s.hidden = i !== current; });
    marks.forEach(function (m, i) {
      m.classList.toggle("done", i < current);
      if (i === current) { m.setAttribute("aria-current", "step"); } else { m.removeAttribute("aria-current"); }
    });
    back.hidden = current === 0;
    next.hidden = current === steps.length - 1;
    count.textContent = t.stepOf.replace("{n}", current + 1).replace("{total}", steps.length);
    if (steps[current].dataset.step === "check") { review(); }
    if (focus) {
      var h = steps[current].querySelector("h2");
      if (h) { h.focus(); }
    }
  }

  function valid(index) {
    // the send time is needed unless the mail was read (its Date header gives it)
    var sent = field("sent_at");
    sent.setCustomValidity(!sent.value && !field("prefilled").value ? t.answer : "");
    var els = steps[index].querySelectorAll("input, textarea, select");
    for (var i = 0; i < els.length; i++) {
      if (!els[i].checkValidity()) { els[i].reportValidity(); return false; }
    }
    return true;
  }

  next.addEventListener("click", function () { if (valid(current)) { show(current + 1, true); save(); } });
  back.addEventListener("click", function () { show(current - 1, true); save(); });

  form.addEventListener("keydown", function (e) {
    var el = e.target;
    if (e.key !== "Enter" || current === steps.length - 1) { return; }
    if (el.tagName === "INPUT" && ["checkbox", "radio", "file", "submit", "button"].indexOf(el.type) === -1) {
      e.preventDefault();
      next.click();
    }
  });

  form.addEventListener("submit", function (e) {
    for (var i = 0; i < steps.length; i++) {
      if (!valid(i)) { e.preventDefault(); show(i, false); valid(i); return; }
    }
    save();
  });

  function labelOf(el) {
    if (el.labels && el.labels.length) { return el.labels[0].textContent.trim(); }
    return el.name;
  }

  function review() {
    var dl = document.getElementById("review");
    while (dl.firstChild) { dl.removeChild(dl.firstChild); }
    function row(term, value) {
      var dt = document.createElement("dt"); dt.textContent = term;
      var dd = document.createElement("dd"); dd.textContent = value || t.none;
      dd.className = "pre"; dl.appendChild(dt); dl.appendChild(dd);
    }
    steps.forEach(function (s) {
      var seen = {};
      s.querySelectorAll("input, textarea, select").forEach(function (el) {
        if (el.type === "hidden" || el.type === "file" || seen[el.name]) { return; }
        if (el.type === "radio" || (el.type === "checkbox" && el.name === "data_items")) {
          seen[el.name] = true;
          var legend = el.closest("fieldset").querySelector("legend").textContent.trim();
          var picked = Array.prototype.slice.call(form.querySelectorAll("input[name='" + el.name + "']:checked"))
            .map(function (x) { return x.parentNode.textContent.trim(); });
          row(legend, picked.join("、"));
        } else if (el.type === "checkbox") {
          if (el.checked) { row(el.parentNode.textContent.trim(), "✓"); }
        } else if (el.tagName === "SELECT") {
          row(labelOf(el), el.options[el.selectedIndex] ? el.options[el.selectedIndex].textContent : "");
        } else {
          row(labelOf(el), el.value.trim());
        }
      });
    });
    dl.hidden = false;
  }

  // ---- the draft, kept in this browser ---------------------------------------------------------
  function save() {
    var s = store();
    if (!s) { return; }
    var data = { v: 1, at: Date.now(), step: current, fields: {} };
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrf_token" || el.name === "report_token" || el.type === "file" || el.type === "button" || el.type === "submit") { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) { (data.fields[el.name] = data.fields[el.name] || []).push(el.value); }
      } else {
        data.fields[el.name] = el.value;
      }
    });
    try { s.setItem(KEY, JSON.stringify(data)); } catch (e) { /* full or refused: the form still works */ }
  }

  function restore() {
    var s = store();
    var raw = s && s.getItem(KEY);
    if (!raw) { return null; }
    var data;
    try { data = JSON.parse(raw); } catch (e) { return null; }
    if (!data || data.v !== 1 || !data.fields) { return null; }
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrf_token" || el.name === "report_token" || el.type === "file") { return; }
      var v = data.fields[el.name];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = Array.isArray(v) && v.indexOf(el.value) !== -1;
      } else if (typeof v === "string") {
        el.value = v;
      }
    });
    showAttachments();
    return data;
  }

  form.addEventListener("input", save);
  form.addEventListener("change", save);
  document.getElementById("draft-discard").addEventListener("click", function () {
    var s = store();
    if (s) { s.removeItem(KEY); }
    form.reset();
    field("prefilled").value = "";
    field("attachments_json").value = "";
    showAttachments();
    document.getElementById("draft-note").hidden = true;
    show(0, true);
  });

  // ---- the sent mail, read by the intake service -----------------------------------------------
  var zone = document.getElementById("dropzone");
  var input = document.getElementById("mail");
  var status = document.getElementById("mail-status");
  var list = document.getElementById("findings");

  function say(text, bad) { status.textContent = text; status.classList.toggle("bad", !!bad); }

  function showAttachments() {
    var view = document.getElementById("attachments-view");
    var ul = document.getElementById("attachments-list");
    while (ul.firstChild) { ul.removeChild(ul.firstChild); }
    var items = [];
    try { items = JSON.parse(field("attachments_json").value || "[]"); } catch (e) { items = []; }
    items.forEach(function (a) {
      var li = document.createElement("li");
      li.textContent = a.filename + (a.size_bytes != null ? " (" + Number(a.size_bytes).toLocaleString() + " bytes)" : "");
      ul.appendChild(li);
    });
    view.hidden = items.length === 0;
  }

  function line(r) {
    var parts = [r.address];
    var name = r.name || "", org = r.organization || "";
    if (name.indexOf(",") === -1 && org.indexOf(",") === -1 && (name || org)) {
      parts.push(name);
      if (org) { parts.push(org); }
    }
    return parts.join(", ");
  }

  function check(name, value) {
    form.querySelectorAll("input[name='" + name + "']").forEach(function (el) {
      if (el.value === value) { el.checked = true; }
    });
  }

  function fill(draft) {
    var inc = draft.incident || {};
    var msg = inc.message || {};
    if (msg.subject) { field("subject").value = msg.subject; }
    if (msg.summary) { field("summary").value = msg.summary; }
    if (msg.sender) { field("sender").value = msg.sender; }
    if (!field("title").value && inc.title) { field("title").value = inc.title; }
    if (inc.sent_at) { field("sent_at").value = String(inc.sent_at).slice(0, 16); }

    // the recipients, with intake's proposals for who was meant (same rule as its apply_suggestions)
    var recips = (inc.recipients || []).map(function (r) { return Object.assign({}, r); });
    var seen = {};
    recips.forEach(function (r) { seen[r.address.toLowerCase()] = true; });
    (draft.findings || []).forEach(function (f) {
      if (f.type !== "wrong_recipient" && f.type !== "lookalike_domain") { return; }
      var flagged = (f.addresses || []).map(function (a) { return a.toLowerCase(); });
      recips.forEach(function (r) { if (flagged.indexOf(r.address.toLowerCase()) !== -1) { r.kind = "unintended"; } });
      var candidates = [];
      if (f.intended_address) { candidates = [f.intended_address]; }
      else if (f.intended_domain) {
        candidates = (f.addresses || []).slice(0, 20).map(function (a) { return a.split("@")[0] + "@" + f.intended_domain; });
      }
      candidates.forEach(function (c) {
        if (!seen[c.toLowerCase()]) { seen[c.toLowerCase()] = true; recips.push({ address: c, kind: "intended" }); }
      });
    });
    var note = document.getElementById("rcpt-note");
    if (recips.length > 2000) {
      field("unintended").value = "";
      field("intended").value = "";
      note.textContent = t.many.replace("{n}", recips.length.toLocaleString());
      note.hidden = false;
    } else {
      field("unintended").value = recips.filter(function (r) { return r.kind !== "intended"; }).map(line).join("\n");
      field("intended").value = recips.filter(function (r) { return r.kind === "intended"; }).map(line).join("\n");
      note.hidden = true;
    }

    if (draft.suggested_mistake_type) { check("mistake_type", draft.suggested_mistake_type); }
    (draft.suggested_data_items || []).forEach(function (d) { check("data_items", d); });
    var people = field("affected_persons");
    if (draft.suggested_affected_persons && (!people.value || people.value === "0")) {
      people.value = draft.suggested_affected_persons;
    }
    if (draft.suggested_protection && field("protection").value === "none") {
      field("protection").value = draft.suggested_protection;
    }
    field("attachments_json").value = JSON.stringify(msg.attachments || []);
    field("prefilled").value = "1";
    showAttachments();

    while (list.firstChild) { list.removeChild(list.firstChild); }
    var lang = t.lang === "en" ? "en" : "ja";
    (draft.findings || []).concat(draft.warnings || []).forEach(function (f) {
      var text = f["evidence_" + lang] || f["message_" + lang];
      if (!text) { return; }
      var li = document.createElement("li");
      li.textContent = text;
      list.appendChild(li);
    });
    list.hidden = !list.firstChild;
    say(t.read, false);
    save();
  }

  function read(file) {
    if (!file) { return; }
    if (!/\.(eml|msg)$/i.test(file.name)) { say(t.wrongFile, true); return; }
    say(t.reading, false);
    var body = new FormData();
    body.append("file", file, file.name);
    fetch(form.dataset.intake, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRF-Token": field("csrf_token").value, "Accept": "application/json" }
    }).then(function (r) {
      return r.json().then(function (j) { if (!r.ok) { throw j; } return j; });
    }).then(fill).catch(function (err) {
      var detail = err && err.detail ? " (" + err.detail + ")" : "";
      say(t.readFailed + detail, true);
    });
  }

  input.addEventListener("change", function () { read(input.files[0]); });
  ["dragenter", "dragover"].forEach(function (type) {
    zone.addEventListener(type, function (e) { e.preventDefault(); zone.classList.add("over"); });
  });
  zone.addEventListener("dragleave", function () { zone.classList.remove("over"); });
  zone.addEventListener("drop", function (e) {
    e.preventDefault();
    zone.classList.remove("over");
    var files = e.dataTransfer && e.dataTransfer.files;
    if (!files || !files.length) { return; }
    try { input.files = files; } catch (err) { /* older browsers: the preview still fills the form */ }
    read(files[0]);
  });

  // The error summary's links lead to a question that may be on another screen: show it first.
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.addEventListener("click", function (e) {
      var a = e.target.closest("a[href^='#']");
      var target = a && document.getElementById(a.getAttribute("href").slice(1));
      if (!target) { return; }
      e.preventDefault();
      steps.forEach(function (s, i) { if (s.contains(target)) { show(i, false); } });
      var focusable = target.matches("fieldset") ? target.querySelector("input") : target;
      if (focusable) { focusable.focus(); }
    });
  }

  // ---- start -----------------------------------------------------------------------------------
  var start = 0;
  var firstError = form.dataset.firstError;
  if (firstError) {
    steps.forEach(function (s, i) { if (s.dataset.step === firstError && !start) { start = i; } });
  } else {
    var kept = restore();
    if (kept) {
      document.getElementById("draft-note").hidden = false;
      start = kept.step || 0;
    }
  }
  showAttachments();
  show(start, !!firstError);
})();
