"""No measured number is typed by hand in the book's text.

The book promises that every number a reader sees comes from an executed cell. This test reads
every chapter's Markdown, drops what is not prose typed by hand (front matter, code cells and
code blocks, math, glue and other roles, inline code, link targets, comments, directive options
other than ``:alt:``), and looks in what remains for

* decimal numbers (``0.67``), percentages (``1 %``, ``99.8%``),
* scientific notation (``1e-9``, ``2.5E+03``) and powers of ten in Unicode (``10⁻⁹``),
* ratios (``3×``, ``×3``, ``1.5x faster``),
* integers of four or more digits (``1797``, ``20,700``) other than years (1940–2029).

Each one must be on the chapter's allowlist below, with the reason it is not a measurement: a
published constant, a parameter the text chooses, a definition. Anything else must be glued
from the cell that computes it (``{glue:text}``), or written in math when it is exact.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"

# chapter (file stem) -> {number as written: why it may be typed}
ALLOWED: dict[str, dict[str, str]] = {
    "index": {},
    "fitting": {
        "0.05": "the noise standard deviation the text chooses for its samples",
    },
    "forward": {
        "1.7159": "LeCun et al.'s published constant of the scaled tanh (1998)",
    },
    "costs": {},
    "equations": {},
    "algorithm": {
        "1000": "the largest mini-batch size the text chooses to time (and to count memory for)",
    },
    "efficiency": {
        "95%": "the confidence level the text chooses for its bootstrap intervals",
    },
    "autodiff": {},
    "practice": {
        # figure captions and alt texts (cell metadata) name the runs' chosen settings
        "0.3": "a learning rate the text chooses for the batch-size figure",
        "0.1": "the whitening regulariser ε the text chooses",
        "0.05": "the common learning rate the text chooses for the same-rate panels",
        "0.5": "a chosen multiple of 1/λ_max (step sizes of the quadratic-valley figures)",
        "1.5": "a chosen multiple of 1/λ_max",
        "1.7": "a chosen multiple of 1/λ_max",
        "1.9": "a chosen multiple of 1/λ_max",
        "2.1": "a chosen multiple of 1/λ_max",
        "2.2": "a chosen multiple of 1/λ_max",
        "2.5": "a chosen multiple of 1/λ_max",
    },
    "autoencoder": {
        "10,000": "the number of patches of the UFLDL exercise (a published parameter)",
        "0.01": "the sparsity target ρ of the UFLDL exercise (a published parameter)",
        "10⁻⁴": "the weight decay λ of the UFLDL exercise (a published parameter)",
        "0.2": "the sparsity target the text chooses to draw the KL penalty",
        "0.1": "a second sparsity target the text chooses, and the grey-scale range [0.1, 0.9]",
        "0.9": "the upper end of the grey-scale range the patches are drawn in",
        "5,000": "the number of patches the chapter trains on (chosen for build time)",
    },
    "history": {
        "0.9": "the momentum the text chooses for the exclusive-or runs",
    },
    "appendix_notation": {},
    "appendix_speed": {
        "1024": "a layer size of the benchmark's large configuration (784–1024–1024–10), chosen",
        "10,240": "the number of examples of the benchmark's large configuration, chosen",
    },
    "api": {},
    "bibliography": {},
    # The "What changed" page: its text comes from CHANGELOG.md (included, not scanned).
    "changes": {},
}

_FENCE = re.compile(r"^(`{3,}|~{3,})(.*)$")
# Fenced blocks whose body is prose (directives that hold text), scanned like the rest.
_PROSE_DIRECTIVES = re.compile(
    r"^\{(prf:\w+|exercise|solution|solution-start|solution-end|exercise-start|"
    r"exercise-end|note|tip|important|warning|caution|attention|hint|seealso|admonition|"
    r"dropdown|margin|sidebar|epigraph|topic|figure|glue:figure|table|list-table|"
    r"card|div|container|glossary|aside)\}"
)
_MATH_DIRECTIVES = re.compile(
    r"^\{(math|code-cell|code-block|code|literalinclude|raw|"
    r"bibliography|toctree|eval-rst|mermaid)\}"
)


def prose(text: str) -> str:
    """The hand-typed prose of a chapter's Markdown, with everything else blanked out.

    Line structure is kept (dropped lines become empty), so line numbers still match.
    """
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    # front matter
    if lines and lines[0].strip() == "---":
        out.append("")
        i = 1
        while i < len(lines) and lines[i].strip() != "---":
            out.append("")
            i += 1
        out.append("")
        i += 1
    fence_stack: list[tuple[str, bool]] = []  # (fence, is_prose)
    meta_state = {"in_header": False, "reading": False, "indent": 0}
    in_display_math = False
    in_comment = False
    while i < len(lines):
        line = lines[i]
        i += 1
        stripped = line.strip()
        skipping = any(not is_prose for _, is_prose in fence_stack)
        m = _FENCE.match(stripped)
        if m:
            fence, info = m.group(1), m.group(2).strip()
            if fence_stack and fence_stack[-1][0] == fence and not info:
                fence_stack.pop()
                out.append("")
                continue
            if not info or not info.startswith("{") or _MATH_DIRECTIVES.match(info):
                fence_stack.append((fence, False))
                meta_state.update(in_header=info.startswith("{code-cell}"), reading=False)
                out.append("")
                continue
            is_prose = bool(_PROSE_DIRECTIVES.match(info))
            fence_stack.append((fence, is_prose))
            # a directive's argument (a title) is prose
            out.append("" if skipping or not is_prose else re.sub(r"^\{[^}]*\}", "", info))
            continue
        if skipping:
            # a code cell's metadata lines (":mystnb:" … "caption:", "alt:") hold reader text
            reader_text = _metadata_reader_text(line, fence_stack, meta_state)
            out.append(reader_text)
            continue
        if in_comment:
            out.append("")
            if "-->" in line:
                in_comment = False
            continue
        if stripped.startswith("<!--"):
            in_comment = "-->" not in stripped
            out.append("")
            continue
        if stripped.startswith("$$"):
            # $$ … $$ on one line, or the start/end of a display
            if not (stripped.count("$$") >= 2 and len(stripped) > 2):
                in_display_math = not in_display_math
            out.append("")
            continue
        if in_display_math:
            out.append("")
            continue
        if stripped.startswith("%") or re.match(r"^\(.*\)=$", stripped):
            out.append("")  # MyST comment or target label
            continue
        if stripped.startswith(":") and re.match(r"^:[\w-]+:", stripped):
            # directive option: only the alt text is read by readers
            out.append(stripped[len(":alt:") :] if stripped.startswith(":alt:") else "")
            continue
        out.append(_inline(line))
    return "\n".join(out)


_META_KEY = re.compile(r"^:(\s*)(\w[\w-]*):\s?(.*)$")


def _metadata_reader_text(line: str, fence_stack: list, state: dict) -> str:
    """The reader-visible part of a code cell's option line (figure caption or alt text).

    Option lines come first in a code cell and start with ":"; YAML continuation lines of a
    caption or alt text are deeper indented. Everything else in a skipped block is blank.
    """
    if not state["in_header"] or len(fence_stack) != 1:
        return ""
    if not line.startswith(":"):
        state.update(in_header=False, reading=False)
        return ""
    m = _META_KEY.match(line)
    if m:
        indent, key, value = len(m.group(1)), m.group(2), m.group(3)
        if state["reading"] and indent > state["indent"]:
            return _inline(line[1:])  # a continuation line that looks like "key: value"
        state.update(reading=key in ("caption", "alt"), indent=indent)
        return _inline(value) if state["reading"] else ""
    return _inline(line[1:]) if state["reading"] else ""


def _inline(line: str) -> str:
    line = re.sub(r"\{[\w:-]+\}`[^`]*`", " ", line)  # roles: glue, math, eq, ref, cite, …
    line = re.sub(r"``[^`]*``|`[^`]*`", " ", line)  # inline code
    line = re.sub(r"\$\$.*?\$\$|\$[^$]*\$", " ", line)  # inline math
    line = re.sub(r"\\\(.*?\\\)", " ", line)
    line = re.sub(r"\]\([^)]*\)", "]", line)  # link targets
    line = re.sub(r"<[^>]+>", " ", line)  # HTML tags
    line = re.sub(r"https?://\S+|doi:\S+|arXiv:\S+", " ", line)
    return line


_NUMBER = re.compile(
    r"""
    (?<![\w.])(?:
        \d+(?:\.\d+)?\s?[eE][+-]?\d+\b             # 1e-9, 2.5E+03
      | 10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+                        # 10⁻⁹
      | \d+(?:\.\d+)?\s?%                         # 1 %, 99.8%
      | \d+(?:\.\d+)?\s?[×x](?![\d\s]*\d)          # 3×, 1.5x (not 8×8, not 8 × 8)
      | \d{1,3}(?:,\d{3})+(?:\.\d+)?              # 20,700
      | \d+\.\d+                                  # 0.67
      | \d{4,}                                    # 1797
    )
    | ×\s?\d+(?:\.\d+)?(?![\d×])(?=\s?(?:faster|slower|more|less|fewer|larger|smaller)\b)
    """,
    re.VERBOSE,
)


def _is_year(token: str) -> bool:
    return token.isdigit() and len(token) == 4 and 1940 <= int(token) <= 2029


def typed_numbers(text: str) -> list[tuple[int, str]]:
    """(line number, number as written) for every number typed in the prose of ``text``."""
    found = []
    for lineno, line in enumerate(prose(text).splitlines(), start=1):
        for m in _NUMBER.finditer(line):
            token = m.group(0).strip()
            if _is_year(token):
                continue
            found.append((lineno, token))
    return found


def _chapters() -> list[Path]:
    return sorted(BOOK.glob("*.md"))


@pytest.mark.parametrize("path", _chapters(), ids=lambda p: p.stem)
def test_no_number_typed_by_hand(path: Path) -> None:
    allowed = ALLOWED.get(path.stem)
    assert allowed is not None, f"{path.stem}: add the chapter to ALLOWED in this test"
    bad = [
        f"  {path.name}:{lineno}: {token!r}"
        for lineno, token in typed_numbers(path.read_text(encoding="utf-8"))
        if token not in allowed
    ]
    assert not bad, (
        "numbers typed by hand in the prose (glue them from the cell that computes them, write "
        "them in math when exact, or add them to ALLOWED with the reason):\n" + "\n".join(bad)
    )


def test_allowlist_entries_are_used() -> None:
    """An allowlist entry that no chapter needs any more is removed (no stale excuses)."""
    stale = []
    for stem, allowed in ALLOWED.items():
        path = BOOK / f"{stem}.md"
        assert path.is_file(), f"ALLOWED names {stem}, which is not a chapter in book/"
        tokens = {token for _, token in typed_numbers(path.read_text(encoding="utf-8"))}
        stale += [f"{stem}: {token!r}" for token in allowed if token not in tokens]
    assert not stale, "allowlist entries no chapter uses: " + ", ".join(stale)


@pytest.mark.parametrize(
    "sample, expected",
    [
        ("The error falls to 0.67 after training.", ["0.67"]),
        ("It used more than 99.8% of the flops.", ["99.8%"]),
        ("The sparsity target is 1 % here.", ["1 %"]),
        ("A correct gradient gives 10⁻⁹ or less.", ["10⁻⁹"]),
        ("The set holds 1797 images and 20,700 bytes.", ["1797", "20,700"]),
        ("bp is 3× faster, or ×2 faster, and 1.5x slower.", ["3×", "×2", "1.5x"]),
        ("An error of 6.8e-01 and 1e-9.", ["6.8e-01", "1e-9"]),
    ],
)
def test_scanner_finds_typed_numbers(sample: str, expected: list[str]) -> None:
    assert [token for _, token in typed_numbers(sample)] == expected


@pytest.mark.parametrize(
    "sample",
    [
        "In 1986 Rumelhart et al. published it.",
        "Patches of 8×8 pixels, and 8 × 8 images, 64 inputs.",
        "The rate is {glue:text}`eta:.2f` and $\\eta = 0.5$.",
        "See `np.float64(0.5)` and {eq}`eq-3.1`.",
        "---\njupytext:\n  format_version: 0.13\n---\nText.",
        "```{code-cell} ipython3\nx = 0.5\n```\nText.",
        "$$\nC = 0.5 \\|y - a\\|^2\n$$",
        "```{figure} a.png\n:width: 90%\n:alt: A curve that falls.\n```",
        "[a link](https://example.org/v1.5/page)",
    ],
)
def test_scanner_skips_what_is_not_typed(sample: str) -> None:
    assert typed_numbers(sample) == []


def test_scanner_reads_captions_in_cell_metadata() -> None:
    text = (
        "```{code-cell} ipython3\n:mystnb:\n:  figure:\n"
        ":    caption: The cost falls to 0.25\n:      and then 1.5% more.\n"
        ":    name: fig-3.2\n:  image:\n:    alt: A curve near 0.67.\n"
        "x = 0.5\n```\n"
    )
    assert [token for _, token in typed_numbers(text)] == ["0.25", "1.5%", "0.67"]


def test_scanner_reads_alt_text_and_admonitions() -> None:
    text = (
        "```{figure} a.png\n:alt: The error falls to 0.67.\n```\n"
        "```{note}\nIt takes 2.5 seconds.\n```\n"
    )
    assert [token for _, token in typed_numbers(text)] == ["0.67", "2.5"]
