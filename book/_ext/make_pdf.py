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
    @page { size: A4; margin: 18mm 16mm 20mm 16mm; }
    html { font-size: 14px; }
    .bd-sidebar-primary, .bd-sidebar-secondary, .bd-header, .bd-header-article, .bd-footer,
    .bd-footer-article, .prev-next-area, .header-article, #pst-back-to-top, .bd-search,
    .search-button-field, .skip-link { display: none !important; }
    .bd-main, .bd-content, .bd-article-container, .bd-page-width { max-width: none !important; }
    .bd-container { display: block !important; }
    section.bp-chapter { break-before: page; }
    nav.bp-pdf-toc { break-after: page; }
    header.bp-pdf-title { text-align: center; margin: 30vh 0 0; break-after: page; }
    header.bp-pdf-title h1 { font-size: 2.4rem; }
    nav.bp-pdf-toc ol { list-style: none; padding-left: 0; }
    nav.bp-pdf-toc li { margin: 0.35em 0; }
    nav.bp-pdf-toc li.part { font-weight: bold; margin-top: 1em; }
  `;
  document.head.appendChild(css);
  document.querySelectorAll("details").forEach((d) => { d.open = true; });
  document.querySelectorAll(".toggle-hidden").forEach((e) => e.classList.remove("toggle-hidden"));
  // Chapters: the preface, then each document of the table of contents (Sphinx puts a
  // <span id="document-book/NAME"> right before each one's section).
  const chapters = [article.querySelector("section")].concat(
    Array.from(document.querySelectorAll("span[id^='document-']"))
      .map((span) => span.nextElementSibling)
      .filter((s) => s && s.tagName === "SECTION"));
  const toc = document.createElement("nav");
  toc.className = "bp-pdf-toc";
  toc.innerHTML = "<h1>Contents</h1><ol></ol>";
  const list = toc.querySelector("ol");
  chapters.forEach((s, i) => {
    if (i > 0) s.classList.add("bp-chapter");
    const h = s.firstElementChild.cloneNode(true);
    h.querySelectorAll("a.headerlink").forEach((a) => a.remove());
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = "#" + s.id;
    a.textContent = h.textContent.trim();
    li.appendChild(a);
    list.appendChild(li);
  });
  const title = document.createElement("header");
  title.className = "bp-pdf-title";
  const brand = document.querySelector(".navbar-brand, .logo__title");
  title.innerHTML = "<h1></h1><p></p>";
  title.querySelector("h1").textContent = brand ? brand.textContent.trim() : document.title;
  title.querySelector("p").textContent = new Date().toISOString().slice(0, 10);
  if (chapters.length) { chapters[0].before(toc); toc.before(title); }
  return chapters.length;
}
"""

FOOTER = (
    '<div style="font-size:9px; width:100%; text-align:center; color:#555;">'
    '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
)


def find_chromium() -> str:
    for name in (os.environ.get("BP_CHROMIUM", ""), "chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name) if name else None
        if path:
            return path
    raise SystemExit("make_pdf: Chromium not found (Debian: apt-get install chromium)")


def make_pdf(singlehtml: Path, out: Path) -> int:
    """Print ``singlehtml``'s book page into ``out``; return the number of chapters found."""
    from playwright.sync_api import sync_playwright

    page_file = singlehtml / "book" / "index.html"
    if not page_file.is_file():
        page_file = singlehtml / "index.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=find_chromium(), args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 900, "height": 1200})
            page.goto(page_file.resolve().as_uri(), wait_until="load", timeout=120_000)
            page.evaluate("document.fonts.ready")
            chapters = page.evaluate(PREPARE)
            page.emulate_media(media="print")
            page.wait_for_timeout(500)
            page.pdf(
                path=str(out), format="A4", print_background=True, display_header_footer=True,
                header_template="<span></span>", footer_template=FOOTER,
                margin={"top": "18mm", "bottom": "20mm", "left": "16mm", "right": "16mm"},
                outline=True, tagged=True,
            )
        finally:
            browser.close()
    return chapters


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    n = make_pdf(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"PDF: {Path(sys.argv[2]).resolve()} ({n} chapters and appendices)")
