/* «Laster kart …» (#map-loading, a polite live region) stays over the map area until the map has
 * drawn its municipalities; then it says «Kartet er lastet.» to screen readers only. Local script. */
(function () {
  "use strict";
  var NOTE = "map-loading";
  var DRAWN = "#map .choroplethlocation";

  function finished() {
    var note = document.getElementById(NOTE);
    if (!note || !document.querySelector(DRAWN)) {
      return false;
    }
    note.textContent = "Kartet er lastet.";
    note.classList.add("is-loaded");
    return true;
  }

  var observer = new MutationObserver(function () {
    if (finished()) {
      observer.disconnect();
    }
  });
  observer.observe(document.documentElement, { childList: true, subtree: true });
})();
