// The plotly.js the app loads: core (incl. scatter) + the trace types the app draws.
// Built by build.sh; keep in step with the "type" values in dashboard/views/figures.py.
'use strict';
var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/choropleth'),
    require('plotly.js/lib/scattergeo'),
    require('plotly.js/lib/bar'),
]);

module.exports = Plotly;
