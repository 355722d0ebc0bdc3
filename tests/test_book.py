"""The whole book builds from scratch: every chapter executes, with no Sphinx warning.

The build (tests/book_build.py, shared with tests/test_browser.py so the book is built once
per session) runs the same command as ``make book`` (``jupyter-book build . -W -n
--keep-going``), into a fresh temporary ``--path-output`` so that no execution cache is
reused. A cell that raises, or any Sphinx warning, makes it fail. The built pages must then
work offline: the math typeset at build time (no MathJax script, its fonts in the build), and
no script, stylesheet or image fetched from another host.

It takes a minute or two; deselect it with ``pytest -m "not book"``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from book_build import BookBuild

pytestmark = pytest.mark.book

pytest_plugins = ["book_build"]

# <link rel=...> values whose href the browser fetches.
LOADED_LINK_RELS = {"stylesheet", "preload", "modulepreload", "prefetch", "icon", "manifest"}


@pytest.fixture
def html_dir(book_build: BookBuild) -> Path:
    return book_build.html


class _Loads(HTMLParser):
    """Collect the URLs a page makes the browser load, and its MathJax scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.loaded: list[tuple[str, str]] = []  # (tag, url)
        self.mathjax: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "script" and a.get("src"):
            self.loaded.append((tag, a["src"]))
            if "mathjax" in a["src"].lower():
                self.mathjax.append(a["src"])
        elif tag == "link" and a.get("href"):
            if LOADED_LINK_RELS & set(a.get("rel", "").lower().split()):
                self.loaded.append((tag, a["href"]))
        elif tag in {"img", "iframe", "audio", "video", "source", "embed"} and a.get("src"):
            self.loaded.append((tag, a["src"]))


def _is_external(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme and parts.scheme != "data") or url.startswith("//")


def _pages(html: Path) -> list[Path]:
    return sorted(p for p in html.rglob("*.html") if "_static" not in p.parts)


def test_book_builds_and_has_index(html_dir: Path) -> None:
    assert (html_dir / "index.html").is_file()
    assert (html_dir / "book" / "index.html").is_file()


def test_pages_load_nothing_from_other_hosts(html_dir: Path) -> None:
    external = []
    for page in _pages(html_dir):
        parser = _Loads()
        parser.feed(page.read_text(encoding="utf-8"))
        external += [
            f"{page.relative_to(html_dir)}: <{tag}> {url}"
            for tag, url in parser.loaded
            if _is_external(url)
        ]
    assert not external, "pages load external resources:\n" + "\n".join(external)


def test_stylesheets_fetch_nothing_from_other_hosts(html_dir: Path) -> None:
    remote = re.compile(r"""(url\(\s*['"]?|@import\s+['"])(https?:)?//""", re.IGNORECASE)
    bad = [
        str(css.relative_to(html_dir))
        for css in html_dir.rglob("*.css")
        if remote.search(css.read_text(encoding="utf-8", errors="replace"))
    ]
    assert not bad, f"stylesheets with remote url()/@import: {bad}"


def test_math_is_typeset_in_the_pages_with_local_fonts(html_dir: Path) -> None:
    """The math is typeset at build time (book/_ext/lean_pages.py): pages load no MathJax
    script, carry MathJax's output and a stylesheet whose fonts are in the build."""
    with_math = 0
    font_url = re.compile(r'url\("([^"]+\.woff)"\)')
    for page in _pages(html_dir):
        text = page.read_text(encoding="utf-8")
        parser = _Loads()
        parser.feed(text)
        where = page.relative_to(html_dir)
        assert not parser.mathjax, f"{where}: loads MathJax's script {parser.mathjax}"
        raw = re.search(
            r'class="math notranslate nohighlight"[^>]*>'
            r'\s*(<span class="eqno">.*?</span>)?\s*\\[(\[]',
            text,
        )
        assert not raw, f"{where}: a math element still holds raw TeX"
        if "<mjx-container" not in text:
            continue
        with_math += 1
        assert 'id="MJX-CHTML-styles"' in text, f"{where}: typeset math without its stylesheet"
        fonts = font_url.findall(text)
        assert fonts, f"{where}: the math stylesheet names no font"
        for url in set(fonts):
            assert not _is_external(url), f"{where}: math font from {url}"
            assert (page.parent / unquote(url)).resolve().is_file(), (
                f"{where}: math font {url} is missing"
            )
    assert with_math > 0, "no page has typeset math: is book/_ext/lean_pages.py running?"
