"""The book as one PDF (``make pdf``): complete, searchable, with its fonts.

The PDF is made as ``make pdf`` makes it: the book built as one page (``singlehtml``, in the
same output folder as the session's book build, so no chapter runs again) and printed by
Chromium (book/_ext/make_pdf.py). The tests check the number of pages, that the text of
every chapter and appendix is in it (each one's title, extracted with pypdf), the bookmarks,
and that every font is embedded.

``BP_BOOK_PDF=/path/to/book.pdf`` checks an existing PDF instead (with ``BP_BOOK_HTML``).
Marked ``book`` like the other tests that need the built book (deselect with
``-m "not book"``).
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from test_browser import find_chromium, toc_pages

from book_build import ROOT, BookBuild, jupyter_book, require

pytest_plugins = ["book_build"]
pytestmark = pytest.mark.book

PDF_ENV = "BP_BOOK_PDF"
MIN_PAGES = 60


@pytest.fixture(scope="module")
def pdf(book_build_result: BookBuild | str) -> Path:
    given = os.environ.get(PDF_ENV)
    if given:
        return Path(given)
    html = require(book_build_result).html
    if find_chromium() is None:
        pytest.skip("Chromium was not found: no PDF")
    out = html.parents[1]
    build = subprocess.run(
        [
            *jupyter_book(),
            "build",
            str(ROOT),
            "--path-output",
            str(out),
            "--builder",
            "singlehtml",
            "-W",
            "-n",
            "--keep-going",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert build.returncode == 0, (
        f"singlehtml build failed:\n{build.stdout[-3000:]}{build.stderr[-2000:]}"
    )
    target = out / "_build" / "pdf" / "book.pdf"
    make = subprocess.run(
        [
            sys.executable,
            str(ROOT / "book" / "_ext" / "make_pdf.py"),
            str(out / "_build" / "singlehtml"),
            str(target),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert make.returncode == 0, f"make_pdf failed:\n{make.stdout}{make.stderr}"
    return target


@pytest.fixture(scope="module")
def reader(pdf: Path) -> Any:
    pypdf = pytest.importorskip("pypdf")
    return pypdf.PdfReader(str(pdf))


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().lower()


def test_pdf_has_the_whole_book(reader: Any, book_build: BookBuild) -> None:
    pages = len(reader.pages)
    assert pages >= MIN_PAGES, f"the PDF has {pages} pages (at least {MIN_PAGES} expected)"
    text = _words(" ".join(page.extract_text() or "" for page in reader.pages))
    assert "contents" in text[:3000], "no table of contents at the start"
    missing = []
    for name in toc_pages():
        page_html = (book_build.html / f"{name}.html").read_text(encoding="utf-8")
        m = re.search(r"<title>(.*?)</title>", page_html, re.S)
        title = html.unescape(m.group(1)).split(" — ")[0] if m else ""
        # The title's words after its number ("8. Backpropagation in practice").
        words = _words(re.sub(r"<[^>]+>", "", re.sub(r"^[\d.\s]+", "", title)))
        key = " ".join(words.split()[:3])
        if key and key not in text:
            missing.append(f"{name}: {key!r}")
    assert not missing, "chapters missing from the PDF's text:\n" + "\n".join(missing)
    assert len(reader.outline) >= 5, "the PDF has no bookmarks for its chapters"


def _outline_titles(outline: Any) -> list[str]:
    titles = []
    for item in outline:
        if isinstance(item, list):
            titles += _outline_titles(item)
        else:
            titles.append(str(item.title))
    return titles


def test_pdf_bookmarks_spell_the_chapter_titles(reader: Any, book_build: BookBuild) -> None:
    """Each chapter's bookmark reads as its title, word for word (a heading that wraps onto a
    second line must not lose the space at the break)."""
    bookmarks = {_words(t) for t in _outline_titles(reader.outline)}
    missing = []
    for name in toc_pages():
        page_html = (book_build.html / f"{name}.html").read_text(encoding="utf-8")
        m = re.search(r"<title>(.*?)</title>", page_html, re.S)
        title = (
            _words(re.sub(r"<[^>]+>", "", html.unescape(m.group(1)).split(" — ")[0])) if m else ""
        )
        if title and not any(title in b for b in bookmarks):
            missing.append(f"{name}: {title!r}")
    assert not missing, (
        "chapters without a bookmark that reads as their title:\n"
        + "\n".join(missing)
        + "\nbookmarks: "
        + repr(sorted(bookmarks))
    )


def test_pdf_fonts_are_embedded(reader: Any) -> None:
    missing = set()
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            font = font.get_object()
            if font.get("/Subtype") == "/Type3":
                continue  # glyphs drawn inside the PDF
            desc = font.get("/FontDescriptor")
            if desc is None and "/DescendantFonts" in font:
                desc = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            desc = desc.get_object() if desc is not None else {}
            if not any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                missing.add(str(font.get("/BaseFont")))
    assert not missing, f"fonts not embedded in the PDF: {sorted(missing)}"
