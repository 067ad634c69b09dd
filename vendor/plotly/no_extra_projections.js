// Stands in for the npm package d3-geo-projection (exotic map projections: Robinson, Aitoff, …).
// plotly.js looks a projection up in d3-geo first, then here; the app's maps use "mercator", which
// d3-geo has, so this table is left out and any other projection type would find nothing.
'use strict';
module.exports = {};
