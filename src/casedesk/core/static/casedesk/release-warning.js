// Issue 17: on choosing a release the terms exclude, show its warning before the form is sent.
// The texts come from the server (#release-warning-texts); without script the list next to
// the choice says the same.
(function () {
  var select = document.getElementById("id_release");
  var box = document.getElementById("release-warning");
  if (!select || !box) return;
  var texts = {};
  document.querySelectorAll("#release-warning-texts li[data-release]").forEach(function (li) {
    texts[li.dataset.release] = li.textContent;
  });
  function show() {
    var text = texts[select.value];
    box.textContent = text || "";
    box.hidden = !text;
  }
  select.addEventListener("change", show);
  show();
})();
