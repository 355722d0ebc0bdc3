"""Print the one-page build of the book (``singlehtml``) to a PDF with Chromium.

    python book/_ext/make_pdf.py _build/singlehtml _build/pdf/book.pdf

``make pdf`` runs it after ``jupyter-book build . --builder singlehtml``. The page is the
whole book with its math already typeset (book/_ext/lean_pages.py) and its figures as SVG;
this script adds a table of contents of the chapters and appendices, starts each of them on
a new page, and prints with the book's print stylesheet (book/_ext/static/book.css: code
and outputs wrap instead of being cut off, links to other sites show their address) on A4
with page numbers in the footer and the headings as the PDF's bookmarks.

Chromium: Debian's ``chromium`` (or ``$BP_CHROMIUM``), driven by Playwright.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

# Contents at the start; each chapter and appendix on a new page; no screen-only parts.
PREPARE = r"""
() => {
  const article = document.querySelector("article.bd-article") || document.querySelector("article");
  const css = document.createElement("style");
  css.textContent = `
    html { font-size: 13px; }
    body { margin: 0; padding: 0; }
    article.bd-article { max-width: none; padding: 0; }
    section.bp-chapter { break-before: page; }
    /* The theme's tight line-height (1.15) lets a heading's glyphs overflow its line box;
       a heading at the top of a page then reaches Chromium's tagged PDF twice and its
       bookmark reads "PrefacePreface". A taller line box keeps the text once. */
    h1, h2, h3, h4, h5, h6 { line-height: 1.3 !important; white-space: pre-wrap !important; }
    :is(h1, h2, h3, h4, h5, h6) mjx-container { white-space: nowrap; }
    header.bp-pdf-title { text-align: center; padding-top: 30vh; break-after: page; }
    header.bp-pdf-title h1 { font-size: 2.6rem; margin-bottom: 1rem; }
    nav.bp-pdf-toc { break-after: page; }
    nav.bp-pdf-toc ul { list-style: none; padding-left: 1.2em; margin: 0.2em 0 0.8em; }
    nav.bp-pdf-toc li { margin: 0.25em 0; }
    nav.bp-pdf-toc p.caption { font-weight: bold; margin: 1em 0 0.2em; }
    nav.bp-pdf-toc a { text-decoration: none; color: inherit; }
  `;
  document.head.appendChild(css);
  document.querySelectorAll("details").forEach((d) => { d.open = true; });
  document.querySelectorAll(".toggle-hidden").forEach((e) => e.classList.remove("toggle-hidden"));
  article.querySelectorAll("script").forEach((e) => e.remove());

  // Title page: the book's title (the part of the page title after its dash) and the date.
  const title = document.createElement("header");
  title.className = "bp-pdf-title";
  title.innerHTML = "<h1></h1><p></p>";
  title.querySelector("h1").textContent = document.title.split(/ [—-] /).pop().trim();
  title.querySelector("p").textContent = new Date().toISOString().slice(0, 10);

  // Contents: the theme's list of the page's parts and chapters (numbered, with links).
  const toc = document.createElement("nav");
  toc.className = "bp-pdf-toc";
  toc.innerHTML = "<h1>Contents</h1>";
  const pageToc = document.querySelector("#pst-page-toc-nav");
  if (pageToc) Array.from(pageToc.children).forEach((e) => toc.appendChild(e.cloneNode(true)));

  // Each chapter and appendix (Sphinx puts <span id="document-book/NAME"> before each) on a
  // new page.
  const chapters = Array.from(document.querySelectorAll("span[id^='document-']"))
    .map((span) => span.nextElementSibling)
    .filter((s) => s && s.tagName === "SECTION");
  chapters.forEach((s) => s.classList.add("bp-chapter"));
  // A chapter's heading is an h2 in the one-page build: make it an h1 again, so that the
  // PDF's bookmarks list the chapters at the top level.
  chapters.forEach((s) => {
    const h = s.querySelector(":scope > h2");
    if (!h) return;
    const h1 = document.createElement("h1");
    h1.innerHTML = h.innerHTML;
    for (const a of h.attributes) h1.setAttribute(a.name, a.value);
    h.replaceWith(h1);
  });
  article.querySelectorAll("a.headerlink").forEach((a) => a.remove());
  const first = article.querySelector("section");
  if (first) first.classList.add("bp-chapter");

  document.body.replaceChildren(title, toc, article);
  // A bookmark leaves out typeset math (its glyphs are drawn by CSS), so "computed from z"
  // would end in "from": in headings, a short formula (a letter or two) becomes that text
  // in italics, which reads the same on the page.
  document.querySelectorAll(":is(h1, h2, h3, h4, h5, h6) mjx-container").forEach((box) => {
    const math = box.querySelector("math");
    const text = math ? math.textContent.trim() : "";
    if (!text || text.length > 3) return;
    const italic = document.createElement("i");
    italic.textContent = text;
    box.replaceWith(italic);
  });
  // The PDF's bookmarks take a heading's accessible name (its text once).
  document.querySelectorAll("h1, h2, h3, h4, h5, h6").forEach((h) => {
    h.setAttribute("aria-label", h.textContent.replace(/\s+/g, " ").trim());
  });
  // Chromium builds a bookmark from the heading's lines as laid out, and drops the space
  // where a long heading wraps ("Backpropagationin practice"). With white-space: pre-wrap
  // (CSS above) the space stays; first make the heading's white space single spaces, which
  // pre-wrap then shows as they are.
  document.querySelectorAll("h1, h2, h3, h4, h5, h6").forEach((h) => {
    const walker = document.createTreeWalker(h, NodeFilter.SHOW_TEXT);
    const texts = [];
    while (walker.nextNode()) {
      const node = walker.currentNode;
      if (!node.parentElement.closest("mjx-container")) texts.push(node);
    }
    texts.forEach((t) => { t.nodeValue = t.nodeValue.replace(/\s+/g, " "); });
    if (texts.length) {
      texts[0].nodeValue = texts[0].nodeValue.replace(/^ /, "");
      const last = texts[texts.length - 1];
      last.nodeValue = last.nodeValue.replace(/ $/, "");
    }
  });
  return chapters.length + (first ? 1 : 0);
}
"""

TAGGED = os.environ.get("BP_PDF_TAGGED", "1") == "1"
FOOTER = (
    '<div style="font-size:9px; width:100%; text-align:center; color:#555;">'
    '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
)


def find_chromium() -> str:
    for name in (
        os.environ.get("BP_CHROMIUM", ""),
        "chromium",
        "chromium-browser",
        "google-chrome",
    ):
        path = shutil.which(name) if name else None
        if path:
            return path
    raise SystemExit("make_pdf: Chromium not found (Debian: apt-get install chromium)")


def make_pdf(singlehtml: Path, out: Path) -> int:
    """Print ``singlehtml``'s book page into ``out``; return the number of chapters found."""
    from playwright.sync_api import sync_playwright

    # Sphinx writes the one page as book/index.html (the root document's name) but links
    # its stylesheets, scripts and images relative to the folder above: print a copy there.
    source = singlehtml / "book" / "index.html"
    page_file = singlehtml / "book-onepage.html"
    page_file.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    out.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=find_chromium(), args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 900, "height": 1200})
            page.goto(page_file.resolve().as_uri(), wait_until="load", timeout=120_000)
            page.evaluate("document.fonts.ready")
            chapters = page.evaluate(PREPARE)
            page.emulate_media(media="print")
            page.wait_for_timeout(500)
            page.pdf(
                path=str(out),
                format="A4",
                print_background=True,
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=FOOTER,
                margin={"top": "18mm", "bottom": "20mm", "left": "16mm", "right": "16mm"},
                outline=True,
                tagged=TAGGED,
            )
        finally:
            browser.close()
    return chapters


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    n = make_pdf(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"PDF: {Path(sys.argv[2]).resolve()} ({n} chapters and appendices)")
