/* On every page: logging out also forgets the unfinished report kept in this browser (shared computers). */
(function () {
  "use strict";
  document.querySelectorAll("form[action='/logout']").forEach(function (form) {
    form.addEventListener("submit", function () {
      try {
        var store = window.localStorage;
        for (var i = store.length - 1; i >= 0; i--) {
          var key = store.key(i);
          if (key && key.indexOf("incidents.report.draft.") === 0) { store.removeItem(key); }
        }
      } catch (e) { /* storage refused: nothing was kept */ }
    });
  });
})();
