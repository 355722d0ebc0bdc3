"""Sphinx extension: the math in ``bp``'s docstrings typeset on the API page.

``bp``'s docstrings write their math as plain text, so that they read well in a terminal
(``help(bp.Network.backprop)``): ``w^l_{jk} ~ N(0, 1/n_{l−1})``, ``δ^l = ∂C/∂z^l``,
``Σ_x C_x``. On the API page (``book/api.md``, autodoc over every ``bp`` module) the same
text would show its carets and underscores raw. This extension rewrites each docstring of
``bp`` as autodoc reads it (``autodoc-process-docstring``, before napoleon turns its NumPy
sections into fields), and leaves the source alone:

**What becomes math.** A *token*: one Latin or Greek letter (optionally with a prime ′ or
″, or a combining hat, bar or dot: ``ρ̂``, ``Ż``), followed by one or more scripts ``^x``,
``^{…}``, ``^(…)``, ``_x``, ``_{…}`` (braces and parentheses balanced), ``ᵀ``, or trailing
superscript digits, and bounded on both sides by characters that are not part of a word.
A Greek factor written against it joins it (``λw^l``), so do a differential ``d`` (``dz^L``)
and a quotient of partial derivatives (``∂C_x/∂z^l_j``). A Greek letter may take a word as
subscript (``λ_max``), any letter a word as superscript (``a^start``: no identifier has a
caret). ``∇`` takes scripts like a letter (``∇_a``), and so do ``lim``, ``max``, ``min``,
``sup`` and ``inf`` (``lim_{ε→0}``); a short group in parentheses or norm bars takes them
too (``(w^{l+1})ᵀ``, ``(Λ + εI)^(−1/2)``, ``‖w^l‖²``). Each token becomes an inline
``:math:`` role, its Unicode written as TeX: − as ``-``, ′ as ``'``, δ as ``\\delta``, Σ and
Π before a script as ``\\sum`` and ``\\prod``, ᵀ as ``^{\\mathsf T}``, ``^(…)`` as ``^{…}``,
words of three letters or more as ``\\text{…}`` (or ``\\ln``, ``\\max``, …). Where the
character beside a role would keep docutils from seeing it (``½‖a‖²``), an escaped space
(``\\ ``, which docutils drops) separates them. ``book/_ext/lean_pages.py`` typesets the
math at build time.

**What is never touched.** Inline literals (````…````), interpreted text and roles
(``:func:`…```), emphasis, hyperlinks and URLs; literal blocks (the indented lines after
``::``), doctest blocks (``>>>`` and their output), directives that are not prose
(``.. math::``, ``.. code-block::``, comments, targets), simple and grid tables; field
markers (``:param x:``), and in the NumPy sections the parameter names of ``name : type``
lines (the type after the colon is converted), the exception names under *Raises*, the
names under *See Also*; the names of the documented object's own parameters wherever
they appear; and identifiers: a token must end where the word ends, so ``n_visible``,
``check_batch``, ``x_name`` and ``X_train`` are left as they are.

Only objects whose name starts with ``bp`` are rewritten. :func:`rewrite` is the whole
transformation (``tests/test_api_math.py`` tests it on real docstring lines of ``bp``).
"""

from __future__ import annotations

import inspect
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from docutils.utils import punctuation_chars

# ---------------------------------------------------------------------------------------------
# Characters
# ---------------------------------------------------------------------------------------------

