// CRIS page behaviour, kept out of the markup (the Content-Security-Policy allows no inline script):
// print buttons, the lobby display following its office's live events, and the supervisor's dashboard.
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

  // The supervisor's dashboard: its live part is fetched again on each lobby event (at most
  // one fetch at a time) and every 30 seconds, since waits grow with no event at all.
  function followDashboard(live) {
    var busy = false, again = false;
    function refresh() {
      if (busy) { again = true; return; }
      busy = true;
      fetch(window.location.href, { credentials: "same-origin" }).then(function (r) {
        return r.ok ? r.text() : null;
      }).then(function (html) {
        if (html) {
          var next = new DOMParser().parseFromString(html, "text/html").getElementById("dashboard-live");
          var now = document.getElementById("dashboard-live");
          if (next && now) { now.innerHTML = next.innerHTML; }
        }
      }).catch(function () {}).then(function () {
        busy = false;
        if (again) { again = false; refresh(); }
      });
    }
    if (window.EventSource) {
      new EventSource(live.getAttribute("data-dashboard-events")).addEventListener("lobby", refresh);
    }
    window.setInterval(refresh, 30000);
  }
  var dash = document.querySelector("[data-dashboard-events]");
  if (dash && window.fetch) { followDashboard(dash); }

  // Kiosk mode: after the idle time without a touch, warn; 20 seconds later go back to the
  // welcome screen, replacing this page so that nothing a customer typed stays on screen.
  var idle = document.body.getAttribute("data-kiosk-idle");
  if (idle && window.location.pathname !== "/kiosk") {
    var limit = parseInt(idle, 10) * 1000, dialog = document.getElementById("kiosk-idle"), timer = 0, last = 0;
    var arm = function () {
      window.clearTimeout(timer);
      if (dialog) { dialog.hidden = true; }
      timer = window.setTimeout(warn, limit);
    };
    var warn = function () {
      if (dialog) { dialog.hidden = false; document.getElementById("kiosk-continue").focus(); }
      timer = window.setTimeout(function () { window.location.replace("/kiosk"); }, Math.min(20000, limit));
    };
    ["pointerdown", "keydown", "input", "touchstart"].forEach(function (name) {
      document.addEventListener(name, function () {
        var now = Date.now();
        if (now - last > 250) { last = now; arm(); }
      }, { passive: true });
    });
    arm();
  }
})();
