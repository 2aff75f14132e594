// Issue 17: "Print or save as PDF" on the yearly statement opens the browser's print dialog
// (its printer list offers "Save as PDF"). Without script the button stays hidden and the
// page says how to print it.
(function () {
  var button = document.getElementById("print-statement");
  if (!button) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    window.print();
  });
})();