GREEK = {
    "α": r"\alpha",
    "β": r"\beta",
    "γ": r"\gamma",
    "δ": r"\delta",
    "ε": r"\varepsilon",
    "ϵ": r"\epsilon",
    "ζ": r"\zeta",
    "η": r"\eta",
    "θ": r"\theta",
    "ϑ": r"\vartheta",
    "ι": r"\iota",
    "κ": r"\kappa",
    "λ": r"\lambda",
    "μ": r"\mu",
    "ν": r"\nu",
    "ξ": r"\xi",
    "ο": "o",
    "π": r"\pi",
    "ρ": r"\rho",
    "σ": r"\sigma",
    "ς": r"\varsigma",
    "τ": r"\tau",
    "υ": r"\upsilon",
    "φ": r"\varphi",
    "ϕ": r"\phi",
    "χ": r"\chi",
    "ψ": r"\psi",
    "ω": r"\omega",
    "Α": "A",
    "Β": "B",
    "Γ": r"\Gamma",
    "Δ": r"\Delta",
    "Ε": "E",
    "Ζ": "Z",
    "Η": "H",
    "Θ": r"\Theta",
    "Ι": "I",
    "Κ": "K",
    "Λ": r"\Lambda",
    "Μ": "M",
    "Ν": "N",
    "Ξ": r"\Xi",
    "Ο": "O",
    "Π": r"\Pi",
    "Ρ": "P",
    "Σ": r"\Sigma",
    "Τ": "T",
    "Υ": r"\Upsilon",
    "Φ": r"\Phi",
    "Χ": "X",
    "Ψ": r"\Psi",
    "Ω": r"\Omega",
}
# Σ and Π with a script are a sum and a product (Σ_x C_x, Π_{l′>l}).
OPERATORS = {"Σ": r"\sum", "Π": r"\prod"}
MARKS = {
    "\u0302": r"\hat",
    "\u0304": r"\bar",
    "\u0305": r"\bar",
    "\u0307": r"\dot",
    "\u0308": r"\ddot",
}
PRIMES = {"′": "'", "″": "''", "‴": "'''"}
SUPERSCRIPTS = {
    "⁰": "0",
    "¹": "1",
    "²": "2",
    "³": "3",
    "⁴": "4",
    "⁵": "5",
    "⁶": "6",
    "⁷": "7",
    "⁸": "8",
    "⁹": "9",
    "⁻": "-",
}
TRANSPOSE = "ᵀ"
SYMBOLS = {
    "−": "-",
    "–": "-",
    "…": r"\dots",
    "⋯": r"\cdots",
    "·": r"\cdot",
    "×": r"\times",
    "≥": r"\ge",
    "≤": r"\le",
    "≠": r"\ne",
    "≈": r"\approx",
    "→": r"\to",
    "∈": r"\in",
    "⊙": r"\odot",
    "∞": r"\infty",
    "∂": r"\partial",
    "∇": r"\nabla",
    "±": r"\pm",
    "‖": r"\|",
    "½": r"\tfrac12",
    "%": r"\%",
    "#": r"\#",
    "&": r"\&",
    "$": r"\$",
    "~": r"\sim",
}
# Symbols that take scripts like a letter: ∇_a C_x.
BASE_SYMBOLS = {"∇"}
GROUPS = {"(": ")", "‖": "‖"}
GROUP_MAX = 40  # longest (…) taken as the base of a script, parentheses included
LIMIT = re.compile(r"(?:lim|max|min|sup|inf)(?=_)")
FUNCTIONS = {
    "lim",
    "ln",
    "log",
    "exp",
    "max",
    "min",
    "sup",
    "inf",
    "tanh",
    "sinh",
    "cosh",
    "sin",
    "cos",
}
WORD = re.compile(r"[A-Za-z]{3,}(?: +[A-Za-z]+)*")


def _is_letter(c: str) -> bool:
    """A Latin or Greek letter that can start a token (Ż and Ȧ too: a letter and a mark)."""
    if not c:
        return False
    base = unicodedata.normalize("NFD", c)[0]
    return ("A" <= base <= "Z") or ("a" <= base <= "z") or base in GREEK or base in BASE_SYMBOLS


def _is_greek(c: str) -> bool:
    return c in GREEK


def _wordish(c: str) -> bool:
    """Part of a word: a letter of any script, a decimal digit, an underscore or a mark."""
    cat = unicodedata.category(c)
    return c == "_" or cat[0] in "LM" or cat == "Nd"


# ---------------------------------------------------------------------------------------------
# Tokens
# ---------------------------------------------------------------------------------------------


def _atom(s: str, i: int) -> int | None:
    """End of a letter with its marks and primes starting at ``i``, or None."""
    if i >= len(s) or not _is_letter(s[i]):
        return None
    j = i + 1
    while j < len(s) and s[j] in MARKS:
        j += 1
    while j < len(s) and s[j] in PRIMES:
        j += 1
    return j


def _balanced(s: str, i: int, open_: str, close: str) -> int | None:
    """End (after the closing bracket) of the bracketed group opening at ``s[i]``."""
    depth = 0
    for j in range(i, len(s)):
        if s[j] == "\n":
            return None
        if s[j] == open_:
            depth += 1
        elif s[j] == close:
            depth -= 1
            if depth == 0:
                return j + 1
    return None


