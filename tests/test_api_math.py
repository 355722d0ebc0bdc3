"""The math of ``bp``'s docstrings on the API page (book/_ext/api_math.py).

The docstrings write math as text (``w^l_{jk}``, ``δ^l``, ``Σ_x C_x``) so that ``help()``
reads well in a terminal; the API page shows it typeset. The lines below are real lines of
``bp``'s docstrings, copied: what must become math, and what must stay as it is (code,
roles, literal and doctest blocks, parameter names, identifiers). The last test builds a
small Sphinx project over every module of the API page (autodoc, napoleon and this
extension, warnings as errors) and looks for TeX-like text left outside code and math.
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))
import api_math  # noqa: E402  (the extension lives beside the book, not in a package)

# Text like a^l, w^l_{jk}, δ^{l+1}, e^(−z): a script left raw outside code and math.
RAW_SCRIPT = re.compile(
    r"[\^_][{(]"
    r"|(?<![A-Za-z0-9_])[^\W\d_][\u0302\u0304\u0305\u0307\u0308]*[′″]*"
    r"(?:[\^_](?:[^\W_][\u0302\u0304\u0305\u0307\u0308]*|\d+)[′″]*)+"
    r"(?![\w\u0302\u0304\u0305\u0307\u0308])"
)


def one(line: str) -> str:
    return api_math.rewrite([line])[0]


# -- what becomes math ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # bp.costs
        (
            "Cost functions C and the output error δ^L = ∂C_x/∂z^L (equation BP1).",
            r"Cost functions C and the output error :math:`\delta^L` = "
            r":math:`\partial C_x/\partial z^L` (equation BP1).",
        ),
        # bp.network.Network (init="lecun")
        (
            '    ``"lecun"``: w^l_{jk} ~ N(0, 1/n_{l−1}) (standard deviation',
            r'    ``"lecun"``: :math:`w^l_{jk}` ~ N(0, 1/:math:`n_{l-1}`) (standard deviation',
        ),
        # bp.network.Network.mean_cost
        (
            "C = (1/m) Σ_x C_x + (λ/2) Σ_l ‖w^l‖², all as :class:`Node` operations.",
            r"C = (1/m) :math:`\sum_x` :math:`C_x` + (λ/2) :math:`\sum_l` :math:`\|w^l\|^2`, "
            "all as :class:`Node` operations.",
        ),
        # bp.curvature
        (
            "η_opt = 1/λ_max (λ_max the largest eigenvalue of H) is the fastest that does",
            r":math:`\eta_{\text{opt}}` = 1/:math:`\lambda_{\max}` (:math:`\lambda_{\max}` the "
            "largest eigenvalue of H) is the fastest that does",
        ),
        (
            "H v = lim_{ε→0} (∇C(θ + εv) − ∇C(θ − εv)) / (2ε); the error of the",
            r"H v = :math:`\lim_{\varepsilon\to0}` (∇C(θ + εv) − ∇C(θ − εv)) / (2ε); the error "
            "of the",
        ),
        # bp.gradcheck
        (
            "Every parameter θ_i is moved by ±ε in turn, and",
            r"Every parameter :math:`\theta_i` is moved by ±ε in turn, and",
        ),
        # bp.autoencoder: a hat, a Greek factor
        (
            "ρ̂_j is the average activation of hidden unit j over the batch, ρ the",
            r":math:`\hat{\rho}_j` is the average activation of hidden unit j over the batch, "
            "ρ the",
        ),
        (
            "δ^1 can be computed. BP1, BP3 and BP4 are unchanged (plus λw^l from the",
            r":math:`\delta^1` can be computed. BP1, BP3 and BP4 are unchanged (plus "
            r":math:`\lambda w^l` from the",
        ),
        # bp.jacobians: primes, transposes, the gradient
        (
            "δ^l = Σ′(z^l) (w^{l+1})ᵀ δ^{l+1}; substituting one into the other gives",
            r":math:`\delta^l` = Σ′(:math:`z^l`) :math:`(w^{l+1})^{\mathsf T}` "
            r":math:`\delta^{l+1}`; substituting one into the other gives",
        ),
        (
            "∇_a C, the gradient of one example's cost with respect to the output a^L.",
            r":math:`\nabla_a` C, the gradient of one example's cost with respect to the "
            "output :math:`a^L`.",
        ),
        # bp.opcount: a product over l′ > l
        (
            "Paths from one neuron of layer l to the output layer: Π_{l′=l+1}^{L} n_{l′}.",
            r"Paths from one neuron of layer l to the output layer: :math:`\prod_{l'=l+1}^L` "
            r":math:`n_{l'}`.",
        ),
        # bp.checkpoint: words in a subscript, a word as superscript
        (
            "of m Σ_{checkpoints above the segment} n_c + 2m Σ_{segment} n_l over",
            r"of m :math:`\sum_{\text{checkpoints above the segment}}` :math:`n_c` + 2m "
            r":math:`\sum_{\text{segment}}` :math:`n_l` over",
        ),
        (
            "a^start for each layer, top down; otherwise advance j layers, keep a^j,",
            r":math:`a^{\text{start}}` for each layer, top down; otherwise advance j layers, "
            r"keep :math:`a^j`,",
        ),
        # bp.naive: a tangent dz
        (
            "∂C/∂θ = (1/m) Σ_x δ^L_x · dz^L_x + λ θ (for a weight). A tangent",
            r"∂C/∂θ = (1/m) :math:`\sum_x` :math:`\delta^L_x` · :math:`dz^L_x` + λ θ "
            "(for a weight). A tangent",
        ),
        # bp.activations: an exponent in parentheses
        (
            "The logistic function σ(z) = 1 / (1 + e^(−z)), exact to rounding for every z.",
            r"The logistic function σ(z) = 1 / (1 + :math:`e^{-z}`), exact to rounding for "
            "every z.",
        ),
        # bp.preprocessing: a group with an exponent
        (
            "    PCA whitening:  x ↦ (Λ + εI)^(−1/2) Uᵀ (x − μ)",
            r"    PCA whitening:  x ↦ :math:`(\Lambda + \varepsilon I)^{-1/2}` "
            r":math:`U^{\mathsf T}` (x − μ)",
        ),
    ],
)
def test_math_in_a_docstring_line_becomes_a_math_role(line: str, expected: str) -> None:
    assert one(line) == expected


def test_a_role_against_a_character_docutils_would_not_accept_is_escaped() -> None:
    # bp.autoencoder: ½ and ( touch the formula; "\ " is an escaped space docutils removes.
    assert one("    J(w, b) = (1/m) Σ_x ½‖a^2(x) − x‖²") == (
        r"    J(w, b) = (1/m) :math:`\sum_x` ½\ :math:`\|a^2(x) - x\|^2`"
    )
    assert one("ρ̂_j = (1/m) Σ_x a^1_j(x),") == (
        r":math:`\hat{\rho}_j` = (1/m) :math:`\sum_x` :math:`a^1_j`\ (x),"
    )


@pytest.mark.parametrize(
    ("token", "tex"),
    [
        ("δ^{l−1}", r"\delta^{l-1}"),
        ("n_{l′−1}", r"n_{l'-1}"),
        ("w^l_{jk}", r"w^l_{jk}"),
        ("Σ_{l=1}^{L−1}", r"\sum_{l=1}^{L-1}"),
        ("Ż^l", r"\dot{Z}^l"),
        ("Δ̇^{l+1}", r"\dot{\Delta}^{l+1}"),
        ("aᵀ", r"a^{\mathsf T}"),
        ("w^lᵀ", r"{w^l}^{\mathsf T}"),
        ("x_i²", r"x_i^2"),
        ("e^(z_k − max z)", r"e^{z_k - \max z}"),
        ("w^L_{i_L i_{L−1}}", r"w^L_{i_L i_{L-1}}"),
    ],
)
def test_unicode_in_a_token_is_written_as_tex(token: str, tex: str) -> None:
    assert api_math.to_tex(token) == tex


# -- what stays as it is -------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        # identifiers: snake_case words are never math
        "A sigmoid [n_visible, n_hidden, n_visible] autoencoder with a sparsity penalty.",
        "UFLDL’s exercise uses ‖g − g_num‖ / ‖g + g_num‖ with ε = 1e-4 and expects",
        "    Naming ``x_name`` or ``y_name`` and what was expected.",
        "Returns θ, shape (n_parameters,), laid out as ``net.get_params()``.",
        # roles and inline literals
        "    ``[None, δ^1, ..., δ^L]``",
        "    ``w_errors[l]`` is the relative error of :attr:`GradientCheck.w_errors`",
        ":meth:`Network.check_batch`, :meth:`Network.mean_cost`,",
        "* :func:`layer_gradient_norms`: for every layer, which shows",
        # no script, or Unicode that needs none
        "Logistic sigmoid σ(z) = 1 / (1 + exp(−z)); σ′ = σ (1 − σ).",
        "tangent of f(x) for the seed eᵢ, so the cost is whatever it is.",
        "λ₁ ≥ λ₂ ≥ 0, and the coherence is (λ₁ − λ₂) / (λ₁ + λ₂). It is 1 when",
    ],
)
def test_code_roles_and_identifiers_are_left_alone(line: str) -> None:
    assert one(line) == line


def test_a_literal_inline_span_is_kept_and_the_math_beside_it_converted() -> None:
    line = "    ``[None, δ^1, ..., δ^L]``, δ^l of shape (n_l,), indexed like the text."
    assert one(line) == (
        r"    ``[None, δ^1, ..., δ^L]``, :math:`\delta^l` of shape (:math:`n_l`,), "
        "indexed like the text."
    )


# bp.network's module docstring (start) and Network.check_batch (sections), as autodoc
# hands them over: literal blocks after "::", parameter names, a doctest.
NETWORK = """\
Notation (the book's, after Nielsen): the input is layer 0 and the output
layer is L. For l = 1, …, L::

    z^l = w^l a^{l−1} + b^l,        a^l = σ^l(z^l),        a^0 = x,

where w^l has shape (n_l, n_{l−1}) — ``w[l][j, k]`` is the weight w^l_{jk}
from neuron k in layer l−1 to neuron j in layer l.

The four equations of backpropagation, with δ^l = ∂C_x/∂z^l::

    BP1  δ^L = ∇_a C_x ⊙ σ′(z^L)
    BP2  δ^l = ((w^{l+1})ᵀ δ^{l+1}) ⊙ σ′(z^l)

Parameters
----------
X : array_like, shape (m, n_0)
    One example per row.
x_name, y_name : str
    The argument names used in error messages.
n_0 : int
    A parameter whose name looks like math.

Returns
-------
Y : ndarray or None
    (m, n_L) targets in the cost's domain, or None without ``y``.
ndarray, shape (n_L, m)

Raises
------
TypeError, ValueError
    Naming ``x_name`` or ``y_name`` and what was expected.

Examples
--------
>>> net.w[1].shape  # w^1 is (n_1, n_0)
(n_1, n_0)

.. math::

   δ^l = ∂C_x/∂z^l

.. note:: Weights w^l.
   :class: tip

   Each w^l is (n_l, n_{l−1}).
""".splitlines()


def test_blocks_sections_and_names_in_a_whole_docstring() -> None:
    new = api_math.rewrite(NETWORK)
    changed = {i for i, (a, b) in enumerate(zip(NETWORK, new)) if a != b}
    # Literal blocks, doctests, the math directive, section titles, parameter and
    # exception names: unchanged.
    for i, line in enumerate(NETWORK):
        if line.startswith(("    z^l", "    BP", ">>>", "(n_1", "   δ^l", "x_name", "n_0 :")):
            assert i not in changed, line
        if line.startswith(("TypeError", "Parameters", "Returns", ".. note::", "   :class:")):
            assert i not in changed, line
    assert new[NETWORK.index("X : array_like, shape (m, n_0)")] == (
        "X : array_like, shape (m, :math:`n_0`)"
    )
    assert new[NETWORK.index("ndarray, shape (n_L, m)")] == "ndarray, shape (:math:`n_L`, m)"
    assert new[5] == (
        r"where :math:`w^l` has shape (:math:`n_l`, :math:`n_{l-1}`) — ``w[l][j, k]`` is the "
        r"weight :math:`w^l_{jk}`"
    )
    assert new[8] == (
        r"The four equations of backpropagation, with :math:`\delta^l` = "
        r":math:`\partial C_x/\partial z^l`::"
    )
    # The body of a prose directive is converted.
    assert new[-1] == r"   Each :math:`w^l` is (:math:`n_l`, :math:`n_{l-1}`)."
    assert len(new) == len(NETWORK)


def test_the_documented_objects_parameter_names_are_skipped() -> None:
    assert api_math.rewrite(["Uses n_0 and w^l."], skip={"n_0"}) == [r"Uses n_0 and :math:`w^l`."]


def test_tables_are_left_alone() -> None:
    # bp._validation's table of the vocabulary: a formula would change a column's width.
    table = [
        "=====================  ===========",
        "check                  what",
        "=====================  ===========",
        "check_sizes(sizes)     n_0, …, n_L",
        "=====================  ===========",
        "",
        "After the table, n_0.",
    ]
    assert api_math.rewrite(table) == [*table[:-1], "After the table, :math:`n_0`."]


def test_only_bp_objects_are_rewritten() -> None:
    lines = ["The output a^L."]
    api_math._process_docstring(None, "function", "numpy.linalg.norm", None, None, lines)
    assert lines == ["The output a^L."]
    api_math._process_docstring(None, "function", "bp.network.Network", None, None, lines)
    assert lines == ["The output :math:`a^L`."]


# -- the API page's modules, built by Sphinx -----------------------------------------------


sphinx_cmd = pytest.importorskip("sphinx.cmd.build")
AUTODOC_SETTINGS = (
    "autodoc_member_order",
    "autodoc_preserve_defaults",
    "autodoc_type_aliases",
    "autodoc_typehints",
    "napoleon_numpy_docstring",
    "napoleon_google_docstring",
    "napoleon_use_rtype",
)


@pytest.fixture(scope="module")
def api_page(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Every module of book/api.md through autodoc, napoleon and api_math, as HTML."""
    modules = re.findall(
        r"^\.\. automodule:: (bp\.\w+)$",
        (ROOT / "book" / "api.md").read_text(encoding="utf-8"),
        re.M,
    )
    assert len(modules) > 10
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["sphinx"]
    assert config["local_extensions"].get("api_math") == "book/_ext", "not registered"
    settings = {k: config["config"][k] for k in AUTODOC_SETTINGS}
    src = tmp_path_factory.mktemp("src")
    (src / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT / 'book' / '_ext')!r})\n"
        "extensions = ['sphinx.ext.autodoc', 'sphinx.ext.napoleon', 'api_math']\n"
        + "".join(f"{k} = {v!r}\n" for k, v in settings.items()),
        encoding="utf-8",
    )
    (src / "index.rst").write_text(
        "API\n===\n\n" + "".join(f".. automodule:: {m}\n   :members:\n\n" for m in modules),
        encoding="utf-8",
    )
    out = tmp_path_factory.mktemp("out")
    status = sphinx_cmd.build_main(["-q", "-W", "-b", "html", str(src), str(out)])
    assert status == 0, "the API page's modules do not build cleanly with -W"
    return (out / "index.html").read_text(encoding="utf-8")


def test_the_api_pages_docstrings_leave_no_tex_like_text(api_page: str) -> None:
    math = re.findall(r'<span class="math notranslate nohighlight">', api_page)
    assert len(math) > 100, "the docstrings' math is not typeset"
    text = re.sub(r"<(pre|code|script|style)\b.*?</\1>", " ", api_page, flags=re.S)
    text = re.sub(r'<span class="math notranslate nohighlight">.*?</span>', " ", text, flags=re.S)
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())
    raw = [text[max(0, m.start() - 40) : m.end() + 20] for m in RAW_SCRIPT.finditer(text)]
    assert not raw, f"TeX-like text outside code and math: {raw[:10]}"
