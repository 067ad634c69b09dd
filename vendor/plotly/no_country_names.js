// Stands in for the npm package country-iso-search (country names -> ISO-3 codes), which plotly.js
// needs only for locationmode "country names". The app's maps locate municipalities by GeoJSON id,
// so the 65 KB table is left out; a "country names" trace would find no country.
'use strict';
module.exports = {
    COUNTRIES: [],
    createLookup: function() { return {lookupAlpha3: function() { return undefined; }}; }
};
