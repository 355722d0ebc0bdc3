"""Sphinx extension: pages that are readable at once, even on a slow phone connection.

After the HTML pages are written (``build-finished``), this extension rewrites them:

**Math typeset at build time.** Every ``\\(…\\)`` and ``\\[…\\]`` of a ``math`` element (the
only elements MathJax processes in these pages, see myst-nb's ``processHtmlClass``) is
typeset by MathJax 3 running in Node (``book/_ext/mathjax/render.cjs``, the npm package
``mathjax-full`` pinned in ``book/_ext/mathjax/package-lock.json``, installed by ``make
book`` into ``.venv/node``). The page then carries the typeset math (CommonHTML, with hidden
MathML for screen readers) and a stylesheet for the characters it uses, whose fonts come
from the vendored MathJax copy (``_static/mathjax/output/chtml/fonts``); it no longer loads
MathJax's 1.3 MB script, and no reader ever sees raw TeX. A formula MathJax cannot typeset
stops the build. Without Node or the npm package the build stops with a message saying how
to install them (``bp_prerender_math = False`` in the Sphinx config keeps MathJax in the
browser instead).

**A trailing punctuation mark stays with its math**: ``$x$.`` cannot break before the full
stop (the formula and the mark are wrapped in a no-break span).

**Icons without Font Awesome's 1.5 MB script.** The theme loads all of Font Awesome as
JavaScript to draw a score of icons. The icons the pages use are copied from that script
into a small stylesheet (``_static/bp-icons.css``, each icon a CSS mask in the text colour).

**Icon fonts cut to the icons used.** The theme's stylesheets still draw a few icons
(admonition titles, external links) with Font Awesome's fonts, about 280 kB each page
downloads whole. The fonts are cut (fontTools) to the characters the stylesheets name and the
stylesheets point at these small copies (:func:`subset_icon_fonts`).

**No search index on every page.** The theme loads the search index (about 120 kB) and
Sphinx's search scripts on every page for a search-as-you-type feature the book does not
turn on; the search box sends the reader to ``search.html``, which loads them itself.

**The whole book as a PDF in the download menu**, when ``make pdf`` has put ``book.pdf``
beside the pages (:func:`add_pdf_link`; ``make pdf`` also calls it on a finished build). The
theme's own ".pdf" entry prints only the page shown: it is relabelled "print".

``tests/test_browser.py`` checks the result (typeset math, no raw TeX, page weight and the
time until math is readable on a throttled connection).
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
RENDERER = HERE / "mathjax" / "render.cjs"
ROOT = HERE.parents[1]
DEFAULT_NODE_MODULES = ROOT / ".venv" / "node" / "node_modules"
NODE_MODULES_ENV = "BP_MATHJAX_NODE_MODULES"
FONT_DIR = "_static/mathjax/output/chtml/fonts/woff-v2"

INLINE = re.compile(
    r'<span class="math notranslate nohighlight">\\\((?P<tex>.*?)\\\)</span>'
    r"(?P<punct>[.,;:!?)\]]*)",
    re.S,
)
DISPLAY = re.compile(
    r'(?P<open><div class="math notranslate nohighlight"[^>]*>\s*'
    r'(?:<span class="eqno">.*?</span>)?)'
    r"(?P<tex>.*?)(?P<close></div>)",
    re.S,
)
MATHJAX_SCRIPTS = re.compile(
    r"\s*<script>window\.MathJax = .*?</script>"
    r'|\s*<script defer="defer" src="[^"]*mathjax/[^"]*"></script>'
)
SEARCH_SCRIPTS = re.compile(
    r'\s*<script src="[^"]*'
    r'(?:_static/searchtools\.js|_static/language_data\.js|searchindex\.js)"></script>'
)
FONTAWESOME = re.compile(
    r'<script defer src="(?P<prefix>[^"]*)_static/scripts/fontawesome\.js[^"]*"></script>'
)
ICON_CLASS = re.compile(r'class="(?P<classes>[^"]*\bfa-[^"]*)"')


# ---------------------------------------------------------------------------------------------
# Math
# ---------------------------------------------------------------------------------------------


def _display_tex(body: str) -> str:
    tex = html.unescape(body).strip()
    if tex.startswith("\\[") and tex.endswith("\\]"):
        tex = tex[2:-2]
    return tex


def _node_modules() -> Path:
    return Path(os.environ.get(NODE_MODULES_ENV) or DEFAULT_NODE_MODULES)


def _render(pages: dict[str, list[tuple[str, bool]]], font_urls: dict[str, str]) -> dict[str, Any]:
    node = shutil.which("node") or shutil.which("nodejs")
    modules = _node_modules()
    if node is None or not (modules / "mathjax-full").is_dir():
        raise ExtensionError(
            "lean_pages: typesetting the math at build time needs Node.js and the npm package "
            f"mathjax-full in {modules} (`make book` installs it from "
            "book/_ext/mathjax/package-lock.json; Debian: apt-get install nodejs npm)"
        )
    env = dict(os.environ, NODE_PATH=str(modules))
    proc = subprocess.run(
        [node, str(RENDERER)],
        input=json.dumps({"pages": pages, "fontURL": font_urls}),
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if proc.returncode != 0:
        raise ExtensionError(f"lean_pages: MathJax in Node failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout)


def _relative_prefix(page: Path, outdir: Path) -> str:
    depth = len(page.relative_to(outdir).parts) - 1
    return "../" * depth


def prerender_math(files: dict[Path, str], outdir: Path, flat: bool = False) -> dict[Path, str]:
    """Replace the TeX of every math element of ``files`` (path -> HTML) by typeset math.

    ``flat``: the pages link to ``_static`` as if they were in ``outdir`` itself (Sphinx's
    ``singlehtml`` builder writes ``book/index.html`` with links relative to the root).
    """
    pages: dict[str, list[tuple[str, bool]]] = {}
    font_urls: dict[str, str] = {}
    for path, text in files.items():
        items = [(html.unescape(m["tex"]), False) for m in INLINE.finditer(text)]
        items += [(_display_tex(m["tex"]), True) for m in DISPLAY.finditer(text)]
        if items:
            key = str(path)
            pages[key] = items
            font_urls[key] = ("" if flat else _relative_prefix(path, outdir)) + FONT_DIR
    if not pages:
        return files
    rendered = _render(pages, font_urls)
    errors = [
        f"{Path(page).relative_to(outdir)}: {e}"
        for page, r in rendered.items()
        for e in r["errors"]
    ]
    if errors:
        raise ExtensionError("lean_pages: MathJax could not typeset:\n" + "\n".join(errors))

    out = dict(files)
    for key, result in rendered.items():
        path = Path(key)
        markup = iter(result["html"])
        text = files[path]

        def inline(m: re.Match[str], markup: Iterator[str] = markup) -> str:
            math = f'<span class="math notranslate nohighlight">{next(markup)}</span>'
            # The formula and a punctuation mark right after it break as one word.
            return f'<span class="bp-nobreak">{math}{m["punct"]}</span>' if m["punct"] else math

        text = INLINE.sub(inline, text)
        text = DISPLAY.sub(lambda m, markup=markup: f"{m['open']}{next(markup)}{m['close']}", text)
        assert next(markup, None) is None, f"{path}: math elements out of step"
        text = MATHJAX_SCRIPTS.sub("", text)
        style = f'<style id="MJX-CHTML-styles">\n{result["css"]}\n</style>\n'
        text = text.replace("</head>", style + "</head>", 1)
        out[path] = text
    return out


# ---------------------------------------------------------------------------------------------
# Icons
# ---------------------------------------------------------------------------------------------

PACK_OF_CLASS = {"fab": "fab", "fa-brands": "fab", "far": "far", "fa-regular": "far"}
PACK_SEGMENT = re.compile(r'var p=\{(?P<icons>.*?)\};?.{0,400}?\bd\("(?P<pack>fa[bsr])",p\)', re.S)
ICON = re.compile(
    r'(?:"(?P<q>[a-z0-9-]+)"|(?P<n>[a-z0-9-]+)):\[(?P<w>\d+),(?P<h>\d+),\[[^\]]*\],"[0-9a-f]+","(?P<d>[^"]*)"\]'
)


def _icon_library(fontawesome_js: Path) -> dict[tuple[str, str], tuple[int, int, str]]:
    text = fontawesome_js.read_text(encoding="utf-8")
    library: dict[tuple[str, str], tuple[int, int, str]] = {}
    for seg in PACK_SEGMENT.finditer(text):
        for m in ICON.finditer(seg["icons"]):
            library[(seg["pack"], m["q"] or m["n"])] = (int(m["w"]), int(m["h"]), m["d"])
    return library


def _icons_used(texts: list[str]) -> set[tuple[str, str]]:
    used = set()
    for text in texts:
        for m in ICON_CLASS.finditer(text):
            classes = m["classes"].split()
            pack = next((PACK_OF_CLASS[c] for c in classes if c in PACK_OF_CLASS), "fas")
            for c in classes:
                if c.startswith("fa-") and c not in {
                    "fa-lg",
                    "fa-solid",
                    "fa-brands",
                    "fa-regular",
                }:
                    used.add((pack, c[3:]))
    return used


def icon_css(fontawesome_js: Path, texts: list[str]) -> str:
    """A stylesheet drawing the Font Awesome icons that ``texts`` use, as CSS masks."""
    library = _icon_library(fontawesome_js)
    selectors = {
        "fas": (".fa-solid", ".fas"),
        "fab": (".fa-brands", ".fab"),
        "far": (".fa-regular", ".far"),
    }
    rules = [
        "/* Font Awesome Free icons (CC BY 4.0, https://fontawesome.com/license/free) used by the",
        "   book's pages, drawn as CSS masks in the text colour (book/_ext/lean_pages.py). */",
        ".fa-solid::before, .fas::before, .fa-brands::before, .fab::before, .fa-regular::before,"
        " .far::before {",
        '  content: ""; display: inline-block; height: 1em; width: 1em;',
        "  vertical-align: -0.125em;",
        "  background-color: currentColor;",
        "  -webkit-mask: var(--bp-icon) no-repeat center / contain;",
        "  mask: var(--bp-icon) no-repeat center / contain;",
        "}",
        ".fa-lg { font-size: 1.25em; line-height: 0.05em; vertical-align: -0.075em; }",
    ]
    for pack, name in sorted(_icons_used(texts)):
        found = library.get((pack, name))
        if found is None:
            continue  # a class such as fa-pull-left, not an icon
        w, h, d = found
        svg = f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {w} {h}'><path d='{d}'/></svg>"
        url = "data:image/svg+xml," + svg.replace("#", "%23").replace("<", "%3C").replace(
            ">", "%3E"
        )
        sel = ", ".join(f"{s}.fa-{name}::before" for s in selectors[pack])
        rules.append(f'{sel} {{ --bp-icon: url("{url}"); width: {w / h:.3f}em; }}')
    return "\n".join(rules) + "\n"


PUA = re.compile(r"[\ue000-\uf8ff]|\\(f[0-9a-fA-F]{3})\b")
THEME_ICON = re.compile(r'--pst-icon-[\w-]+:\s*"([^"]*)"')
FONT_FACE_SRC = re.compile(
    r"url\((?P<path>[^)]*?/webfonts/(?P<name>fa-[a-z]+-\d+))\.woff2\) format\(\"woff2\"\)"
)


def subset_icon_fonts(static: Path) -> list[str]:
    """Cut the Font Awesome fonts under ``static`` to the characters its stylesheets name."""
    from fontTools import subset

    fonts = static / "vendor" / "fontawesome" / "webfonts"
    sheets = [p for p in static.rglob("*.css") if p.name != "bp-icons.css"]
    if not fonts.is_dir() or not sheets:
        return []
    used: set[int] = set()
    for sheet in sheets:
        text = sheet.read_text(encoding="utf-8")
        if sheet.name == "pydata-sphinx-theme.css":
            # It carries Font Awesome's rules for every icon class (drawn here by bp-icons.css
            # instead): keep only the icons of the theme's own variables (--pst-icon-*).
            text = " ".join(THEME_ICON.findall(text))
        for m in PUA.finditer(text):
            used.add(int(m.group(1), 16) if m.group(1) else ord(m.group(0)))
    made = []
    for ttf in sorted(fonts.glob("fa-*.ttf")):
        options = subset.Options()
        options.flavor = "woff"  # zlib (woff2 would need the brotli module)
        options.layout_features = []
        font = subset.load_font(str(ttf), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted(used))
        subsetter.subset(font)
        subset.save_font(font, str(fonts / f"{ttf.stem}.subset.woff"), options)
        made.append(ttf.stem)
    for sheet in sheets:
        text = sheet.read_text(encoding="utf-8")
        new = FONT_FACE_SRC.sub(
            lambda m: (
                f'url({m["path"]}.subset.woff) format("woff")' if m["name"] in made else m.group(0)
            ),
            text,
        )
        if new != text:
            sheet.write_text(new, encoding="utf-8")
    return made


# ---------------------------------------------------------------------------------------------
# The build step
# ---------------------------------------------------------------------------------------------


def lean_pages(outdir: Path, prerender: bool = True, flat: bool = False) -> None:
    """Rewrite every HTML page under ``outdir`` (see the module's docstring)."""
    paths = [
        p
        for p in sorted(outdir.rglob("*.html"))
        if p.relative_to(outdir).parts[0]
        not in {"_static", "_sources", "_images", "jupyter_execute"}
    ]
    every_page = {p: p.read_text(encoding="utf-8") for p in paths}
    # Sphinx rewrites only the pages that changed since the last build: pages rewritten here
    # before carry LEAN_MARK and are left alone (typesetting math twice breaks it).
    files = {
        p: text
        for p, text in every_page.items()
        if LEAN_MARK not in text and 'id="MJX-CHTML-styles"' not in text
    }
    if prerender and files:
        files = prerender_math(files, outdir, flat)

    fontawesome = outdir / "_static" / "scripts" / "fontawesome.js"
    if fontawesome.is_file():
        # the icons of every page, rewritten now or before (Sphinx copies the fonts afresh)
        css = icon_css(fontawesome, list(every_page.values()))
        (outdir / "_static" / "bp-icons.css").write_text(css, encoding="utf-8")
        subset_icon_fonts(outdir / "_static")
    for path, text in files.items():
        if fontawesome.is_file():
            text = FONTAWESOME.sub(
                lambda m: f'<link rel="stylesheet" href="{m["prefix"]}_static/bp-icons.css" />',
                text,
            )
        if path.name != "search.html":
            text = SEARCH_SCRIPTS.sub("", text)
        text = text.replace("<head>", "<head>\n" + LEAN_MARK, 1)
        path.write_text(text, encoding="utf-8")


LEAN_MARK = '<meta name="bp-lean-pages" content="done" />'


PDF_NAME = "book.pdf"
DOWNLOAD_MENU = re.compile(
    r'(<div class="dropdown dropdown-download-buttons">.*?<ul class="dropdown-menu">)', re.S
)
PRINT_LABEL = re.compile(
    r'(<button onclick="window\.print\(\)"\s+class="[^"]*btn-download-pdf-button[^"]*"'
    r'\s+title=")Print to PDF'
    r'("[^>]*>.*?<span class="btn__text-container">)\.pdf(</span>)',
    re.S,
)
PDF_ITEM = """
      <li><a href="{href}" target="_blank"
   class="btn btn-sm btn-download-book-pdf dropdown-item"
   title="The whole book as one PDF"
   data-bs-placement="left" data-bs-toggle="tooltip"
>
<span class="btn__icon-container">
  <i class="fas fa-file-pdf"></i>
  </span>
<span class="btn__text-container">book .pdf</span>
</a>
</li>"""


def add_pdf_link(outdir: Path) -> int:
    """Offer ``outdir/book.pdf`` in every page's download menu; return the pages changed."""
    if not (outdir / PDF_NAME).is_file():
        return 0
    changed = 0
    for path in sorted(outdir.rglob("*.html")):
        if path.relative_to(outdir).parts[0] in {
            "_static",
            "_sources",
            "_images",
            "jupyter_execute",
        }:
            continue
        text = path.read_text(encoding="utf-8")
        if "btn-download-book-pdf" in text or not DOWNLOAD_MENU.search(text):
            continue
        href = _relative_prefix(path, outdir) + PDF_NAME
        item = PDF_ITEM.format(href=href)
        text = DOWNLOAD_MENU.sub(lambda m, item=item: m.group(1) + item, text, count=1)
        text = PRINT_LABEL.sub(r"\1Print this page\2print\3", text, count=1)
        path.write_text(text, encoding="utf-8")
        changed += 1
    return changed


def _on_finished(app: Any, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    lean_pages(
        Path(app.outdir),
        prerender=app.config.bp_prerender_math,
        flat=app.builder.name == "singlehtml",
    )
    if app.builder.name == "html":
        add_pdf_link(Path(app.outdir))


def setup(app: Any) -> dict[str, Any]:
    app.add_config_value("bp_prerender_math", True, "html")
    app.connect("build-finished", _on_finished)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":  # make pdf: python book/_ext/lean_pages.py --pdf-link _build/html
    import sys

    if sys.argv[1:2] != ["--pdf-link"] or len(sys.argv) != 3:
        raise SystemExit("usage: lean_pages.py --pdf-link HTML_DIR")
    print(f"download menus offering {PDF_NAME}: {add_pdf_link(Path(sys.argv[2]))} pages")