def _scripts(s: str, j: int, greek_base: bool, group: bool = False) -> tuple[int, int] | None:
    """End of the scripts starting at ``j`` and how many there are; None if malformed.

    After a group (``group``), superscript digits count as a script: ``‖w^l‖²``.
    """
    count = 0
    n = len(s)
    while j < n:
        c = s[j]
        if c in "^_":
            k = j + 1
            if k >= n:
                return None
            if s[k] == "{":
                end = _balanced(s, k, "{", "}")
            elif s[k] == "(" and c == "^":
                end = _balanced(s, k, "(", ")")
            elif "0" <= s[k] <= "9":
                end = k + 1
                while end < n and "0" <= s[end] <= "9":
                    end += 1
            elif (greek_base or c == "^") and s[k].isascii() and s[k].isalpha():
                # A word as a superscript (a^start: no identifier has a caret) or as the
                # subscript of a Greek letter (λ_max, η_opt: no identifier of bp is Greek).
                end = k + 1
                while end < n and s[end].isascii() and s[end].isalpha():
                    end += 1
            else:
                end = _atom(s, k)
            if end is None:
                return None
            j = end
            count += 1
        elif c == TRANSPOSE or (c in SUPERSCRIPTS and (count or group)):
            j += 1
            count += 1
        elif count and c in PRIMES:
            j += 1
        else:
            break
    return j, count


def _unit(s: str, i: int) -> tuple[int, int] | None:
    """A letter (with a Greek factor or a ``d`` before it) and its scripts: (end, scripts)."""
    j = _atom(s, i)
    if j is None:
        return None
    start = i
    # Greek factors glued to the letter (λw^l), or a differential d (dz^L_x).
    while True:
        nxt = _atom(s, j)
        if nxt is None or not (_is_greek(s[start]) or s[start:j] == "d"):
            break
        start, j = j, nxt
    scripts = _scripts(s, j, _is_greek(unicodedata.normalize("NFD", s[start])[0]))
    if scripts is None:
        return None
    return scripts


def _group_end(s: str, i: int) -> int | None:
    """End of the short bracketed group opening at ``s[i]`` (``(…)`` or ``‖…‖``), or None."""
    if s[i] == "(":
        end = _balanced(s, i, "(", ")")
    else:
        close = s.find(GROUPS[s[i]], i + 1)
        end = close + 1 if close > i + 1 and "\n" not in s[i:close] else None
    return end if end is not None and end - i <= GROUP_MAX else None


def _ends_word(s: str, end: int) -> bool:
    if end >= len(s):
        return True
    c = s[end]
    if _wordish(c) or c in "^_" or c in MARKS or c == "\\":
        return False
    # An attribute or a dotted name (x_i.shape), not the end of a sentence.
    return not (c == "." and end + 1 < len(s) and (s[end + 1].isalnum() or s[end + 1] == "_"))


def _starts_word(s: str, i: int) -> bool:
    if i == 0:
        return True
    c = s[i - 1]
    if _wordish(c) or c in "^_\\" or c in PRIMES:
        return False
    return not (c == "." and i >= 2 and (s[i - 2].isalnum() or s[i - 2] == "_"))


def match_token(s: str, i: int) -> int | None:
    """End of the math token starting at ``s[i]``, or None when none starts there."""
    if not _starts_word(s, i):
        return None
    if s[i] == "∂":
        # ∂C/∂w^l, ∂C_x/∂z^l_j: a quotient of partial derivatives, with a script somewhere.
        top = _unit(s, i + 1)
        if top and s[top[0] : top[0] + 2] == "/∂":
            bottom = _unit(s, top[0] + 2)
            if bottom and top[1] + bottom[1] and _ends_word(s, bottom[0]):
                return bottom[0]
        return None
    if s[i] in GROUPS:
        # (Λ + εI)^(−1/2), (w^{l+1})ᵀ, ‖w^l‖²: a short group in brackets with a script.
        close = _group_end(s, i)
        scripts = _scripts(s, close, False, group=True) if close else None
        if scripts and scripts[1] and _ends_word(s, scripts[0]):
            return scripts[0]
        return None
    limit = LIMIT.match(s, i)
    if limit:  # lim_{ε→0}, max_j: an operator with its subscript
        scripts = _scripts(s, limit.end(), False)
        if scripts and scripts[1] and _ends_word(s, scripts[0]):
            return scripts[0]
        return None
    unit = _unit(s, i)
    if unit is None or unit[1] == 0 or not _ends_word(s, unit[0]):
        return None
    return unit[0]


