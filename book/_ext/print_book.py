"""Sphinx extension: the whole book on one page (``singlehtml``), which ``make pdf`` prints.

Sphinx looks up the HTML of a custom node under the builder's own name first (here
``singlehtml``) and falls back to the ``html`` handlers only when no extension registered
any ``singlehtml`` handler. Some extensions register a few, so the nodes of the others
(myst-nb's collapsible code cells, sphinx-proof's lemmas, …) would have no HTML; this
extension gives ``singlehtml`` every ``html`` handler it lacks, so the book also builds as
one page (``jupyter-book build . --builder singlehtml``). ``book/_ext/make_pdf.py`` prints
that page with Chromium into ``_build/pdf/book.pdf``.
"""

from __future__ import annotations

from typing import Any


def _share_html_handlers(app: Any) -> None:
    handlers = app.registry.translation_handlers
    if app.builder.name != "singlehtml" or "singlehtml" not in handlers:
        return
    for node, pair in handlers.get("html", {}).items():
        handlers["singlehtml"].setdefault(node, pair)


def setup(app: Any) -> dict[str, Any]:
    app.connect("builder-inited", _share_html_handlers)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
