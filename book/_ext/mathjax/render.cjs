// Typeset TeX with MathJax 3 (mathjax-full from npm) at build time, for book/_ext/prerender_math.py.
//
// Reads JSON from stdin: {"fontURL": {"<page>": "<url>"}, "pages": {"<page>": [[tex, display], ...]}}
// and writes JSON to stdout: {"<page>": {"html": [markup, ...], "css": "<stylesheet>", "errors": [...]}}.
// Each page gets its own MathJax document, so its stylesheet holds only the characters it uses
// (adaptive CSS), with fonts loaded from the book's vendored MathJax copy (fontURL).
// Every formula also carries hidden MathML (assistive-mml) for screen readers, as MathJax
// in the browser adds it.
"use strict";

const { mathjax } = require("mathjax-full/js/mathjax.js");
const { TeX } = require("mathjax-full/js/input/tex.js");
const { CHTML } = require("mathjax-full/js/output/chtml.js");
const { liteAdaptor } = require("mathjax-full/js/adaptors/liteAdaptor.js");
const { RegisterHTMLHandler } = require("mathjax-full/js/handlers/html.js");
const { AssistiveMmlHandler } = require("mathjax-full/js/a11y/assistive-mml.js");
const { AllPackages } = require("mathjax-full/js/input/tex/AllPackages.js");

const adaptor = liteAdaptor();
AssistiveMmlHandler(RegisterHTMLHandler(adaptor));

// Packages that load other files at run time or need a browser.
const PACKAGES = AllPackages.filter((name) => !["autoload", "require", "bussproofs"].includes(name));

function renderPage(items, fontURL) {
  const tex = new TeX({ packages: PACKAGES, formatError: (jax, err) => { throw err; } });
  const chtml = new CHTML({ fontURL, adaptiveCSS: true });
  const doc = mathjax.document("", { InputJax: tex, OutputJax: chtml });
  const html = [];
  const errors = [];
  for (const [source, display] of items) {
    try {
      const node = doc.convert(source, { display });
      html.push(adaptor.outerHTML(node));
    } catch (err) {
      errors.push(`${source}: ${err.message}`);
      html.push(null);
    }
  }
  return { html, css: adaptor.textContent(chtml.styleSheet(doc)), errors };
}

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const { fontURL, pages } = JSON.parse(input);
  const out = {};
  for (const [page, items] of Object.entries(pages)) {
    out[page] = renderPage(items, fontURL[page]);
  }
  process.stdout.write(JSON.stringify(out));
});
