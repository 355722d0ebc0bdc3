"""What every chapter's first cell needs: the figure style, glue, and words the data choose.

Each chapter of the book starts with a hidden cell such as::

    import numpy as np
    from _book import claim, glue, verdict

The book promises that it says only what it shows. Two helpers keep a sentence from
contradicting the computation beside it:

* :func:`verdict` glues the words that the data choose, for a sentence whose wording depends
  on a result: ``verdict("slope_word", slope < 1.2, "grows linearly", "grows faster than
  linearly")`` and, in the prose, ``{glue:text}`slope_word```.
* :func:`claim` guards a sentence whose wording is fixed in the prose: ``claim(err < 1e-9,
  "the two gradients agree to nine digits")`` raises :class:`ClaimError` while the book is
  built, so the build fails instead of printing a false sentence.

Importing this module also sets the figure style: white backgrounds (figures read on the
light and the dark theme alike), font sizes legible in the page's column, mathtext for
symbols, and SVG output in the built pages (see :func:`_vector_figures`).

This file lives beside the chapters (each chapter's kernel runs in ``book/``). The notebooks
offered for download carry a copy of it in their setup cell (``book/_ext/book_reader.py``).
"""

from __future__ import annotations

import contextlib
from typing import Any

import matplotlib.pyplot as plt
import numpy as _np

try:  # the book's build has myst-nb; a plain Jupyter may not
    from myst_nb import glue
except ImportError:  # pragma: no cover - outside the build, show the value instead
    from IPython.display import display as _display

    def glue(name: str, variable: Any, display: bool = True) -> None:
        if display:
            _display(variable)


__all__ = [
    "ClaimError",
    "claim",
    "glue",
    "glue_number",
    "label_ends",
    "number",
    "one_blas_thread",
    "sci",
    "verdict",
    "word",
]

plt.rcParams.update(
    {
        "figure.facecolor": "white",
        "savefig.facecolor": "white",
        "axes.facecolor": "white",
        "figure.dpi": 100,
        # Sizes for a page column about 700 px wide: a figure 6.5 to 9 inches wide is shown
        # at 0.8 to 1.1 times its size, so 11-point text reads as 12 to 15 px.
        "font.size": 11,
        "axes.titlesize": 11.5,
        "axes.labelsize": 11,
        "xtick.labelsize": 10,
        "ytick.labelsize": 10,
        "legend.fontsize": 10,
        "figure.titlesize": 12,
        "lines.linewidth": 1.8,
        # Symbols in labels are matplotlib mathtext ($\sigma'(z)$), in a face that matches
        # the labels' sans-serif text.
        "mathtext.fontset": "dejavusans",
        "axes.unicode_minus": True,
        # SVG text as paths (the reader's browser needs no font), the same file for the
        # same figure (fixed ids, no date), images inside a figure at 200 dpi.
        "svg.fonttype": "path",
        "svg.hashsalt": "backprop-book",
        "savefig.dpi": 200,
    }
)


def _vector_figures() -> None:
    """Show figures as SVG in the pages (sharp at any zoom, on any screen, and in print).

    Inside a Jupyter kernel (the book's build), the inline backend then gives every figure,
    and every figure glued with ``glue(name, fig)``, an ``image/svg+xml`` output, which
    myst-nb embeds in the page. Outside a kernel this does nothing.
    """
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import InlineBackend, set_matplotlib_formats
    except ImportError:  # pragma: no cover - plain Python without IPython
        return
    if get_ipython() is None:
        return
    # Also as the inline backend's setting, in case the backend is (re)activated later.
    backend = InlineBackend.instance()
    backend.figure_formats = {"svg"}
    # No creation date in the SVG: the same figure gives the same bytes in every build.
    kwargs = dict(backend.print_figure_kwargs, metadata={"Date": None})
    backend.print_figure_kwargs = kwargs
    set_matplotlib_formats("svg", **kwargs)


_vector_figures()


class ClaimError(AssertionError):
    """A sentence of the book is contradicted by the computation that should support it."""


def claim(condition: Any, statement: str) -> None:
    """Stop the build unless ``condition`` holds: the prose states ``statement``.

    Parameters
    ----------
    condition : bool
        The result that makes the sentence true (a NumPy bool is fine).
    statement : str
        What the prose says, in the reader's words; shown in the error.

    Raises
    ------
    ClaimError
        If ``condition`` is false.
    """
    if not bool(condition):
        raise ClaimError(f"the text says {statement!r}, but the computation disagrees")


