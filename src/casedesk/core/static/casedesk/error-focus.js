// After a refused submit: bring the first refused field into view and put the caret in it,
// so keyboard and screen-reader users land where the fix is. The server-rendered summary
// (autofocus) is the fallback without this script.
(function () {
  "use strict";
  function firstRefused() {
    return document.querySelector(
      ".has-error input:not([type=hidden]), .has-error select, .has-error textarea, " +
      "[aria-invalid=true]"
    ) || document.querySelector(".error-summary");
  }
  function focusFirstError() {
    var target = firstRefused();
    if (!target) return;
    target.scrollIntoView({ block: "center" });
    target.focus({ preventScroll: true });
  }
  // Links in the summary move the caret too, not only the scroll position.
  document.addEventListener("click", function (event) {
    var link = event.target.closest(".error-summary a[href^='#']");
    if (!link) return;
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    field.scrollIntoView({ block: "center" });
    field.focus({ preventScroll: true });
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusFirstError);
  } else {
    focusFirstError();
  }
})();
