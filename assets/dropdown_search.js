/* Two fixes to Dash's dropdowns.
   1. Typing while the open list has focus (a dropdown with a value focuses its selected option
      when it opens) goes to the list's search box, so «Tjeneste» can be searched by just typing.
   2. municipalitySearch.order: the municipality options with an exact name, alias or number
      first, then names that start with the text, then the rest (each group in list order), so
      «Ål» + Enter opens Ål, not Våler, and «Hol» opens Hol, not Hole. */
(function () {
  "use strict";

  document.addEventListener("keydown", function (event) {
    if (event.key.length !== 1 || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    var target = event.target;
    var content = target && target.closest ? target.closest(".dash-dropdown-content") : null;
    if (!content) {
      return;
    }
    var search = content.querySelector("input.dash-dropdown-search");
    if (search && target !== search) {
      // Focus moves before the key's character is inserted, so the character lands in the box.
      search.focus();
    }
  }, true);

  function fold(text) {
    return String(text == null ? "" : text).trim().toLocaleLowerCase("nb").replace(/\s+/g, " ");
  }

  var OUTSIDE = "(ikke kartlagt)";

  function suffixed(option) {
    return String(option.label).trim().slice(-OUTSIDE.length) === OUTSIDE ? 1 : 0;
  }

  // «Våler (Viken) (ikke kartlagt)» answers to «våler (viken)» and «våler».
  function namesOf(option) {
    var label = String(option.label).trim();
    if (suffixed(option)) {
      label = label.slice(0, -OUTSIDE.length);
    }
    return [fold(label), fold(label.replace(/\([^)]*\)\s*$/, ""))];
  }

  function rank(option, wanted) {
    var names = namesOf(option).concat([fold(option.value)]);
    String(option.search || "").split("|").forEach(function (alias) { names.push(fold(alias)); });
    if (names.indexOf(wanted) >= 0) {
      return 0;
    }
    for (var i = 0; i < names.length; i++) {
      if (names[i] && names[i].indexOf(wanted) === 0) {
        return 1;
      }
    }
    return 2;
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    municipalitySearch: {
      order: function (searchValue, options) {
        var wanted = fold(searchValue);
        if (!options || !options.length) {
          return window.dash_clientside.no_update;
        }
        var ranked = options.map(function (option) {
          return {option: option, rank: wanted ? rank(option, wanted) : 0};
        });
        ranked.sort(function (a, b) {
          // Ties keep the list's own order: surveyed municipalities, then «(ikke kartlagt)», by name.
          return (a.rank - b.rank) || (suffixed(a.option) - suffixed(b.option)) ||
            String(a.option.label).localeCompare(String(b.option.label), "nb");
        });
        var result = ranked.map(function (item) { return item.option; });
        var same = result.every(function (option, i) { return option === options[i]; });
        return same ? window.dash_clientside.no_update : result;
      }
    }
  });
})();
