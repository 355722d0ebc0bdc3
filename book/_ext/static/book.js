// Wide blocks scroll inside their own box, with a visible cue (see book.css, .bp-scrolls);
// a plain-text output whose lines are too long, and whose text has no aligned columns,
// wraps instead (.bp-wrap). Run on load, and again when the window's width changes.
(function () {
  "use strict";
  var BOXES = [
    ".bd-article pre",
    ".bd-article div.math mjx-container[display='true']",
    ".bd-article .pst-scrollable-table-container",
  ].join(", ");
  var OUTPUTS = ".cell_output pre, div.output pre";
  // Two spaces between words: columns a reader lines up by eye (tables, arrays).
  var ALIGNED = /\S {2,}\S/;

  function mark() {
    document.querySelectorAll(BOXES).forEach(function (box) {
      if (box.matches(OUTPUTS) && !box.classList.contains("bp-wrap") &&
          box.scrollWidth > box.clientWidth + 1 && !ALIGNED.test(box.textContent)) {
        box.classList.add("bp-wrap");
      }
      box.classList.toggle("bp-scrolls", box.scrollWidth > box.clientWidth + 1);
    });
  }
  // For tests/test_browser.py: mark again after opening collapsed blocks.
  window.bpMarkWide = mark;
  var timer = null;
  function later() {
    clearTimeout(timer);
    timer = setTimeout(mark, 150);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mark);
  } else {
    mark();
  }
  window.addEventListener("load", mark);
  window.addEventListener("resize", later);
  // MathJax in the browser (when the math is not typeset at build time) adds boxes later.
  if (window.MathJax && window.MathJax.startup && window.MathJax.startup.promise) {
    window.MathJax.startup.promise.then(mark);
  }
})();