def _join(parts: Iterable[str]) -> str:
    """Concatenate TeX pieces, with a space where a control word meets a letter."""
    out = ""
    for p in parts:
        if out and p and re.search(r"\\[A-Za-z]+$", out) and (p[0].isalpha()):
            out += " "
        out += p
    return out


def to_tex(token: str) -> str:
    """The TeX of a token: ``δ^{l−1}`` → ``\\delta^{l-1}``, ``w^lᵀ`` → ``{w^l}^{\\mathsf T}``."""
    s = unicodedata.normalize("NFD", token)
    pieces: list[str] = []  # at top level: base, then one piece per script
    seen: set[str] = set()

    def inner(text: str) -> str:
        """Convert the inside of a group (no top-level bookkeeping)."""
        out: list[str] = []
        k = 0
        while k < len(text):
            c = text[k]
            word = WORD.match(text, k) if c.isascii() and c.isalpha() else None
            if word and (k == 0 or not (text[k - 1].isascii() and text[k - 1].isalpha())):
                w = word.group()
                first = w.split(" ")[0]
                if first in FUNCTIONS:  # e^(z_k − max z): \max, then the rest as it comes
                    out.append(f"\\{first}")
                    k += len(first)
                else:
                    out.append(f"\\text{{{w}}}")
                    k = word.end()
                continue
            if k + 1 < len(text) and text[k + 1] in MARKS:
                base = _char(c, text[k + 2 : k + 3] in ("^", "_"))
                m = k + 1
                while m < len(text) and text[m] in MARKS:
                    base = f"{MARKS[text[m]]}{{{base}}}"
                    m += 1
                out.append(base)
                k = m
                continue
            if c in SUPERSCRIPTS:
                m = k
                while m < len(text) and text[m] in SUPERSCRIPTS:
                    m += 1
                out.append("^{" + "".join(SUPERSCRIPTS[x] for x in text[k:m]) + "}")
                k = m
                continue
            if c == TRANSPOSE:
                out.append(r"^{\mathsf T}")
            else:
                out.append(_char(c, text[k + 1 : k + 2] in ("^", "_")))
            k += 1
        # A script of more than one character is braced: A^{\text{start}}.
        for n in range(1, len(out)):
            if out[n - 1] in ("^", "_") and len(out[n]) > 1 and not out[n].startswith("{"):
                out[n] = "{" + out[n] + "}"
        return _join(out)

    def add_script(kind: str, body: str) -> None:
        nonlocal pieces
        if kind in seen:  # a second superscript (w^lᵀ, w^l²): brace what came before
            pieces = ["{" + _join(pieces) + "}"]
            seen.clear()
        seen.add(kind)
        pieces.append(f"{kind}{{{body}}}" if len(body) > 1 else f"{kind}{body}")

    # The base: everything before the first script character.
    if s.startswith("∂"):  # a quotient of partial derivatives: convert it as one group
        return inner(s)
    k = (_group_end(s, 0) or 0) if s[0] in GROUPS else 0
    while k < len(s) and s[k] not in "^_" and s[k] != TRANSPOSE and s[k] not in SUPERSCRIPTS:
        k += 1
    base = s[:k]
    if base[-1] in OPERATORS:  # Σ_x, Π_{l′>l}: a sum, a product
        pieces.append(_join([inner(base[:-1]), OPERATORS[base[-1]]]))
    else:
        pieces.append(inner(base))
    while k < len(s):
        c = s[k]
        if c in "^_":
            if s[k + 1] == "{":
                end = _balanced(s, k + 1, "{", "}") or len(s)
                body = inner(s[k + 2 : end - 1])
            elif s[k + 1] == "(":
                end = _balanced(s, k + 1, "(", ")") or len(s)
                body = inner(s[k + 2 : end - 1])
            else:
                end = k + 2
                while end < len(s) and (
                    s[end] in MARKS
                    or s[end] in PRIMES
                    or (
                        s[end].isascii()
                        and s[end].isalnum()
                        and s[k + 1].isascii()
                        and s[k + 1].isalnum()
                    )
                ):
                    end += 1
                body = inner(s[k + 1 : end])
            add_script(c, body)
            k = end
        elif c == TRANSPOSE:
            add_script("^", r"\mathsf T")
            k += 1
        elif c in SUPERSCRIPTS:
            end = k
            while end < len(s) and s[end] in SUPERSCRIPTS:
                end += 1
            add_script("^", "".join(SUPERSCRIPTS[x] for x in s[k:end]))
            k = end
        elif c in PRIMES:
            pieces[-1] += PRIMES[c]
            k += 1
        else:  # not reached for a token found by match_token
            pieces.append(inner(c))
            k += 1
    return _join(pieces)


