/* «Last ned kart» without Chromium on the server: the server sends the report figure (title,
 * legend, credit line, date) and the user's own plotly.js draws and saves it. Local script. */
(function () {
  "use strict";
  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    mapDownload: {
      /* Returns a promise of the status sentence once the file is saved (or why it failed). */
      drawInBrowser: function (request) {
        if (!request) {
          return window.dash_clientside.no_update;
        }
        if (!window.Plotly) {
          return request.failed;
        }
        var figure = {data: request.figure.data, layout: request.figure.layout, config: request.config};
        var options = {
          format: request.format,
          filename: request.filename,
          width: request.width,
          height: request.height,
          scale: request.scale
        };
        return window.Plotly.downloadImage(figure, options)
          .then(function () { return request.done; })
          .catch(function (error) { return request.failed + " (" + error + ")"; });
      }
    }
  });
})();