def word(condition: Any, if_true: str, if_false: str) -> str:
    """The words for the prose that the outcome ``condition`` chooses."""
    return if_true if bool(condition) else if_false


def verdict(name: str, condition: Any, if_true: str, if_false: str) -> str:
    """Glue under ``name`` the words the data choose, and return them.

    Use it for every sentence whose wording depends on a computed or measured result:
    ``{glue:text}`name``` in the prose then reads ``if_true`` when ``condition`` holds and
    ``if_false`` otherwise, so the sentence cannot contradict the result.
    """
    text = word(condition, if_true, if_false)
    glue(name, text, display=False)
    return text


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def number(x: float, digits: int = 2, scientific: bool = False) -> str:
    """``x`` written for reading, with ``digits`` significant digits.

    Plain decimals from 0.001 to 100,000 (``0.68``, ``1,234``), otherwise a power of ten
    in Unicode (``6.8 × 10⁻¹¹``) with no-break spaces, so it neither reads as code
    (``6.8e-11``) nor breaks across lines. ``scientific=True`` always writes the power of
    ten (to set numbers side by side in one form).

    Raises
    ------
    ValueError
        If ``x`` is not finite or ``digits`` is below 1.
    """
    import math

    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"x must be a finite number, not {x!r}")
    if digits < 1:
        raise ValueError(f"digits must be at least 1, not {digits!r}")
    if x == 0:
        return "0"
    exponent = math.floor(math.log10(abs(x)))
    mantissa = round(x / 10.0**exponent, digits - 1)
    if abs(mantissa) >= 10:  # rounding carried into the next power: 9.99 -> 10
        mantissa, exponent = mantissa / 10, exponent + 1
    if -3 <= exponent < 5 and not scientific:
        decimals = max(digits - 1 - exponent, 0)
        return f"{round(x, decimals):,.{decimals}f}".replace("-", "−")
    sign = "−" if mantissa < 0 else ""
    body = f"{abs(mantissa):.{digits - 1}f}"
    return f"{sign}{body}\u00a0×\u00a010{str(exponent).translate(_SUPERSCRIPT)}"


def sci(x: float, digits: int = 2) -> str:
    """``x`` always as a power of ten: ``sci(7.8e-5)`` is ``7.8 × 10⁻⁵``."""
    return number(x, digits, scientific=True)


def glue_number(name: str, x: float, digits: int = 2) -> str:
    """Glue ``number(x, digits)`` under ``name`` (for ``{glue:text}`name```) and return it."""
    text = number(x, digits)
    glue(name, text, display=False)
    return text


def label_ends(ax: Any, lines: Any = None, fontsize: float = 10) -> None:
    """Name each labelled line at the right edge of ``ax``, level with its last point.

    Used instead of a legend: the names sit beside the lines they name, spread apart by at
    least one line of text.
    """
    lines = [ln for ln in (lines or ax.get_lines()) if not ln.get_label().startswith("_")]
    ax.get_xlim(), ax.get_ylim()  # settle the autoscaled limits first
    to_axes = ax.transScale + ax.transLimits
    ys = []
    for ln in lines:
        x, y = _np.asarray(ln.get_xdata(), float), _np.asarray(ln.get_ydata(), float)
        ok = _np.isfinite(x) & _np.isfinite(y)
        ys.append(to_axes.transform((x[ok][-1], y[ok][-1]))[1])
    height = ax.get_position().height * ax.figure.get_figheight() * 72
    gap = 1.25 * fontsize / height  # one line of text, in axes fractions
    order = _np.argsort(ys)
    pos = _np.clip(_np.array(ys)[order], 0.0, 1.0)
    for i in range(1, len(pos)):
        pos[i] = max(pos[i], pos[i - 1] + gap)
    for i in range(len(pos) - 1, -1, -1):  # then down again from the top edge
        pos[i] = min(pos[i], 1.0 if i == len(pos) - 1 else pos[i + 1] - gap)
    for p, i in zip(pos, order):
        ax.text(
            1.02,
            p,
            lines[i].get_label(),
            transform=ax.transAxes,
            va="center",
            color=lines[i].get_color(),
            fontsize=fontsize,
        )


def one_blas_thread() -> contextlib.AbstractContextManager[Any]:
    """Limit BLAS to one thread for the rest of the chapter (small matrices, steady timings).

    Returns the limiter (a context manager); without threadpoolctl it does nothing.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl is optional
        return contextlib.nullcontext()
    return threadpool_limits(1)
