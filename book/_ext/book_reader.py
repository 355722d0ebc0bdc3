"""Sphinx extension for the reader's copy of the book: offline pages, runnable notebooks.

**Style.** ``static/book.css`` is added to every page after the theme's stylesheets (for
example, glued numbers and words in the prose's own weight instead of myst-nb's bold; wide
blocks that scroll inside their own box; print), and ``static/book.js`` marks the boxes wider
than the column so that they show a scroll cue.

**Offline.** Jupyter Book always loads sphinx-thebe, which puts the address of thebe's script
on a CDN into every page (and a loader script that fetches it when live code is switched on).
The book does not use thebe (``launch_buttons.thebe: false``), so this extension drops those
scripts and thebe's stylesheet from every page: the pages then name no script or stylesheet on
another host (tests/test_browser.py checks it).

**Notebooks.** When launch buttons are configured, sphinx-book-theme copies every executed chapter
(myst-nb's ``jupyter_execute/<page>.ipynb``) to ``_sources/<page>.ipynb`` and offers it in
the page's download menu next to the MyST source. As copied, that notebook needs the book's
build tools (``from myst_nb import glue``) and points its launch buttons at the ``.md`` file,
which Colab cannot open. Right after the theme, this extension

* rewrites ``_sources/<page>.ipynb`` so that it runs in a plain Jupyter with only ``bp`` (and
  the libraries the chapter imports) installed: a first Markdown cell says where the notebook
  comes from and what it needs, and a setup cell installs ``bp`` on Colab and stands in for
  ``myst_nb.glue`` when myst-nb is missing; outputs of the book's run are kept;
* points the Binder and Colab launch buttons at ``<page>.ipynb`` in the branch
  ``reader_notebooks_branch`` of the repository, where the publishing workflow
  (.github/workflows/pages.yml) pushes these same notebooks.

**Where the book is hosted.** One setting says where the book lives: ``repository.url`` in
_config.yml. The repository button, the launch buttons, the notebooks' install line and the
address of the hosted pages all follow from it; the pages' address is GitHub Pages' for that
repository (``https://OWNER.github.io/REPO/``) unless ``html.baseurl`` names another (a
custom domain). Each notebook's first cell links to its chapter's hosted page, and where a
chapter has something that runs only in the page (the backpropagation explorer), the
notebook links to that place instead of showing an empty box. When the book is built by
GitHub Actions, which knows the repository it runs in, a ``repository.url`` that names
another repository is a warning (so ``make book``, run with ``-W``, fails there) instead of
silently published wrong links.
"""

from __future__ import annotations

import ast
import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import nbformat
from sphinx.util import logging

logger = logging.getLogger(__name__)

# Import names whose pip distribution has another name.
_DISTRIBUTIONS = {"sklearn": "scikit-learn", "PIL": "pillow", "skimage": "scikit-image"}
# Metadata describing the .md source, not this notebook.
_DROP_METADATA = ("jupytext", "source_map")

SETUP_CELL = """\
# Setup, so that this chapter runs outside the book's build (plain Jupyter, Binder, Colab).
import sys

if "google.colab" in sys.modules:  # Colab has NumPy and Matplotlib, not the book's package
    get_ipython().run_line_magic("pip", "install --quiet {pip_spec!r}")

try:
    import myst_nb  # noqa: F401  (installed where the book is built)
except ImportError:
    # The book quotes numbers computed here in its text with myst_nb.glue; without
    # myst-nb, glue(name, value) shows the value instead.
    import types
    from IPython.display import display as _display

    def _glue(name, variable, display=True):
        if display:
            _display(variable)

    sys.modules["myst_nb"] = types.ModuleType("myst_nb")
    sys.modules["myst_nb"].glue = _glue
"""

# The chapters' helper modules (book/_book.py, book/_netdraw.py) travel inside the setup
# cell, each one the notebook imports, so that a notebook opened anywhere (not only in
# book/) finds them.
BOOK_DIR = Path(__file__).resolve().parents[1]
HELPERS_CELL = """
try:
    import {name}  # noqa: F401  (beside the chapter, in a checkout of the book)
except ImportError:
    import types

    {name} = types.ModuleType("{name}")
    exec({source!r}, {name}.__dict__)
    sys.modules["{name}"] = {name}
"""


def _helper_modules(nb: nbformat.NotebookNode | None) -> list[str]:
    """Names of the book/_*.py helper modules that the notebook's code imports."""
    names = sorted(p.stem for p in BOOK_DIR.glob("_*.py"))
    if nb is None:
        return [n for n in names if n == "_book"]
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    return [n for n in names if f"import {n}" in code or f"from {n} import" in code]


