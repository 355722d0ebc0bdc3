"""book/_ext/lean_pages.py rewrites each page once: a second build leaves finished pages alone.

(Typesetting a page's math twice turns it into visible markup; an incremental `make book`, or
`make pdf` after `make book`, runs the step again over pages Sphinx did not rewrite.)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book" / "_ext"))
import lean_pages

PAGE = "<html><head><title>t</title></head><body><p>text</p></body></html>"


def test_a_page_is_marked_once_and_left_alone_after(tmp_path: Path) -> None:
    page = tmp_path / "book" / "a.html"
    page.parent.mkdir()
    page.write_text(PAGE, encoding="utf-8")
    lean_pages.lean_pages(tmp_path, prerender=False)
    once = page.read_text(encoding="utf-8")
    assert once.count(lean_pages.LEAN_MARK) == 1
    lean_pages.lean_pages(tmp_path, prerender=False)
    assert page.read_text(encoding="utf-8") == once


def test_finished_pages_are_not_typeset_again(tmp_path: Path) -> None:
    # a finished page that still shows TeX-like text must not reach the math step
    text = PAGE.replace("<head>", "<head>" + lean_pages.LEAN_MARK).replace(
        "text", r'<span class="math notranslate nohighlight">\(x^2\)</span>'
    )
    page = tmp_path / "b.html"
    page.write_text(text, encoding="utf-8")
    lean_pages.lean_pages(tmp_path, prerender=True)  # would need Node if it typeset anything
    assert page.read_text(encoding="utf-8") == text