def _char(c: str, before_script: bool) -> str:
    if c in OPERATORS and before_script:
        return OPERATORS[c]
    if c in GREEK:
        return GREEK[c]
    if c in PRIMES:
        return PRIMES[c]
    return SYMBOLS.get(c, c)


# ---------------------------------------------------------------------------------------------
# Where tokens may be rewritten
# ---------------------------------------------------------------------------------------------

SECTION_NAMES = {
    "parameters": "names",
    "params": "names",
    "arguments": "names",
    "args": "names",
    "other parameters": "names",
    "keyword arguments": "names",
    "keyword args": "names",
    "attributes": "names",
    "methods": "names",
    "receives": "names",
    "returns": "types",
    "return": "types",
    "yields": "types",
    "yield": "types",
    "raises": "all",
    "raise": "all",
    "warns": "all",
    "see also": "names",
}
PROSE_DIRECTIVES = {
    "note",
    "warning",
    "tip",
    "hint",
    "important",
    "caution",
    "attention",
    "danger",
    "error",
    "seealso",
    "admonition",
    "versionadded",
    "versionchanged",
    "deprecated",
}
EXPLICIT = re.compile(r"^(\s*)\.\.(?:\s|$)")
DIRECTIVE = re.compile(r"^\s*\.\.\s+([\w:.+-]+)::")
OPTION = re.compile(r"^\s+:[\w-]+:")
FIELD_MARKER = re.compile(r"^\s*:(?![\w.+-]+:`)[^:\n`]+:(?=\s|$)")
SIMPLE_BORDER = re.compile(r"^\s*=+( +=+)+\s*$|^\s*=+\s*$")
GRID_BORDER = re.compile(r"^\s*\+[-=]+(\+[-=]+)*\+\s*$")
UNDERLINE = re.compile(r"^\s*-{3,}\s*$")
# Inline markup that is not to be entered (docutils would not parse a role inside it).
INLINE = re.compile(
    r"``.+?``"  # inline literal
    r"|:[\w.+-]+:`.+?`"  # role with its target
    r"|`[^`]+`(?:__?|:[\w.+-]+:)?"  # interpreted text, hyperlink reference
    r"|_`[^`]+`"  # inline target
    r"|\*\*(?=\S).+?\*\*"  # strong
    r"|(?<![\w*])\*(?=[^\s*]).*?(?<=\S)\*(?![\w*])"  # emphasis
    r"|\bhttps?://\S+",  # a URL
    re.S,
)
START_OK = set(punctuation_chars.openers + punctuation_chars.delimiters) | set("-/:'\"<([{")
END_OK = set(
    punctuation_chars.closing_delimiters + punctuation_chars.delimiters + punctuation_chars.closers
) | set("-.,:;!?\\/'\")]}>")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _protected_lines(lines: list[str]) -> list[int]:
    """Per line, how many leading characters are protected (``len(line)``: all of it)."""
    n = len(lines)
    keep = [0] * n

    def protect_block(first: int, indent: int) -> int:
        """Protect lines after ``first`` that are blank or indented deeper than ``indent``."""
        j = first + 1
        while j < n and (not lines[j].strip() or _indent(lines[j]) > indent):
            keep[j] = len(lines[j])
            j += 1
        return j

    section: str | None = None
    section_indent = 0
    i = 0
    while i < n:
        line = lines[i]
        stripped = line.strip()
        if not stripped:
            i += 1
            continue
        # A NumPy section title and its underline.
        if i + 1 < n and UNDERLINE.match(lines[i + 1]) and _indent(lines[i + 1]) == _indent(line):
            name = stripped.lower().rstrip(":")
            section = SECTION_NAMES.get(name)
            section_indent = _indent(line)
            keep[i] = len(line)
            keep[i + 1] = len(lines[i + 1])
            i += 2
            continue
        # Explicit markup: directives, comments, targets, footnotes.
        m = EXPLICIT.match(line)
        if m:
            keep[i] = len(line)
            d = DIRECTIVE.match(line)
            if d and d.group(1).lower() in PROSE_DIRECTIVES:
                j = i + 1
                while j < n and OPTION.match(lines[j]):
                    keep[j] = len(lines[j])
                    j += 1
                i = j
            else:
                i = protect_block(i, _indent(line))
            continue
        # Doctest blocks: until the next blank line.
        if stripped.startswith(">>>"):
            while i < n and lines[i].strip():
                keep[i] = len(lines[i])
                i += 1
            continue
        # Tables.
        if GRID_BORDER.match(line):
            while i < n and lines[i].strip():
                keep[i] = len(lines[i])
                i += 1
            continue
        if SIMPLE_BORDER.match(line):
            keep[i] = len(line)
            i += 1
            while i < n:
                keep[i] = len(lines[i])
                border = SIMPLE_BORDER.match(lines[i])
                i += 1
                if border and (i >= n or not lines[i].strip()):
                    break
            continue
        # The header line of a field in a NumPy section: ``name : type``.
        if section and _indent(line) == section_indent:
            colon = re.search(r"\s:(\s|$)", line)
            if section == "all":
                keep[i] = len(line)
            elif section == "names":
                keep[i] = colon.end() if colon else len(line)
            elif colon:  # returns: "name : type"
                keep[i] = colon.end()
        else:
            marker = FIELD_MARKER.match(line)
            if marker:
                keep[i] = marker.end()
        # A literal block follows a paragraph that ends with "::".
        if line.rstrip().endswith("::"):
            i = protect_block(i, _indent(line))
            continue
        i += 1
    return keep


