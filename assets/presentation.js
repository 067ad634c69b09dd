/* Presentation mode (?visning=presentasjon): shows the slide overlay for such links and turns
 * keys into clicks on its buttons. Local script, no dependencies; the server builds the slides.
 * Names must match dashboard/web/ids.py and dashboard/views/view_state.py (tests/output/test_presentation.py checks them). */
(function () {
  "use strict";
  var OVERLAY = "presentation";
  var VIEW_KEY = "visning";
  var PRESENTATION_VIEW = "presentasjon";
  var KEY_TARGETS = {
    ArrowRight: "presentation-next",
    PageDown: "presentation-next",
    ArrowLeft: "presentation-previous",
    PageUp: "presentation-previous",
    Escape: "presentation-exit"
  };

  function overlayOpen() {
    var overlay = document.getElementById(OVERLAY);
    return Boolean(overlay) && !overlay.hidden;
  }

  function toggleFullscreen() {
    var request = document.fullscreenElement ? document.exitFullscreen() : document.documentElement.requestFullscreen();
    if (request && request.catch) {
      request.catch(function () { /* refused (no user gesture or not allowed): stay in the window */ });
    }
  }

  document.addEventListener("keydown", function (event) {
    if (!overlayOpen() || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    if (event.key === "f" || event.key === "F") {
      event.preventDefault();
      toggleFullscreen();
      return;
    }
    var button = document.getElementById(KEY_TARGETS[event.key] || "");
    if (button) {
      event.preventDefault();
      button.click();
    }
  });

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    presentation: {
      /* URL search -> [overlay hidden, {search, width} for the server to build the deck (or no_update)]. */
      gate: function (search, current) {
        var open = new URLSearchParams(search || "").get(VIEW_KEY) === PRESENTATION_VIEW;
        document.documentElement.classList.toggle("presenting", open);
        if (open) {
          window.setTimeout(function () {
            var overlay = document.getElementById(OVERLAY);
            if (overlay && !overlay.contains(document.activeElement)) { overlay.focus(); }
          }, 0);
        } else if (document.fullscreenElement && document.exitFullscreen) {
          document.exitFullscreen().catch(function () {});
        }
        var shown = current ? current.search : null;
        var wanted = open ? search : null;
        if (wanted === shown) {
          return [!open, window.dash_clientside.no_update];
        }
        return [!open, open ? {search: search, width: window.innerWidth} : null];
      }
    }
  });
})();
