// A table wider than a phone scrolls inside its card (app.css); keyboard users scroll it with
// the arrow keys once it can take the focus, so every such region gets tabindex=0.
(function () {
  "use strict";
  function mark() {
    document.querySelectorAll("main table, main .report-wrap").forEach(function (el) {
      var scrolls = el.scrollWidth > el.clientWidth + 1;
      if (scrolls && !el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
        el.dataset.scrollRegion = "1";
      } else if (!scrolls && el.dataset.scrollRegion) {
        el.removeAttribute("tabindex");
        delete el.dataset.scrollRegion;
      }
    });
  }
  window.addEventListener("resize", mark);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mark);
  } else {
    mark();
  }
})();