def _rewrite_text(text: str, allowed: list[bool], skip: frozenset[str]) -> str:
    """Wrap every token of ``text`` whose characters are all ``allowed`` in a math role."""
    # Inline markup is not entered: mark it as not allowed, one paragraph at a time.
    allowed = list(allowed)
    for para in re.finditer(r"(?:[^\n]|\n(?!\s*\n))+", text):
        for m in INLINE.finditer(para.group()):
            for k in range(para.start() + m.start(), para.start() + m.end()):
                allowed[k] = False
    out: list[str] = []
    last = 0
    i = 0
    while i < len(text):
        if allowed[i] and (_is_letter(text[i]) or text[i] == "∂" or text[i] in GROUPS):
            end = match_token(text, i)
            if end is not None and all(allowed[i:end]) and text[i:end] not in skip:
                before = text[i - 1] if i else ""
                after = text[end] if end < len(text) else ""
                role = f":math:`{to_tex(text[i:end])}`"
                if before and not before.isspace() and before not in START_OK:
                    role = "\\ " + role
                if after and not after.isspace() and after not in END_OK:
                    role += "\\ "
                out.append(text[last:i])
                out.append(role)
                last = i = end
                continue
        i += 1
    out.append(text[last:])
    return "".join(out)


def rewrite(lines: list[str], skip: Iterable[str] = ()) -> list[str]:
    """The docstring ``lines`` (as autodoc prepares them) with their math as ``:math:`` roles.

    ``skip``: tokens to leave as they are wherever they appear (the documented object's own
    parameter names).
    """
    keep = _protected_lines(lines)
    text = "\n".join(lines)
    allowed: list[bool] = []
    for line, k in zip(lines, keep):
        allowed += [False] * k + [True] * (len(line) - k) + [False]
    return _rewrite_text(text, allowed[: len(text)], frozenset(skip)).split("\n")


# ---------------------------------------------------------------------------------------------
# Sphinx
# ---------------------------------------------------------------------------------------------


def _parameter_names(obj: Any) -> set[str]:
    try:
        return set(inspect.signature(obj).parameters)
    except (TypeError, ValueError):
        return set()


def _process_docstring(
    app: Any, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    if not (name == "bp" or name.startswith("bp.")):
        return
    lines[:] = rewrite(lines, _parameter_names(obj) if callable(obj) else ())


def setup(app: Any) -> dict[str, Any]:
    # Before napoleon (priority 500): it turns "name : type" lines into fields, and a type
    # holding a role is then left out of its emphasis, where the role would not be parsed.
    app.connect("autodoc-process-docstring", _process_docstring, priority=400)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
