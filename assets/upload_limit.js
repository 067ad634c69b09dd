/* dcc.Upload silently drops a file over its max_size. Watch the file picker and drops on an
   upload area that declares data-max-bytes, and report a refused file to the app through the
   store named in data-rejected-store; the app writes the Norwegian message. */
(function () {
  "use strict";

  function report(event) {
    var target = event.target;
    var zone = target && target.closest ? target.closest("[data-max-bytes]") : null;
    if (!zone || !window.dash_clientside || !window.dash_clientside.set_props) {
      return;
    }
    var limit = Number(zone.getAttribute("data-max-bytes"));
    var files = event.dataTransfer ? event.dataTransfer.files : target.files;
    var file = files && files.length ? files[0] : null;
    if (file && file.size > limit) {
      window.dash_clientside.set_props(zone.getAttribute("data-rejected-store"), {
        data: {name: file.name, size: file.size, at: Date.now()}
      });
    }
  }

  document.addEventListener("change", report, true);
  document.addEventListener("drop", report, true);
})();
