// CRIS page behaviour, kept out of the markup (the Content-Security-Policy allows no inline script):
// print buttons.
(function () {
  "use strict";
  document.addEventListener("click", function (e) {
    var t = e.target.closest ? e.target.closest("[data-print]") : null;
    if (t) { e.preventDefault(); window.print(); }
  });
})();
