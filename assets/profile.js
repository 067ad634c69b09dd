/* Opening a municipality's profile (map click, «Kommune» list, a link) brings the profile into
   view when its top is out of sight: at 1440 px it sits under the map. The profile callback
   announces it through its status line. */
(function () {
  "use strict";
  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    profile: {
      reveal: function (municipality) {
        var profile = document.getElementById("profile");
        if (!municipality || !profile) {
          return;
        }
        // Once the new profile is there (its announcement changes), and after the list or map
        // that was used has closed and given focus back (which scrolls too).
        var status = document.getElementById("profile-status");
        var before = status ? status.textContent : "";
        var tries = 0;
        var timer = window.setInterval(function () {
          tries += 1;
          var arrived = !status || status.textContent !== before;
          if (!arrived && tries < 40) {
            return;
          }
          window.clearInterval(timer);
          var top = profile.getBoundingClientRect().top;
          if (top < 0 || top > window.innerHeight * 0.5) {
            profile.scrollIntoView({behavior: "auto", block: "start"});
          }
        }, 100);
      }
    }
  });
})();
