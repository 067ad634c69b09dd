/* Tablets and phones (see assets/style_devices.css).
 * - The filters are a drawer: «Filtre» opens it (aria-expanded), «Lukk filtrene» or Esc closes it
 *   and focus returns to «Filtre». On desktop the drawer is always shown and the buttons hidden.
 * - On a phone or a tablet in portrait the map's legend goes under the map (clientside callback
 *   devices.compactMap), so the map keeps the full width instead of sharing it with the legend.
 * Ids must match dashboard/web/ids.py. Local script, no dependencies. */
(function () {
  "use strict";
  var TOGGLE = "filter-toggle";
  var DRAWER = "filter-drawer";
  var CLOSE = "filter-close";
  var OPEN_CLASS = "drawer-open";
  // Phones and tablets in portrait: the legend beside the map would take half the width.
  var COMPACT = "(max-width: 799px)";

  function drawerOpen() {
    var drawer = document.getElementById(DRAWER);
    return Boolean(drawer) && drawer.classList.contains(OPEN_CLASS);
  }

  function setOpen(open, returnFocus) {
    var toggle = document.getElementById(TOGGLE);
    var drawer = document.getElementById(DRAWER);
    if (!toggle || !drawer) {
      return;
    }
    drawer.classList.toggle(OPEN_CLASS, open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      var close = document.getElementById(CLOSE);
      (close || drawer).focus();
    } else if (returnFocus) {
      toggle.focus();
    }
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) {
      return;
    }
    if (target.closest("#" + TOGGLE)) {
      setOpen(!drawerOpen(), false);
    } else if (target.closest("#" + CLOSE)) {
      setOpen(false, true);
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !drawerOpen() || event.defaultPrevented) {
      return;
    }
    // An open dropdown list inside the drawer takes the first Esc for itself.
    if (document.querySelector(".dash-dropdown-content")) {
      return;
    }
    setOpen(false, true);
  });

  // Compact map: the notes under the map (attribution first) become one wrapped block, and the
  // legend goes under them across the full width, so the map itself gets the screen's width.
  // Runs again after every server update of the figure (which sends the notes unwrapped).
  var NOTE_LINE_PX = 16;
  var LEGEND_ROW_PX = 25;
  var CHAR_PX = 6.4;

  function wrap(text, width) {
    var lines = [];
    text.split("<br>").forEach(function (paragraph) {
      var line = "";
      paragraph.split(" ").forEach(function (word) {
        if (line && (line + " " + word).length > width) {
          lines.push(line);
          line = word;
        } else {
          line = line ? line + " " + word : word;
        }
      });
      lines.push(line);
    });
    return lines;
  }

  function legendRows(figure) {
    var groups = {};
    var rows = 0;
    (figure.data || []).forEach(function (trace) {
      var shown = trace.showlegend === true || (trace.showlegend === undefined && trace.type !== "choropleth");
      if (!shown) {
        return;
      }
      if (trace.legendgroup) {
        if (groups[trace.legendgroup]) {
          return;
        }
        groups[trace.legendgroup] = true;
      }
      rows += 1;
    });
    return rows;
  }

  function compactLayout(figure, screenWidth) {
    var layout = figure.layout || {};
    var annotations = layout.annotations || [];
    // Notes hang under the plot: at y 0 shifted down in pixels (views/figures.map_layout), or below 0.
    var notes = annotations.filter(function (note) {
      return note.yref === "paper" && (note.y < 0 || (note.y === 0 && (note.yshift || 0) < 0));
    });
    var others = annotations.filter(function (note) { return notes.indexOf(note) < 0; });
    var width = Math.max(24, Math.floor((screenWidth - 16) / CHAR_PX));
    var lines = [];
    notes.forEach(function (note) { lines = lines.concat(wrap(String(note.text || ""), width)); });
    var block = notes.length ? [Object.assign({}, notes[0], { text: lines.join("<br>"), y: 0, yanchor: "top", font: { size: 11, color: "#1a1a1a" } })] : [];
    var rows = legendRows(figure);
    var notesHeight = lines.length * NOTE_LINE_PX + 14;
    var legendHeight = rows ? rows * LEGEND_ROW_PX + 44 : 0;
    var top = (layout.margin && layout.margin.t) || 48;
    var mapHeight = Math.min(screenWidth, 600);
    return {
      annotations: others.concat(block),
      margin: { l: 2, r: 2, t: top, b: notesHeight + legendHeight + 6 },
      height: top + mapHeight + notesHeight + legendHeight + 6
    };
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    devices: {
      compactMap: function (figure) {
        var clientside = window.dash_clientside;
        if (!figure || !window.matchMedia(COMPACT).matches || !clientside.Patch) {
          return clientside.no_update;
        }
        var wanted = compactLayout(figure, window.innerWidth);
        var layout = figure.layout || {};
        var current = (layout.annotations || []).map(function (note) { return note.text; }).join("|");
        var target = wanted.annotations.map(function (note) { return note.text; }).join("|");
        var legend = layout.legend || {};
        if (current === target && legend.yref === "container" && layout.height === wanted.height) {
          return clientside.no_update;
        }
        var patch = new clientside.Patch();
        patch.assign(["layout", "annotations"], wanted.annotations);
        patch.assign(["layout", "margin"], wanted.margin);
        patch.assign(["layout", "height"], wanted.height);
        patch.assign(["layout", "legend", "x"], 0);
        patch.assign(["layout", "legend", "xanchor"], "left");
        patch.assign(["layout", "legend", "yref"], "container");
        patch.assign(["layout", "legend", "y"], 0);
        patch.assign(["layout", "legend", "yanchor"], "bottom");
        patch.assign(["layout", "legend", "font", "size"], window.innerWidth < 400 ? 11 : 12);
        return patch.build();
      }
    }
  });
})();
