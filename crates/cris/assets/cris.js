// CRIS page behaviour, kept out of the markup (the Content-Security-Policy allows no inline script):
// print buttons, the lobby display following its office's live events, the supervisor's dashboard and
// the officer's console following them too, the console's timers and keyboard shortcuts, kiosk mode.
(function () {
  "use strict";
  // Once a page, should both a layout and a page include this script.
  if (window.crisLoaded) { return; }
  window.crisLoaded = true;
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

  // Staff pages that follow their office's lobby (the supervisor's dashboard, the officer's
  // console): their live part is fetched again on each lobby event (at most one fetch at a
  // time) and every 30 seconds, since waits grow with no event at all. What a person is typing
  // in that part, and where the focus is, survive the refresh. Without this script the pages
  // show their figures as of a time and a link to refresh them.
  function followLobbyPage(root, regionId) {
    var busy = false, again = false;
    var announce = document.getElementById("live-announce");
    function openAlerts(el) {
      var found = {};
      if (el) {
        Array.prototype.forEach.call(el.querySelectorAll('[data-alert][data-open="true"]'), function (li) {
          found[li.getAttribute("data-alert")] = li.textContent.trim();
        });
      }
      return found;
    }
    function refresh(fromEvent) {
      if (busy) { again = true; return; }
      busy = true;
      fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } }).then(function (r) {
        return r.ok ? r.text() : null;
      }).then(function (html) {
        var now = document.getElementById(regionId);
        if (!html || !now) { return; }
        var next = new DOMParser().parseFromString(html, "text/html").getElementById(regionId);
        if (!next) { return; }
        // Keep what is typed and the focus.
        var typed = {};
        Array.prototype.forEach.call(now.querySelectorAll("input[id], textarea[id], select[id]"), function (f) {
          if (f.type !== "hidden") { typed[f.id] = f.value; }
        });
        var focused = document.activeElement && now.contains(document.activeElement) ? document.activeElement.id : "";
        var before = openAlerts(now);
        now.innerHTML = next.innerHTML;
        Object.keys(typed).forEach(function (id) {
          var f = document.getElementById(id);
          if (f && typed[id] !== "") { f.value = typed[id]; }
        });
        if (focused && document.getElementById(focused)) { document.getElementById(focused).focus(); }
        markLive(now);
        // Tell screen readers what matters: a new alert on the dashboard, the count waiting on
        // the console.
        if (announce && fromEvent) {
          var after = openAlerts(now), news = [];
          Object.keys(after).forEach(function (k) { if (!before[k]) { news.push(after[k]); } });
          var waiting = now.querySelector("#waiting");
          announce.textContent = news.length ? news.join(" ") : (waiting ? waiting.textContent.trim() : "");
        }
        ticking();
      }).catch(function () {}).then(function () {
        busy = false;
        if (again) { again = false; refresh(true); }
      });
    }
    var connected = false;
    function markLive(scope) {
      if (!connected) { return; }
      Array.prototype.forEach.call(scope.querySelectorAll("[data-live-text]"), function (el) {
        el.textContent = el.getAttribute("data-live-text");
      });
    }
    if (window.EventSource) {
      var source = new EventSource(root.getAttribute("data-lobby-page-events"));
      source.addEventListener("open", function () {
        connected = true;
        markLive(document);
        document.documentElement.setAttribute("data-lobby-live", "true");
      });
      source.addEventListener("lobby", function () { refresh(true); });
    }
    window.setInterval(function () { refresh(false); }, 30000);
  }

  // Timers that count the minutes since a moment the server gave ([data-since]), from the
  // server's clock ([data-now] on the page) rather than the desk's.
  var skew = 0;
  var clockRoot = document.querySelector("[data-now]");
  if (clockRoot) {
    var serverNow = Date.parse(clockRoot.getAttribute("data-now"));
    if (!isNaN(serverNow)) { skew = Date.now() - serverNow; }
  }
  function ticking() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-since]"), function (el) {
      var since = Date.parse(el.getAttribute("data-since"));
      if (!isNaN(since)) { el.textContent = String(Math.max(0, Math.floor((Date.now() - skew - since) / 60000))); }
    });
  }
  if (document.querySelector("[data-since]")) { window.setInterval(ticking, 15000); }

  var dash = document.querySelector("[data-dashboard-events]");
  if (dash && window.fetch) {
    dash.setAttribute("data-lobby-page-events", dash.getAttribute("data-dashboard-events"));
    followLobbyPage(dash, "dashboard-live");
  }
  var consolePage = document.querySelector("[data-console-events]");
  if (consolePage && window.fetch) {
    consolePage.setAttribute("data-lobby-page-events", consolePage.getAttribute("data-console-events"));
    followLobbyPage(consolePage, "console-live");
  }

  // Keyboard shortcuts the page announces (aria-keyshortcuts, and its list of keys): Alt+Shift
  // and a letter, which types nothing, so they never take a character from a field (WCAG 2.1.4).
  // A button is pressed; a list gets the focus.
  document.addEventListener("keydown", function (e) {
    if (!e.altKey || !e.shiftKey || e.ctrlKey || e.metaKey || !e.code) { return; }
    var target = document.querySelector('[data-shortcut="' + e.code + '"]');
    if (!target) { return; }
    e.preventDefault();
    if (target.tagName === "SELECT" || target.tagName === "INPUT") { target.focus(); } else { target.click(); }
  });

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