def setup_cell(pip_spec: str, nb: nbformat.NotebookNode | None = None) -> str:
    """The notebook's setup cell: install bp on Colab, stand in for myst_nb, add helpers."""
    helpers = "".join(
        HELPERS_CELL.format(name=name, source=(BOOK_DIR / f"{name}.py").read_text("utf-8"))
        for name in _helper_modules(nb)
    )
    return (SETUP_CELL.format(pip_spec=pip_spec) + helpers).rstrip("\n")


def _imported_distributions(nb: nbformat.NotebookNode) -> list[str]:
    """Third-party distributions the notebook's code cells import, by pip name (besides bp)."""
    names: set[str] = set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        # IPython magics are not Python: skip lines starting with % or !.
        source = "\n".join(
            line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!"))
        )
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
    ours = {"bp", "myst_nb", "IPython", *_helper_modules(nb)}
    third_party = names - set(sys.stdlib_module_names) - ours
    return sorted(_DISTRIBUTIONS.get(name, name) for name in third_party)


# Parts of a chapter that run only in its web page: (a piece of a Markdown cell that marks
# the place, the anchor of the page's section, what the notebook says instead).
PAGE_ONLY = [
    (
        'id="bp-explorer"',
        "sec-eq-explorer",
        "**The backpropagation explorer runs in the book's web page, not in a notebook:** "
        "[open it there]({url}) to change the weights, step through both passes and take "
        "gradient steps in your browser.",
    ),
]


def hosted_url(repo_url: str, baseurl: str = "") -> str:
    """The address of the book's hosted pages, ending in ``/`` (``""`` when unknown).

    ``baseurl`` (_config.yml's ``html.baseurl``) when set, otherwise GitHub Pages' address
    for the GitHub repository ``repo_url``.
    """
    if baseurl:
        return baseurl.rstrip("/") + "/"
    github = _github_parts(repo_url)
    if github is None:
        return ""
    owner, repo = github
    if repo.lower() == f"{owner.lower()}.github.io":  # a user or organisation site
        return f"https://{repo.lower()}/"
    return f"https://{owner.lower()}.github.io/{repo}/"


def _point_to_page(nb: nbformat.NotebookNode, page_url: str) -> None:
    """Replace each page-only element of PAGE_ONLY by a link to its place in the page."""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for marker, anchor, note in PAGE_ONLY:
            if marker not in cell.source:
                continue
            lines = cell.source.splitlines()
            at = next(i for i, line in enumerate(lines) if marker in line)
            link = note.format(url=f"{page_url}#{anchor}") if page_url else ""
            lines[at] = link or "*(This part runs only in the book's web page.)*"
            cell.source = "\n".join(lines)


def standalone_notebook(
    nb: nbformat.NotebookNode,
    source_path: str,
    repo_url: str,
    pip_spec: str,
    title: str,
    page_url: str = "",
) -> nbformat.NotebookNode:
    """Return a copy of the executed chapter ``nb`` with a header cell and a setup cell.

    ``page_url`` is the chapter's hosted page (``""`` when unknown): the header links to it,
    and page-only parts of the chapter (PAGE_ONLY) become links to their place in it.
    """
    nb = nbformat.from_dict(nb)
    for key in _DROP_METADATA:
        nb.metadata.pop(key, None)
    _point_to_page(nb, page_url)
    needs = ", ".join(f"`{name}`" for name in _imported_distributions(nb)) or "nothing else"
    source_link = f"{repo_url}/blob/main/{source_path}" if repo_url else source_path
    on_the_web = (
        f" Read it on the web, typeset: [the chapter's page]({page_url})." if page_url else ""
    )
    header = (
        f"*{title}*: this notebook is made from the chapter's source [`{source_path}`]"
        f"({source_link}) each time the book is built, and holds the outputs of that run."
        f"{on_the_web}\n\n"
        f"**To run it** you need Python with `bp`, the book's package "
        f'(`pip install "{pip_spec}"`), and the libraries the chapter imports: {needs}. '
        "The setup cell below installs `bp` by itself on Colab.\n\n"
        "The text is MyST Markdown: figures, exercises, equation numbers, citations and the "
        "numbers the book quotes from computations show up here as plain directives; the book's "
        "pages show them typeset."
    )
    nb.cells[:0] = [
        nbformat.v4.new_markdown_cell(header),
        nbformat.v4.new_code_cell(setup_cell(pip_spec, nb)),
    ]
    nbformat.validate(nb)
    return nb


def _github_parts(repo_url: str) -> tuple[str, str] | None:
    parts = urlsplit(repo_url)
    path = [p for p in parts.path.split("/") if p]
    if parts.netloc != "github.com" or len(path) < 2:
        return None
    return path[0], path[1].removesuffix(".git")


