// CRIS page behaviour, kept out of the markup (the Content-Security-Policy allows no inline script):
// print buttons, and the lobby display following its office's live events.
(function () {
  "use strict";
  document.addEventListener("click", function (e) {
    var t = e.target.closest ? e.target.closest("[data-print]") : null;
    if (t) { e.preventDefault(); window.print(); }
  });

  function followLobby(main) {
    var body = document.querySelector("#display-called tbody");
    var waiting = document.querySelector("[data-waiting]");
    var announce = document.getElementById("display-announce");
    var source = new EventSource(main.getAttribute("data-lobby-events"));
    source.addEventListener("lobby", function (m) {
      var e = JSON.parse(m.data);
      waiting.textContent = String(e.waiting);
      var row = body.querySelector('tr[data-ticket="' + e.ticket + '"]');
      if (e.kind === "called" || e.kind === "recalled") {
        if (!row) {
          row = document.createElement("tr");
          row.setAttribute("data-ticket", e.ticket);
          row.appendChild(document.createElement("td"));
          row.appendChild(document.createElement("td"));
        }
        row.cells[0].textContent = e.ticket;
        row.cells[1].textContent = e.counter || "";
        body.insertBefore(row, body.firstChild);
        announce.textContent = e.ticket + " \u2192 " + (e.counter || "");
      } else if (row && (e.kind === "done" || e.kind === "no_show" || e.kind === "transferred")) {
        row.remove();
      }
    });
  }
  var lobby = document.querySelector("[data-lobby-events]");
  if (lobby && window.EventSource) { followLobby(lobby); }
})();
