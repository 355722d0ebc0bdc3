"""Sphinx extension: appendices numbered A, B, C, with figures, listings, equations and
exercises numbered A.1, A.2, … inside them.

The chapters are numbered by their toctree (``numbered: true`` in _toc.yml), so their
figures read "Fig. 8.1". The appendices are not numbered, and Sphinx then counts their
figures, listings, equations and exercises with one counter shared by every unnumbered
page: "Fig. 1", "Listing 1", "(1)", which read like chapter 1. After Sphinx has assigned
its numbers (``env-get-updated``), this extension gives each page of
``bp_appendices`` (in _config.yml) a letter in order: its title and sections become
"A.", "A.1", … (in the page, the sidebar and the previous/next links), and every numbered
item on it "A.1", "A.2", … in its own order. References (``{numref}``, ``{eq}``, exercise
and proof references) read the same numbers, so they follow.
"""

from __future__ import annotations

import string
from typing import Any

from docutils import nodes
from sphinx import addnodes


def _number_sections(toc: nodes.Node, letter: str) -> dict[str, tuple[Any, ...]]:
    secnums: dict[str, tuple[Any, ...]] = {}
    numstack: list[int] = [0]

    def walk(node: nodes.Node) -> None:
        for sub in node.children:
            if isinstance(sub, nodes.bullet_list):
                numstack.append(0)
                walk(sub)
                numstack.pop()
            elif isinstance(sub, (nodes.list_item, addnodes.only)):
                walk(sub)
            elif isinstance(sub, addnodes.compact_paragraph):
                if "skip_section_number" in sub:
                    continue
                numstack[-1] += 1
                number = (letter, *numstack[1:])
                reference = sub[0]
                reference["secnumber"] = number
                secnums[reference["anchorname"]] = number

    walk(toc)
    return secnums


def letter_appendices(app: Any, env: Any) -> list[str]:
    appendices = [doc for doc in app.config.bp_appendices if doc in env.tocs]
    for letter, doc in zip(string.ascii_uppercase, appendices):
        secnums = _number_sections(env.tocs[doc], letter)
        env.toc_secnumbers[doc] = secnums
        if doc in env.titles:
            env.titles[doc]["secnumber"] = (letter,)
        for figtype, numbers in env.toc_fignumbers.get(doc, {}).items():
            ordered = sorted(numbers.items(), key=lambda item: item[1])
            for i, (node_id, _old) in enumerate(ordered, start=1):
                numbers[node_id] = (letter, i)
            env.toc_fignumbers[doc][figtype] = numbers
    return appendices


def setup(app: Any) -> dict[str, Any]:
    app.add_config_value("bp_appendices", [], "env")
    # After Sphinx's own numbering (TocTreeCollector, default priority 500).
    app.connect("env-get-updated", letter_appendices, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