def _launch_url(app: Any, text: str, org: str, repo: str, pagename: str) -> str | None:
    launch = app.config.html_theme_options.get("launch_buttons", {})
    branch = app.config.reader_notebooks_branch
    path = f"{pagename}.ipynb"
    if text == "Binder" and launch.get("binderhub_url"):
        ui = "lab/tree" if launch.get("notebook_interface") == "jupyterlab" else "tree"
        return (
            f"{launch['binderhub_url'].rstrip('/')}/v2/gh/{org}/{repo}/{branch}?urlpath={ui}/{path}"
        )
    if text == "Colab" and launch.get("colab_url"):
        return f"{launch['colab_url'].rstrip('/')}/github/{org}/{repo}/blob/{branch}/{path}"
    return None


def _on_page(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    ipynb = context.get("ipynb_source")
    if not ipynb:
        return
    outdir = Path(app.outdir)
    executed = outdir.parent / "jupyter_execute" / f"{pagename}.ipynb"
    repo_url = app.config.html_theme_options.get("repository_url", "").rstrip("/")
    pip_spec = app.config.reader_notebooks_pip or (
        f"backprop-book @ git+{repo_url}" if repo_url else "backprop-book"
    )
    site = hosted_url(repo_url, app.config.html_baseurl)
    nb = standalone_notebook(
        nbformat.read(executed, as_version=4),
        source_path=app.env.doc2path(pagename, base=False),
        repo_url=repo_url,
        pip_spec=pip_spec,
        title=app.config.html_title or app.config.project,
        page_url=f"{site}{pagename}.html" if site else "",
    )
    target = outdir / "_sources" / ipynb
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)

    github = _github_parts(repo_url)
    if github is None:
        return
    for group in context.get("header_buttons", []):
        if group.get("label") != "launch-buttons":
            continue
        for button in group.get("buttons", []):
            url = _launch_url(app, button.get("text", ""), *github, pagename)
            if url:
                button["url"] = url


def _is_thebe_asset(asset: Any) -> bool:
    """Whether a script or stylesheet of the page context belongs to sphinx-thebe."""
    filename = str(getattr(asset, "filename", None) or "")
    body = str(getattr(asset, "attributes", {}).get("body", ""))
    return filename.split("?")[0].endswith(("sphinx-thebe.js", "sphinx-thebe.css")) or (
        "THEBE_JS_URL" in body
    )


def _drop_thebe(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    if app.config.html_theme_options.get("launch_buttons", {}).get("thebe"):
        return
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [asset for asset in context[key] if not _is_thebe_asset(asset)]


STATIC = Path(__file__).resolve().parent / "static"


def _add_static(app: Any, config: Any) -> None:
    config.html_static_path.append(str(STATIC))


# The backpropagation explorer (static/explorer.js and explorer.css): only on its page.
EXPLORER_PAGE = "book/equations"


def _add_explorer(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    if pagename == EXPLORER_PAGE:
        app.add_css_file("explorer.css")
        app.add_js_file("explorer.js", loading_method="defer")
    # Search results write the snippets' math as text (static/search_math.js).
    if pagename == "search":
        app.add_js_file("search_math.js", loading_method="defer")


def _check_repository(app: Any, config: Any) -> None:
    """On GitHub Actions, warn when repository.url names another repository than this one."""
    actual = os.environ.get("GITHUB_REPOSITORY", "")
    if os.environ.get("GITHUB_ACTIONS") != "true" or "/" not in actual:
        return
    configured = config.html_theme_options.get("repository_url", "")
    parts = _github_parts(configured)
    if parts is None or "/".join(parts).lower() != actual.lower():
        logger.warning(
            "this build runs in the repository %s, but repository.url in _config.yml is %r: "
            "set it to https://github.com/%s, or the published pages, notebooks and launch "
            "buttons point to the wrong place",
            actual,
            configured,
            actual,
        )


def setup(app: Any) -> dict[str, Any]:
    # The one setting for where the book lives is repository.url (see the module docstring).
    app.connect("config-inited", _check_repository)
    # The book's stylesheet (book/_ext/static/book.css), on every page after the theme's.
    app.connect("config-inited", _add_static)
    app.add_css_file("book.css")
    # Wide code, output, math and table boxes scroll inside themselves, with a cue (book.js).
    app.add_js_file("book.js", loading_method="defer")
    app.add_config_value("reader_notebooks_branch", "notebooks", "html")
    app.add_config_value("reader_notebooks_pip", "", "html")
    # Before _drop_thebe, which replaces the page's lists of scripts and stylesheets.
    app.connect("html-page-context", _add_explorer, priority=400)
    app.connect("html-page-context", _drop_thebe)
    # After sphinx-book-theme's launch and download buttons (priority 501).
    app.connect("html-page-context", _on_page, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
