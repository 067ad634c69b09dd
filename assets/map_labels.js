/* «Vis kommunenavn»: unticked, the map gets the class that hides its names (style.css). The
   class is set on the element itself (dcc.Graph does not re-apply a changed className), and
   survives figure updates, which never touch it. */
(function () {
  "use strict";
  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    mapLabels: {
      toggle: function (value) {
        var graph = document.getElementById("map");
        if (graph) {
          graph.classList.toggle("labels-off", !(value && value.length));
        }
      }
    }
  });
})();
