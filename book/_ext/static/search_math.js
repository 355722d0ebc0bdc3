// Search results: math in the snippets as a line of text ("δˡ = ((wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ σ′(zˡ)",
// "1/4") instead of its glyphs run together ("14"). The pages' math is typeset when the
// book is built (book/_ext/lean_pages.py); each formula carries its MathML for screen
// readers, and this script writes that MathML as text before Sphinx's search takes the
// snippet from the page. Loaded by the search page only (book/_ext/book_reader.py).
(function () {
  "use strict";
  /* global Search */
  if (typeof Search === "undefined" || !Search.htmlToText) return;

  var SUP = {"0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷",
    "8": "⁸", "9": "⁹", "+": "⁺", "−": "⁻", "-": "⁻", "=": "⁼", "(": "⁽", ")": "⁾",
    "a": "ᵃ", "b": "ᵇ", "c": "ᶜ", "d": "ᵈ", "e": "ᵉ", "f": "ᶠ", "g": "ᵍ", "h": "ʰ",
    "i": "ⁱ", "j": "ʲ", "k": "ᵏ", "l": "ˡ", "m": "ᵐ", "n": "ⁿ", "o": "ᵒ", "p": "ᵖ",
    "r": "ʳ", "s": "ˢ", "t": "ᵗ", "u": "ᵘ", "v": "ᵛ", "w": "ʷ", "x": "ˣ", "y": "ʸ",
    "z": "ᶻ", "T": "ᵀ", "L": "ᴸ", "′": "′", "*": "*"};
  var SUB = {"0": "₀", "1": "₁", "2": "₂", "3": "₃", "4": "₄", "5": "₅", "6": "₆", "7": "₇",
    "8": "₈", "9": "₉", "+": "₊", "−": "₋", "-": "₋", "=": "₌", "(": "₍", ")": "₎",
    "a": "ₐ", "e": "ₑ", "h": "ₕ", "i": "ᵢ", "j": "ⱼ", "k": "ₖ", "l": "ₗ", "m": "ₘ",
    "n": "ₙ", "o": "ₒ", "p": "ₚ", "r": "ᵣ", "s": "ₛ", "t": "ₜ", "u": "ᵤ", "v": "ᵥ",
    "x": "ₓ"};
  // Operators read with a space on each side.
  var SPACED = /^[=<>≤≥≈≠+−×⊙·→↦∈∼≡]$/;

  // Small raised or lowered text in Unicode when every character has a form, else ^(…).
  function script(text, map, mark) {
    var chars = Array.from(text.replace(/\s+/g, ""));
    if (chars.length && chars.every(function (c) { return map[c]; })) {
      return chars.map(function (c) { return map[c]; }).join("");
    }
    return mark + (chars.length > 1 ? "(" + text.trim() + ")" : text.trim());
  }

  function group(text) {
    var t = text.trim();
    return Array.from(t).length > 1 && /[\s+−\-/]/.test(t) ? "(" + t + ")" : t;
  }

  function linear(node) {
    var kids = Array.from(node.children);
    var parts = kids.map(linear);
    switch (node.localName) {
      case "mi": case "mn": case "mtext": case "ms":
        return node.textContent;
      case "mo":
        return SPACED.test(node.textContent.trim()) ? " " + node.textContent.trim() + " " : node.textContent;
      case "mspace":
        return " ";
      case "msup":
        return parts[0] + script(parts[1], SUP, "^");
      case "msub":
        return parts[0] + script(parts[1], SUB, "_");
      case "msubsup":
        return parts[0] + script(parts[1], SUB, "_") + script(parts[2], SUP, "^");
      case "munder":
        return parts[0] + script(parts[1], SUB, "_");
      case "mover":
        return parts[0] + (node.getAttribute("accent") === "true" ? parts[1] : script(parts[1], SUP, "^"));
      case "munderover":
        return parts[0] + script(parts[1], SUB, "_") + script(parts[2], SUP, "^");
      case "mfrac":
        return group(parts[0]) + "/" + group(parts[1]);
      case "msqrt":
        return "√" + group(parts.join(""));
      case "mroot":
        return script(parts[1], SUP, "") + "√" + group(parts[0]);
      case "mtr": case "mlabeledtr":
        return parts.join(" ") + "; ";
      case "annotation": case "annotation-xml":
        return "";
      default:
        return parts.join("");
    }
  }

  var original = Search.htmlToText;
  Search.htmlToText = function (htmlString, anchor) {
    var doc = new DOMParser().parseFromString(htmlString, "text/html");
    doc.querySelectorAll("mjx-container").forEach(function (box) {
      var math = box.querySelector("math");
      var text = math ? linear(math).replace(/\s+/g, " ").trim() : "";
      box.replaceWith(doc.createTextNode(text));
    });
    return original(doc.documentElement.outerHTML, anchor);
  };
})();
