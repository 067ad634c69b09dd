/*
 * «Tabell»'s grids load on first use, not with the page (dashboard/web/grid.py).
 *
 * Dash no longer lists dash-ag-grid's script (~320 KB compressed) in the page's script tags. When
 * the view switch first shows «Tabell», this loads it (same origin, so the CSP holds) from where
 * the table panel's `data-grid-script` says, under the same _dash-component-suites/ path as
 * Dash's own scripts; then the clientside callback returns true and the server sends the grids.
 * Where the script is already in the page (window.dash_ag_grid), nothing is loaded. If it cannot
 * be loaded, the holder says so in Norwegian and the next opening of «Tabell» tries again.
 */
(function () {
  "use strict";
  var TABLE_VIEW = "tabell";
  var FAILED = "Tabellen kunne ikke lastes. Velg «Tabell» på nytt for å prøve igjen, eller last ned tabellen som CSV.";
  var SUITES = "/_dash-component-suites/";
  var loading = null;

  function suitesBase() {
    // The index's own component scripts name the path prefix the app is served under.
    var script = document.querySelector('script[src*="' + SUITES + '"]');
    return script ? script.src.split(SUITES)[0] + SUITES : SUITES;
  }

  function loadGridScript() {
    if (window.dash_ag_grid) {
      return Promise.resolve();
    }
    if (loading) {
      return loading;
    }
    var panel = document.getElementById("table-panel");
    var path = panel && panel.getAttribute("data-grid-script");
    loading = new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = suitesBase() + path;
      script.onload = function () { resolve(); };
      script.onerror = function () {
        loading = null;
        script.remove();
        reject(new Error("could not load " + path));
      };
      document.head.appendChild(script);
    });
    return loading;
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    tableGrids: {
      open: function (view, ready) {
        if (view !== TABLE_VIEW || ready) {
          return window.dash_clientside.no_update;
        }
        return loadGridScript().then(
          function () { return true; },
          function () {
            var status = document.querySelector("#coverage-table-holder [role=status]");
            if (status) {
              status.textContent = FAILED;
            }
            return window.dash_clientside.no_update;
          }
        );
      },
    },
  });
})();
