// The console's case page (issue 18): who else is on the case, refreshed every 15 s, and the
// canned replies inserted into the reply box. No inline script: the CSP forbids it.
(function () {
  "use strict";
  var form = document.getElementById("respond");
  var box = document.getElementById("presence");
  if (!form || !box) { return; }
  var token = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var body = form.querySelector("textarea[name=body]");
  var typedAt = 0;
  var soon = null;

  function show(others) {
    box.replaceChildren();
    others.forEach(function (text) {
      var badge = document.createElement("span");
      badge.className = "badge warn";
      badge.textContent = text;
      box.append(badge, " ");
    });
  }

  function report() {
    // Writing: text in the box, typed in the last minute.
    var writing = body.value.trim() !== "" && Date.now() - typedAt < 60000;
    var data = new FormData();
    data.append("writing", writing ? "1" : "0");
    fetch(box.dataset.url, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-CSRFToken": token }
    }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) { if (d) { show(d.others); } })
      .catch(function () { /* offline for a moment: the next round tries again */ });
  }

  body.addEventListener("input", function () {
    var first = Date.now() - typedAt > 60000;
    typedAt = Date.now();
    if (first && !soon) { soon = setTimeout(function () { soon = null; report(); }, 500); }
  });
  setInterval(report, 15000);

  var pick = document.getElementById("respond-macro");
  var used = document.getElementById("respond-macro-used");
  if (!pick) { return; }
  var use = document.getElementById("respond-use");
  if (use) { use.hidden = true; }  // the script inserts on choice; "Use" is for no script
  var note = document.createElement("span");
  note.className = "bad small";
  note.setAttribute("role", "alert");
  pick.after(note);
  pick.addEventListener("change", function () {
    if (!pick.value) { return; }
    fetch(pick.dataset.url + "?macro=" + encodeURIComponent(pick.value), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (d) {
        note.textContent = d.error || "";
        if (d.error) { return; }
        var at = body.selectionStart || body.value.length;
        var before = body.value.slice(0, at), after = body.value.slice(at);
        var gap = before && !/\n$/.test(before) ? "\n\n" : "";
        body.value = before + gap + d.text + after;
        used.value = d.id;
        typedAt = Date.now();
        body.focus();
        pick.value = "";
      });
  });
}());
