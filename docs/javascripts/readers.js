/* LR Atlas, for keyboards and screen readers.

   On a narrow screen, a wide table (Material wraps each in .md-typeset__scrollwrap),
   a row of tab labels (.tabbed-labels) and a long formula (.mathml) scroll sideways in
   their own box. Each such box is made focusable and named, so a keyboard can scroll it
   and a screen reader says what it is (axe: scrollable-region-focusable). Boxes that fit
   are left alone.

   Material puts each code block's copy button in a <nav>, so a page with twenty code blocks
   has twenty unnamed navigation landmarks (axe: landmark-unique); they are not navigation,
   so they lose the landmark role and keep their button. */
(function () {
  "use strict";

  const BOXES = { ".md-typeset__scrollwrap": "Table", ".tabbed-labels": "Tabs", ".mathml": "Formula" };

  function fix() {
    nameScrollingBoxes();
    for (const nav of document.querySelectorAll(".md-code__nav:not([role])")) {
      nav.setAttribute("role", "none");
    }
  }

  function nameScrollingBoxes() {
    for (const [selector, what] of Object.entries(BOXES)) {
      document.querySelectorAll(selector).forEach((box, index) => {
        if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) {
          box.setAttribute("tabindex", "0");
          box.setAttribute("role", "region");
          // numbered: two regions with one name are indistinguishable (axe: landmark-unique)
          box.setAttribute("aria-label", `${what} ${index + 1}, scrolls sideways`);
        }
      });
    }
  }

  window.addEventListener("resize", nameScrollingBoxes, { passive: true });
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(fix); // Material: every page, instant ones too
  } else {
    document.addEventListener("DOMContentLoaded", fix);
  }
})();
