/* Accessibility repairs of Dash 4's own components, applied whenever React (re)draws them.
 * Local script, no dependencies; tests/browser/test_a11y_browser.py checks the result with axe-core.
 *
 * - dcc.Dropdown: its Tab stop is a hidden (aria-hidden) input that passes focus on to the real
 *   button, so axe finds focusable content hidden from screen readers. The button becomes the
 *   Tab stop itself, and is named by the field's visible <label for=…> followed by its value:
 *   a screen reader hears «Tjeneste Legevakt», not only «Legevakt».
 * - dcc.RadioItems / dcc.Checklist: drawn as role=listbox around role=option labels that hold
 *   real radio/checkbox inputs (interactive inside interactive; an unnamed listbox). The native
 *   inputs, named by their labels and grouped by the surrounding fieldset or radiogroup, are
 *   what a screen reader should meet, so the listbox/option roles are taken off.
 *   While a dropdown is open, its list is named by the same label, and so is its search field.
 * - A button disabled while it works («Last ned kart») loses focus to the page; when it is
 *   enabled again, focus goes back to it.
 */
(function () {
  "use strict";
  // Only RadioItems and Checklist: the dropdown's own list is a real listbox and keeps its roles.
  var LISTBOX = ".dash-radioitems[role=listbox], .dash-checklist[role=listbox]";
  var OPTION = [".dash-radioitems", ".dash-checklist"].map(function (list) {
    return list + " > .dash-options-list-option[role], " + list + " > .dash-options-list-option[aria-selected]";
  }).join(", ");
  var lostToDisabled = null;

  function nameDropdown(button) {
    var label = button.id ? document.querySelector('label[for="' + button.id + '"]') : null;
    if (label) {
      if (!label.id) { label.id = button.id + "-label"; }
      var names = button.getAttribute("aria-labelledby") || "";
      if (names.split(" ").indexOf(label.id) !== 0) {
        button.setAttribute("aria-labelledby", (label.id + " " + names.replace(label.id, "")).trim());
      }
    }
    if (!button.disabled && button.tabIndex !== 0) { button.tabIndex = 0; }
  }

  /* The open list of a dropdown (drawn elsewhere in the page by Radix): named by the label of
   * the dropdown whose button is expanded. */
  function nameOpenList() {
    var button = document.querySelector("button.dash-dropdown[aria-expanded=true]");
    var list = document.querySelector(".dash-dropdown-content .dash-dropdown-options:not([aria-labelledby])");
    var label = button ? document.getElementById(button.id + "-label") : null;
    if (!list || !label) { return; }
    list.setAttribute("aria-labelledby", label.id);
    var search = list.parentElement.querySelector(".dash-dropdown-search");
    if (search) { search.setAttribute("aria-label", "Søk i " + label.textContent.trim()); }
  }

  function repair() {
    var i;
    var targets = document.querySelectorAll(".dash-dropdown-focus-target:not([disabled])");
    for (i = 0; i < targets.length; i++) {
      targets[i].disabled = true;  // never focusable; the button next to it takes Tab itself
      targets[i].tabIndex = -1;
    }
    var buttons = document.querySelectorAll("button.dash-dropdown");
    for (i = 0; i < buttons.length; i++) { nameDropdown(buttons[i]); }
    var lists = document.querySelectorAll(LISTBOX);
    for (i = 0; i < lists.length; i++) { lists[i].removeAttribute("role"); }
    var options = document.querySelectorAll(OPTION);
    for (i = 0; i < options.length; i++) {
      options[i].removeAttribute("role");
      options[i].removeAttribute("aria-selected");
    }
    nameOpenList();
  }

  document.addEventListener("focusout", function (event) {
    var target = event.target;
    lostToDisabled = target && target.disabled && !event.relatedTarget ? target : null;
  });

  function restoreFocus(mutations) {
    if (!lostToDisabled) { return; }
    for (var i = 0; i < mutations.length; i++) {
      var target = mutations[i].target;
      if (mutations[i].attributeName === "disabled" && target === lostToDisabled && !target.disabled) {
        lostToDisabled = null;
        if (!document.activeElement || document.activeElement === document.body) { target.focus(); }
        return;
      }
    }
  }

  new MutationObserver(function (mutations) {
    restoreFocus(mutations);
    repair();
  }).observe(document.documentElement, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ["role", "aria-selected", "aria-labelledby", "aria-expanded", "tabindex", "disabled"]
  });
  repair();
})();
