/* The work list: one box ticks (or unticks) every recipient on the page; hidden without script. */
(function () {
  "use strict";
  var all = document.getElementById("w-all");
  var form = document.getElementById("worklist-form");
  if (!all || !form) { return; }
  var boxes = form.querySelectorAll("input[name=recipient]");
  all.hidden = false;
  all.addEventListener("change", function () {
    boxes.forEach(function (b) { b.checked = all.checked; });
  });
  boxes.forEach(function (b) {
    b.addEventListener("change", function () {
      var ticked = form.querySelectorAll("input[name=recipient]:checked").length;
      all.checked = ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
    });
  });
})();
