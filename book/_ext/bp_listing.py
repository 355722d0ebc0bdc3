"""Sphinx extension: ``bp`` listings without their docstrings in the way of the argument.

A chapter shows the real source of a ``bp`` function with ``literalinclude`` and
``:pyobject:``. A NumPy-style docstring (parameters, shapes, what is raised) can be longer
than the code it documents, and in a chapter it interrupts the argument. This extension adds
one option to Sphinx's ``literalinclude``::

    ```{literalinclude} ../bp/curvature.py
    :language: python
    :pyobject: power_iteration
    :docstring: collapse
    ```

``:docstring: collapse`` (or just ``:docstring:``)
    The listing shows the object's source without its docstrings (the object's own and, for
    a class, those of its methods: each is cut out of the lines exactly as it stands in the
    file, nothing else changes). Right below the code, a collapsed block
    (``<details class="bp-docstring">``) whose one-line summary is the docstring's first
    line holds the docstrings as they stand in the source, for the reader who wants them.
    In print (and the book's PDF) only that summary line is printed.
``:docstring: drop``
    The docstrings are cut out and not shown at all (say so in the caption).
``:docstring: show``
    The default without the option: the listing as it stands in the file.

``:lines:``, ``:start-at:``, ``:end-before:``, ``:dedent:`` and the other options of
``literalinclude`` work as before; ``:lines:`` counts the lines left once the docstrings are
cut out. Everything else of the directive (caption, ``:name:``, numbering) is unchanged, and
without the option the directive behaves exactly as Sphinx's own.
"""

from __future__ import annotations

import ast
import html
import re
import textwrap
from typing import Any, ClassVar

import sphinx.directives.code as sphinx_code
from docutils import nodes
from sphinx.directives.code import LiteralInclude, LiteralIncludeReader

MODES = ("collapse", "drop", "show")


def _docstring_mode(argument: str | None) -> str:
    value = (argument or "collapse").strip().lower()
    if value not in MODES:
        raise ValueError(f"docstring: expected one of {', '.join(MODES)}, not {argument!r}")
    return value


def docstring_spans(source: str, first: int, last: int) -> list[tuple[int, int, str]]:
    """The docstrings of the definitions that start within lines ``first``-``last``.

    Returns ``(start, end, owner)`` per docstring: its first and last line (1-based,
    inclusive, as in the file) and the dotted name of the class or function it documents,
    in the order of the file.
    """
    spans: list[tuple[int, int, str]] = []

    def walk(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                body = child.body
                if (
                    first <= child.lineno <= last
                    and body
                    and isinstance(body[0], ast.Expr)
                    and isinstance(body[0].value, ast.Constant)
                    and isinstance(body[0].value.value, str)
                ):
                    doc = body[0]
                    spans.append((doc.lineno, doc.end_lineno or doc.lineno, name))
                walk(child, f"{name}.")

    walk(ast.parse(source), "")
    return sorted(spans)


class _Reader(LiteralIncludeReader):
    """Sphinx's reader with the docstrings cut out right after ``:pyobject:`` selects."""

    def __init__(self, filename: str, options: dict[str, Any], config: Any) -> None:
        super().__init__(filename, options, config)
        # Each docstring cut out: (owner, its source lines as they stand in the file).
        self.docstrings: list[tuple[str, list[str]]] = []

    def pyobject_filter(self, lines: list[str], location: Any = None) -> list[str]:
        all_lines = lines
        lines = super().pyobject_filter(lines, location=location)
        if self.options.get("docstring", "show") == "show":
            return lines
        pyobject = self.options.get("pyobject")
        if not pyobject:
            raise ValueError("the docstring option needs :pyobject:")
        from sphinx.pycode import ModuleAnalyzer

        _, start, end = ModuleAnalyzer.for_file(self.filename, "").find_tags()[pyobject]
        cut: set[int] = set()
        for first, last, owner in docstring_spans("".join(all_lines), start, end):
            self.docstrings.append((owner, all_lines[first - 1 : last]))
            cut.update(range(first, last + 1))
            # A blank line that only separated the docstring from the code goes with it.
            after = last + 1
            if after <= end and not all_lines[after - 1].strip():
                cut.add(after)
        return [line for n, line in enumerate(lines, start) if n not in cut]


def _summary(docstrings: list[tuple[str, list[str]]]) -> str:
    """One line for the collapsed block: the first line of the first docstring."""
    _, source = docstrings[0]
    text = re.sub(r'^[rRuU]?("""|\'\'\'|"|\')', "", "".join(source).strip())
    text = re.sub(r'("""|\'\'\'|"|\')$', "", text).strip()
    first = text.splitlines()[0].strip() if text else ""
    # Roles and literals (:math:`x`, ``x``, `x`) as their plain text.
    first = re.sub(r"(?::\w+:)?`{1,2}([^`]*)`{1,2}", r"\1", first)
    more = len(docstrings) - 1
    if more:
        first += f" (and those of {more} method{'s' if more > 1 else ''})"
    return first


class BookLiteralInclude(LiteralInclude):
    """``literalinclude`` with a ``:docstring:`` option (see the module's docstring)."""

    option_spec: ClassVar[dict[str, Any]] = {
        **LiteralInclude.option_spec,
        "docstring": _docstring_mode,
    }

    def run(self) -> list[nodes.Node]:
        mode = self.options.get("docstring", "show")
        if mode == "show":
            return super().run()
        readers: list[_Reader] = []

        def make_reader(filename: str, options: dict[str, Any], config: Any) -> _Reader:
            reader = _Reader(filename, options, config)
            readers.append(reader)
            return reader

        # Sphinx's run() builds its reader by the module-level name LiteralIncludeReader:
        # for this one call it builds ours (and the rest of run() stays Sphinx's own).
        sphinx_code.LiteralIncludeReader = make_reader  # type: ignore[assignment,misc]
        try:
            result = super().run()
        finally:
            sphinx_code.LiteralIncludeReader = LiteralIncludeReader  # type: ignore[misc]
        if mode == "drop" or not readers or not readers[0].docstrings:
            return result
        return [*result, self._collapsed(readers[0].docstrings)]

    def _collapsed(self, docstrings: list[tuple[str, list[str]]]) -> nodes.Node:
        """The docstrings, verbatim, in a collapsed block below the listing."""
        many = len(docstrings) > 1
        block = nodes.container(classes=["bp-docstring-body"])
        for owner, source in docstrings:
            text = textwrap.dedent("".join(source)).rstrip("\n")
            if many:
                label = nodes.paragraph(classes=["bp-docstring-owner"])
                label += nodes.literal(owner, owner)
                block += label
            literal = nodes.literal_block(
                text, text, language="text", classes=["bp-docstring-text"]
            )
            self.set_source_info(literal)
            block += literal
        head = "Docstrings" if many else "Docstring"
        summary = html.escape(_summary(docstrings))
        opening = nodes.raw(
            "",
            f'<details class="bp-docstring"><summary><span class="bp-docstring-label">{head}'
            f"</span> {summary}</summary>",
            format="html",
        )
        closing = nodes.raw("", "</details>", format="html")
        wrapper = nodes.container(classes=["bp-docstring-wrapper"])
        wrapper += [opening, block, closing]
        return wrapper


def setup(app: Any) -> dict[str, Any]:
    app.add_directive("literalinclude", BookLiteralInclude, override=True)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
