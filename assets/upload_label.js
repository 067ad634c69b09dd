/* dcc.Upload renders a file input without a name, so screen readers announce a bare "file
   button". Give each one the label its upload area declares in data-file-label. */
(function () {
  "use strict";

  function label(root) {
    var zones = root.querySelectorAll ? root.querySelectorAll("[data-file-label]") : [];
    for (var i = 0; i < zones.length; i++) {
      var input = zones[i].querySelector("input[type=file]");
      if (input && !input.getAttribute("aria-label")) {
        input.setAttribute("aria-label", zones[i].getAttribute("data-file-label"));
      }
    }
  }

  new MutationObserver(function () { label(document); }).observe(document.documentElement, {childList: true, subtree: true});
})();
