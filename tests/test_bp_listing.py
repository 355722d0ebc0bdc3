"""literalinclude's ``:docstring:`` option (book/_ext/bp_listing.py), on a small Sphinx project.

The listing must still be the real source with only the docstrings cut out, the collapsed
block must hold those docstrings verbatim, and without the option the directive must behave
as Sphinx's own.
"""

from __future__ import annotations

import html
import re
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))
import bp_listing  # noqa: E402  (the extension lives beside the book, not in a package)

sphinx_cmd = pytest.importorskip("sphinx.cmd.build")

MODULE = '''\
class Thing:
    """A thing.

    More about it, with ``code``.
    """

    def f(self, x):
        """Return ``x``.

        Parameters
        ----------
        x : int
        """
        return x

    def g(self):
        return 1


def h(a):
    """Add one to :math:`a`."""
    b = a + 1
    return b
'''

INDEX = """\
Test
====

.. literalinclude:: mod.py
   :pyobject: Thing
   :docstring: collapse
   :caption: The thing

.. literalinclude:: mod.py
   :pyobject: h
   :docstring:

.. literalinclude:: mod.py
   :pyobject: Thing.f
   :dedent: 4
   :docstring: drop

.. literalinclude:: mod.py
   :pyobject: h
   :docstring: drop
   :lines: 2-

.. literalinclude:: mod.py
   :pyobject: h
"""


def test_docstring_spans_finds_each_definition_in_range() -> None:
    spans = bp_listing.docstring_spans(MODULE, 1, 17)
    assert spans == [(2, 5, "Thing"), (8, 13, "Thing.f")]
    assert bp_listing.docstring_spans(MODULE, 20, 23) == [(21, 21, "h")]


def test_unknown_mode_is_an_error() -> None:
    with pytest.raises(ValueError, match="collapse, drop, show"):
        bp_listing._docstring_mode("fold")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> str:
    src = tmp_path_factory.mktemp("src")
    (src / "mod.py").write_text(MODULE, encoding="utf-8")
    (src / "index.rst").write_text(INDEX, encoding="utf-8")
    (src / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT / 'book' / '_ext')!r})\n"
        "extensions = ['bp_listing']\n",
        encoding="utf-8",
    )
    out = tmp_path_factory.mktemp("out")
    status = sphinx_cmd.build_main(["-q", "-W", "-n", "-b", "html", str(src), str(out)])
    assert status == 0, "the small project does not build cleanly with -W -n"
    return (out / "index.html").read_text(encoding="utf-8")


def _blocks(page: str) -> list[str]:
    """The text of every <pre>, in order."""
    return [
        html.unescape(re.sub(r"<[^>]+>", "", m))
        for m in re.findall(r"<pre>(.*?)</pre>", page, re.S)
    ]


def test_collapse_shows_the_code_and_the_docstrings_verbatim_below(built: str) -> None:
    blocks = _blocks(built)
    assert blocks[0] == textwrap.dedent("""\
        class Thing:
            def f(self, x):
                return x

            def g(self):
                return 1
        """)
    # Below it, collapsed: the class's and the method's docstrings as they stand.
    assert blocks[1].startswith('"""A thing.\n\nMore about it, with ``code``.\n"""')
    assert blocks[2].startswith('"""Return ``x``.')
    summaries = [
        html.unescape(re.sub(r"<[^>]+>", "", s))
        for s in re.findall(r"<summary>(.*?)</summary>", built)
    ]
    assert summaries == ["Docstrings A thing. (and those of 1 method)", "Docstring Add one to a."]
    assert blocks[3] == "def h(a):\n    b = a + 1\n    return b\n"


def test_drop_cuts_the_docstring_and_lines_count_what_is_left(built: str) -> None:
    blocks = _blocks(built)
    assert blocks[5] == "def f(self, x):\n    return x\n"
    assert blocks[6] == "    b = a + 1\n    return b\n"
    assert built.count("<details") == 2, "drop shows no collapsed block"


def test_without_the_option_the_listing_is_sphinxs_own(built: str) -> None:
    assert (
        _blocks(built)[7]
        == 'def h(a):\n    """Add one to :math:`a`."""\n    b = a + 1\n    return b\n'
    )
