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

  var OPENER = "presentation-button";
  var FOCUSABLE = "button:not([disabled]), [href], input:not([disabled]), select, textarea, [tabindex]:not([tabindex='-1'])";
  var opener = null;   // the control that opened the dialog; focus goes back to it on leaving
  var wasOpen = false;

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

  /* A modal dialog: the page behind it is inert (no focus, no clicks, hidden from screen readers). */
  function setBackgroundInert(inert) {
    var overlay = document.getElementById(OVERLAY);
    var node = overlay;
    while (node && node.parentElement && node !== document.body) {
      var siblings = node.parentElement.children;
      for (var i = 0; i < siblings.length; i++) {
        if (siblings[i] !== node) { siblings[i].inert = inert; }
      }
      node = node.parentElement;
    }
  }

  function visible(element) {
    return Boolean(element) && element.isConnected && element.getClientRects().length > 0;
  }

  /* Tab and Shift+Tab cycle through the dialog's own controls and never leave it. */
  function keepFocusInside(event) {
    var overlay = document.getElementById(OVERLAY);
    var inside = Array.prototype.filter.call(overlay.querySelectorAll(FOCUSABLE), visible);
    if (!inside.length) { event.preventDefault(); overlay.focus(); return; }
    var first = inside[0];
    var last = inside[inside.length - 1];
    var active = document.activeElement;
    var outside = !overlay.contains(active) || active === overlay;
    if (event.shiftKey && (outside || active === first)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (outside || active === last)) {
      event.preventDefault();
      first.focus();
    }
  }

  function opened() {
    var active = document.activeElement;
    var overlay = document.getElementById(OVERLAY);
    if (active && active !== document.body && !(overlay && overlay.contains(active))) { opener = active; }
    setBackgroundInert(true);
    window.setTimeout(function () {
      var dialog = document.getElementById(OVERLAY);
      if (dialog && !dialog.contains(document.activeElement)) { dialog.focus(); }
    }, 0);
  }

  function closed() {
    setBackgroundInert(false);
    var target = opener;
    opener = null;
    var tries = 0;
    (function giveBack() {  // once the overlay is hidden and the view behind it drawn
      var back = visible(target) ? target : document.getElementById(OPENER);
      if (visible(back) && overlayOpen() === false) {
        back.focus();
      } else if (tries++ < 40) {
        window.setTimeout(giveBack, 50);
      }
    })();
  }

  document.addEventListener("keydown", function (event) {
    if (overlayOpen() && event.key === "Tab") {
      keepFocusInside(event);
      return;
    }
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
        if (open && !wasOpen) {
          opened();
        } else if (!open && wasOpen) {
          closed();
        }
        wasOpen = open;
        if (!open && document.fullscreenElement && document.exitFullscreen) {
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
