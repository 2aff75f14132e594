// The queue refreshes itself (issue 18): every 30 s the body is fetched from its fragment URL
// and swapped in, with the lane counts in the tab's title. It waits while a case is ticked or
// the action bar is being filled in (nothing typed is lost), and while the tab is hidden.
(function () {
  var body = document.getElementById("queue-body");
  if (!body) return;
  var url = body.dataset.refreshUrl;
  var EVERY = 30000;

  function busy() {
    if (document.hidden) return true;
    if (body.querySelector('input[name="case"]:checked')) return true;
    var bar = body.querySelector("#bulk-bar");
    if (bar && bar.contains(document.activeElement)) return true;
    return Array.prototype.some.call(
      body.querySelectorAll("#bulk-bar select, #bulk-bar input"),
      function (el) { return el.value !== ""; }
    );
  }

  function retitle() {
    var title = body.querySelector("#queue-title");
    if (title) document.title = title.dataset.title;
  }

  function refresh() {
    if (busy()) return;
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        if (busy()) return; // ticked while the fetch was on its way
        body.innerHTML = html;
        retitle();
        document.dispatchEvent(new Event("casedesk:queue-refreshed"));
      })
      .catch(function () { /* signed out or offline: the next round tries again */ });
  }

  // "Tick every case on this page" (the checkbox in the table's head).
  body.addEventListener("change", function (e) {
    if (e.target.id !== "bulk-all") return;
    body.querySelectorAll('input[name="case"]').forEach(function (box) {
      box.checked = e.target.checked;
    });
  });

  setInterval(refresh, EVERY);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) refresh(); // back on the tab: catch up at once
  });
})();
