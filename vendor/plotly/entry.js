// The plotly.js the app loads. Built by build.sh into plotly-samarbeidskartet.min.js.
// plotly.js's own src/core.js (v4.1.1), less the components the app never uses (3D annotations,
// layout images, update menus, sliders, range sliders/selectors, error bars), plus the trace types
// the app draws: keep in step with the "type" values in dashboard/views/figures.py.
'use strict';

exports.version = require('plotly.js/src/version').version;
require('native-promise-only');
require('plotly.js/build/plotcss');

var Registry = require('plotly.js/src/registry');
var register = exports.register = Registry.register;

var plotApi = require('plotly.js/src/plot_api');
Object.keys(plotApi).forEach(function(name) {
    if(name.charAt(0) !== '_') exports[name] = plotApi[name];
    register({moduleType: 'apiMethod', name: name, fn: plotApi[name]});
});

register(require('plotly.js/src/traces/scatter'));
register([
    require('plotly.js/src/components/annotations'),
    require('plotly.js/src/components/selections'),
    require('plotly.js/src/components/shapes'),
    require('plotly.js/src/components/grid'),
    require('plotly.js/src/components/colorscale'),
    require('plotly.js/src/components/colorbar'),
    require('plotly.js/src/components/legend'), // after shapes (legend defaults depend on them)
    require('plotly.js/src/components/fx'), // after legend (unified hover defaults depend on it)
    require('plotly.js/src/components/modebar')
]);
register([require('plotly.js/src/locale-en'), require('plotly.js/src/locale-en-us')]);

exports.Icons = require('plotly.js/src/fonts/ploticon');
var Fx = require('plotly.js/src/components/fx');
var Plots = require('plotly.js/src/plots/plots');
exports.Plots = {resize: Plots.resize, graphJson: Plots.graphJson, sendDataToCloud: Plots.sendDataToCloud};
exports.Fx = {hover: Fx.hover, unhover: Fx.unhover, loneHover: Fx.loneHover, loneUnhover: Fx.loneUnhover};
exports.Snapshot = require('plotly.js/src/snapshot');
exports.PlotSchema = require('plotly.js/src/plot_api/plot_schema');

register([
    require('plotly.js/lib/choropleth'),
    require('plotly.js/lib/scattergeo'),
    require('plotly.js/lib/bar')
]);
