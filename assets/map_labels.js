/* «Vis kommunenavn»: unticked, every map with names gets the class that hides them (style.css):
   the page's map and «Samsvar»'s two compare maps. The class is set on the element itself
   (dcc.Graph does not re-apply a changed className), and survives figure updates, which never
   touch it. */
(function () {
  "use strict";
  var MAPS = ["map", "samsvar-compare-map-first", "samsvar-compare-map-second"];
  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    mapLabels: {
      toggle: function (value) {
        var off = !(value && value.length);
        MAPS.forEach(function (id) {
          var graph = document.getElementById(id);
          if (graph) {
            graph.classList.toggle("labels-off", off);
          }
        });
      }
    }
  });
})();
