"""Drawing a small layered network, for the figures of the forward and the backward pass.

One drawing style for every network diagram in the book: layers from left (input, layer 0)
to right (output, layer L), neuron j of layer l at a fixed place, the weight w^l_{jk} as the
edge from neuron k of layer l-1 to neuron j of layer l. Indices are 1-based as in the text.

    fig, ax = plt.subplots(figsize=(7, 3.2))
    draw_network(ax, [2, 2, 1],
                 node_text={(1, 1): "$a^1_1$"},
                 edge_text={(2, 1, 1): "$w^2_{11}$"},
                 direction="backward")

Colours come from a small palette that reads on a white figure background (the book's
figures are white in the light and the dark theme alike), and differ in lightness as well
as hue, so that they stay apart in grey and for colour-blind readers.

:func:`example_network` is the small network whose forward pass {doc}`forward` draws and
whose backward pass {doc}`equations` works through by hand.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, Rectangle

FORWARD = "#1f4e9a"  # blue: values flowing forward
BACKWARD = "#b2381f"  # red: errors flowing backward
NEUTRAL = "#555555"
LIGHT = "#b8b8b8"  # edges behind a highlighted one

Node = tuple[int, int]  # (layer l, neuron j), j from 1
Edge = tuple[int, int, int]  # (layer l, j, k): w^l_{jk}, from (l-1, k) to (l, j)


def positions(
    sizes: Sequence[int], dx: float = 3.0, dy: float = 1.6
) -> dict[Node, tuple[float, float]]:
    """Centre of every neuron: layer l at x = l·dx, each layer centred vertically."""
    pos = {}
    for l, n in enumerate(sizes):
        for j in range(1, n + 1):
            pos[(l, j)] = (l * dx, ((n + 1) / 2 - j) * dy)
    return pos


def draw_network(
    ax: Axes,
    sizes: Sequence[int],
    *,
    node_text: Mapping[Node, str] | None = None,
    below_text: Mapping[Node, str] | None = None,
    edge_text: Mapping[Edge, str] | None = None,
    direction: str = "forward",
    layer_titles: Sequence[str] | None = None,
    radius: float = 0.42,
    edge_label_at: float | Mapping[Edge, float] = 0.62,
    fontsize: float = 11,
    dx: float = 3.0,
    dy: float = 1.6,
    above_text: Mapping[Node, str] | None = None,
    highlight: Collection[Edge] = (),
    edge_color: str | None = None,
    below_color: str | None = None,
    highlight_color: str | None = None,
) -> dict[Node, tuple[float, float]]:
    """Draw the network of layer sizes ``sizes`` on ``ax`` and return the neuron centres.

    Parameters
    ----------
    ax : matplotlib Axes
        Where to draw; its axis is switched off and its aspect set equal.
    sizes : sequence of int
        Neurons per layer, input first (layer 0).
    node_text : mapping (l, j) -> str, optional
        Text inside neuron j of layer l (math welcome, e.g. ``"$a^1_1$"``).
    below_text : mapping (l, j) -> str, optional
        Text under the neuron (for example its δ), in the colour of ``direction``.
    edge_text : mapping (l, j, k) -> str, optional
        Text on the edge of w^l_{jk}, placed ``edge_label_at`` of the way from the
        neuron the arrows leave towards the one they enter.
    direction : {"forward", "backward", "none"}
        Arrow heads towards the output (values), towards the input (errors) or none.
    layer_titles : sequence of str, optional
        One title per layer, written above it.
    radius, fontsize, dx, dy : float
        Size of a neuron, of the text, and the spacing of layers and of neurons.
    edge_label_at : float, or mapping (l, j, k) -> float
        Where the edge labels sit (one value for all, or one per labelled edge; edges
        missing from the mapping use 0.62).
    above_text : mapping (l, j) -> str, optional
        Text over the neuron, in black (for example its weighted input).
    highlight : collection of (l, j, k)
        Edges drawn thick, in the colour of ``direction`` (the others turn grey).
    edge_color, below_color, highlight_color : str, optional
        Override the colour of the edges, of ``below_text`` and of the highlighted edges.

    Raises
    ------
    ValueError
        If ``direction`` is not one of the three, or a label or a highlighted edge names
        a neuron or an edge the network does not have.
    """
    if direction not in ("forward", "backward", "none"):
        raise ValueError(f"direction must be 'forward', 'backward' or 'none', not {direction!r}")
    pos = positions(sizes, dx, dy)
    node_text = dict(node_text or {})
    below_text = dict(below_text or {})
    edge_text = dict(edge_text or {})
    above_text = dict(above_text or {})
    highlight = set(highlight)
    for key in [*node_text, *below_text, *above_text]:
        if key not in pos:
            raise ValueError(f"no neuron {key} (layer, j) in a network of sizes {list(sizes)}")
    for l, j, k in [*edge_text, *highlight]:
        if not (1 <= l < len(sizes) and (l, j) in pos and (l - 1, k) in pos):
            raise ValueError(f"no weight w^{l}_{{{j}{k}}} in a network of sizes {list(sizes)}")
    color = {"forward": FORWARD, "backward": BACKWARD, "none": NEUTRAL}[direction]
    line_color = edge_color or (LIGHT if highlight else color)
    below_color = below_color or color

    for l in range(1, len(sizes)):
        for j in range(1, sizes[l] + 1):
            for k in range(1, sizes[l - 1] + 1):
                head, tail = pos[(l, j)], pos[(l - 1, k)]
                start, end = (tail, head) if direction != "backward" else (head, tail)
                strong = (l, j, k) in highlight
                ax.add_patch(
                    FancyArrowPatch(
                        start,
                        end,
                        arrowstyle="-|>" if direction != "none" else "-",
                        mutation_scale=16 if strong else 14,
                        color=(highlight_color or color) if strong else line_color,
                        lw=3.0 if strong else 1.3,
                        shrinkA=radius * 72 / 2.2,
                        shrinkB=radius * 72 / 2.2,
                        zorder=1.5 if strong else 1,
                    )
                )
                text = edge_text.get((l, j, k))
                if text:
                    if isinstance(edge_label_at, Mapping):
                        t = edge_label_at.get((l, j, k), 0.62)
                    else:
                        t = edge_label_at
                    x = start[0] + t * (end[0] - start[0])
                    y = start[1] + t * (end[1] - start[1])
                    ax.text(
                        x,
                        y,
                        text,
                        ha="center",
                        va="center",
                        fontsize=fontsize - 1,
                        color=(highlight_color or color) if (l, j, k) in highlight else "black",
                        zorder=3,
                        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"},
                    )
    for (l, j), (x, y) in pos.items():
        ax.add_patch(Circle((x, y), radius, fc="white", ec="black", lw=1.4, zorder=2))
        if (l, j) in node_text:
            ax.text(x, y, node_text[(l, j)], ha="center", va="center", fontsize=fontsize, zorder=4)
        if (l, j) in below_text:
            ax.text(
                x,
                y - radius - 0.12,
                below_text[(l, j)],
                ha="center",
                va="top",
                fontsize=fontsize - 1,
                color=below_color,
                zorder=4,
            )
        if (l, j) in above_text:
            ax.text(
                x,
                y + radius + 0.1,
                above_text[(l, j)],
                ha="center",
                va="bottom",
                fontsize=fontsize - 1,
                color="black",
                zorder=4,
            )
    if layer_titles is not None:
        top = max(y for _, y in pos.values()) + radius + (1.0 if above_text else 0.35)
        for l, title in enumerate(layer_titles):
            ax.text(l * dx, top, title, ha="center", va="bottom", fontsize=fontsize)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.autoscale_view()
    xs = [x for x, _ in pos.values()]
    ys = [y for _, y in pos.values()]
    ax.set_xlim(min(xs) - 1.2, max(xs) + 1.2)
    top = 0.9 if layer_titles else 0.4
    top += 0.65 if above_text else 0.0
    ax.set_ylim(
        min(ys) - radius - (1.0 if below_text or not above_text else 0.5), max(ys) + radius + top
    )
    return pos


def example_network():
    """The 2–2–1 sigmoid network of the worked example, with its input and target.

    Weights chosen for readable arithmetic, a bias in each layer, and two hidden neurons
    that differ (so that the example shows BP2 distributing the error unevenly).
    Returns ``(net, x, y)``: a :class:`bp.Network` with the quadratic cost, the input
    x (shape (2,)) and the target y (shape (1,)).
    """
    import numpy as np

    import bp

    net = bp.Network([2, 2, 1], "sigmoid", "quadratic")
    net.w[1] = np.array([[0.5, -0.25], [-0.5, 0.75]])
    net.b[1] = np.array([0.5, 0.0])
    net.w[2] = np.array([[1.5, -1.0]])
    net.b[2] = np.array([0.25])
    x = np.array([1.0, 2.0])
    y = np.array([1.0])
    return net, x, y


def _matrix(
    ax: Axes, x: float, y: float, rows: int, cols: int, fill: str, label: str, unit: float
) -> None:
    """A rows × cols matrix drawn to scale, top left at (x, y), named above, shape beside."""
    ax.add_patch(
        Rectangle((x, y - rows * unit), cols * unit, rows * unit, fc=fill, ec="black", lw=0.8)
    )
    ax.text(x, y + 0.08, label, ha="left", va="bottom", fontsize=12)
    ax.text(
        x + cols * unit + 0.15,
        y - rows * unit / 2,
        f"{rows}×{cols}",
        ha="left",
        va="center",
        fontsize=11,
        color="#333333",
    )


def draw_bracketings(sizes: Sequence[int], unit: float = 0.26) -> Figure:
    """The gradient of layer 1's parameters as a product of matrices, in two orders.

    For a network with layer sizes ``sizes`` = [n_0, …, n_L] (L ≥ 2), the figure shows
    the network with its factors (δ^L)ᵀ, J^L, …, J^2 and ∂z^1/∂θ^1 (of shape
    n_1 × n_1(n_0 + 1)) written under it, then the intermediate results of the two
    bracketings, top to bottom, each matrix drawn to scale (``unit`` per entry) with its
    shape: from the output end (rows, red, left) and from the input end (one column per
    parameter, blue, right).

    Raises
    ------
    ValueError
        If the network has fewer than two layers of weights.
    """
    sizes = [int(n) for n in sizes]
    L = len(sizes) - 1
    if L < 2:
        raise ValueError(f"draw_bracketings needs at least two layers, got sizes {sizes}")
    P1 = sizes[1] * (sizes[0] + 1)
    T = r"^{\top}"
    d_theta = r"$\partial z^1/\partial\theta^1$"
    grad = r"$\partial C/\partial\theta^1$"
    reverse = [(rf"$(\delta^{L}){T}$", 1, sizes[L], "")]
    for l in range(L, 1, -1):
        reverse.append((rf"$(\delta^{l - 1}){T}$", 1, sizes[l - 1], rf"$\cdot\, J^{l}$"))
    reverse.append((grad, 1, P1, r"$\cdot$ " + d_theta))
    forward = [(d_theta, sizes[1], P1, "")]
    for l in range(2, L + 1):
        forward.append((rf"$\partial z^{l}/\partial\theta^1$", sizes[l], P1, rf"$J^{l}\,\cdot$"))
    forward.append((grad, 1, P1, rf"$(\delta^{L}){T}\cdot$"))

    heights = [max(r[1], f[1]) * unit for r, f in zip(reverse, forward)]
    col_w = P1 * unit + 1.6
    total_h = sum(heights) + 1.55 * len(heights) + 1.3
    fig = plt.figure(figsize=(6.4, 3.0 + 0.42 * total_h))
    frac = 3.0 / (3.0 + 0.42 * total_h)
    ax0 = fig.add_axes((0.0, 1 - frac, 1.0, frac))
    titles = ["input"] + [f"layer {l}" for l in range(1, L)] + ["output"]
    draw_network(ax0, sizes, direction="none", fontsize=11, layer_titles=titles, radius=0.38)
    factors = [(d_theta, sizes[1], P1)]
    factors += [(f"$J^{l}$", sizes[l], sizes[l - 1]) for l in range(2, L + 1)]
    factors += [(rf"$(\delta^{L}){T}$", 1, sizes[L])]
    low = min(y for _, y in positions(sizes).values())
    top = max(y for _, y in positions(sizes).values())
    for i, (label, rows, cols) in enumerate(factors):
        x = 1.5 + 3.0 * i - (0.3 if i == L else 0.0)
        ax0.text(x, low - 1.4, f"{label}\n{rows}×{cols}", ha="center", va="center", fontsize=12)
    ax0.set_ylim(low - 2.3, top + 1.3)
    ax0.set_xlim(-1.5, 3.0 * L + 1.8)

    ax = fig.add_axes((0.03, 0.0, 0.94, 1 - frac))
    ax.set_aspect("equal")
    ax.axis("off")
    for x0, title, steps, colour, fill in (
        (
            0.0,
            "from the output end:\none row per layer\n(backpropagation)",
            reverse,
            BACKWARD,
            "#f3d9d3",
        ),
        (
            col_w + 0.6,
            "from the input end:\none column per parameter\n(forward mode)",
            forward,
            FORWARD,
            "#d6e2f5",
        ),
    ):
        ax.text(
            x0, total_h, title, ha="left", va="top", fontsize=12, fontweight="bold", color=colour
        )
        y = total_h - 2.1
        for i, (label, rows, cols, factor) in enumerate(steps):
            if i:
                ax.add_patch(
                    FancyArrowPatch(
                        (x0 + 0.4, y + 0.95),
                        (x0 + 0.4, y + 0.35),
                        arrowstyle="-|>",
                        mutation_scale=12,
                        color=colour,
                        lw=1.4,
                    )
                )
                ax.text(
                    x0 + 0.7, y + 0.65, factor, ha="left", va="center", fontsize=12, color=colour
                )
            _matrix(ax, x0, y - 0.45, rows, cols, fill, label, unit)
            y -= heights[i] + 1.55
    ax.set_xlim(-0.2, 2 * col_w + 0.8)
    ax.set_ylim(-0.2, total_h + 0.1)
    return fig


def _dec(v: float, d: int = 4) -> str:
    """``v`` with ``d`` decimals and a true minus sign, as the worked example's tables."""
    return f"{v:.{d}f}".replace("-", "\u2212")


def _example_values(net, x, y) -> dict:
    """Forward and backward values of a one-example pass: z, a, σ′ and δ by (l, j)."""
    import numpy as np

    fp = net.forward(np.asarray(x, dtype=float)[None, :])
    grad = net.backprop_example(x, y)
    out: dict = {"z": {}, "a": {}, "sp": {}, "delta": {}}
    for l in range(net.L + 1):
        for j in range(1, net.sizes[l] + 1):
            out["a"][(l, j)] = float(fp.a[l][0, j - 1])
            if l:
                z = fp.z[l][0, j - 1]
                out["z"][(l, j)] = float(z)
                sp = net.activations[l].derivative(fp.z[l], fp.a[l])[0, j - 1]
                out["sp"][(l, j)] = float(sp)
                out["delta"][(l, j)] = float(grad.b[l][j - 1])  # BP3: ∂C/∂b = δ
    return out


# Where the labels of a 2–2–1 network's edges sit, measured from the input end: the
# straight edges in the middle, the crossing ones near the inputs, away from the crossing.
_FROM_INPUT = {
    (1, 1, 1): 0.5,
    (1, 2, 2): 0.5,
    (1, 1, 2): 0.3,
    (1, 2, 1): 0.3,
    (2, 1, 1): 0.5,
    (2, 1, 2): 0.5,
}
_SIZE = {"radius": 0.9, "dx": 5.6, "dy": 3.6, "fontsize": 16}


def draw_forward_example(net, x) -> Figure:
    """The forward pass of a 2–2–1 network on one input, with every number on the drawing.

    Each neuron holds its activation (the inputs their value), its weighted input z is
    written above it, and each edge carries its weight; biases are listed under the
    neurons. Blue arrows point towards the output.

    Raises
    ------
    ValueError
        If ``net`` is not a 2–2–1 network.
    """
    if list(net.sizes) != [2, 2, 1]:
        raise ValueError(f"draw_forward_example draws a 2-2-1 network, not {net.sizes}")
    v = _example_values(net, x, net.feedforward(x[None, :])[0])
    node = {key: _dec(a) for key, a in v["a"].items()}
    for k, t in enumerate(x, start=1):
        node[(0, k)] = f"$x_{k}{{=}}{float(t):g}$".replace("-", "\u2212")
    above = {key: f"$z = {_dec(z)}$" for key, z in v["z"].items()}
    below = {
        (l, j): f"$b = {float(net.b[l][j - 1]):g}$".replace("-", "\u2212")
        for l in (1, 2)
        for j in range(1, net.sizes[l] + 1)
    }
    edges = {
        (l, j, k): f"${float(net.w[l][j - 1, k - 1]):g}$".replace("-", "\u2212")
        for l in (1, 2)
        for j in range(1, net.sizes[l] + 1)
        for k in range(1, net.sizes[l - 1] + 1)
    }
    fig, ax = plt.subplots(figsize=(7.2, 4.6))
    draw_network(
        ax,
        net.sizes,
        node_text=node,
        above_text=above,
        below_text=below,
        below_color="black",
        edge_text=edges,
        edge_label_at=_FROM_INPUT,
        layer_titles=["input $x$", "hidden $a^1$", "output $a^2$"],
        **_SIZE,
    )
    fig.tight_layout()
    return fig


def draw_backward_example(net, x, y) -> Figure:
    """The backward pass of a 2–2–1 network on one example, with every number on it.

    Each neuron holds its activation from the forward pass; above it its σ′(z), under it
    (red) its error δ; each edge, drawn as a red arrow towards the input, carries the
    gradient of its weight, a^{l−1}_k δ^l_j (BP4).

    Raises
    ------
    ValueError
        If ``net`` is not a 2–2–1 network.
    """
    if list(net.sizes) != [2, 2, 1]:
        raise ValueError(f"draw_backward_example draws a 2-2-1 network, not {net.sizes}")
    v = _example_values(net, x, y)
    node = {key: _dec(a) for key, a in v["a"].items()}
    for k, t in enumerate(x, start=1):
        node[(0, k)] = f"$x_{k}{{=}}{float(t):g}$".replace("-", "\u2212")
    above = {key: f"$\\sigma' = {_dec(sp)}$" for key, sp in v["sp"].items()}
    below = {key: f"$\\delta = {_dec(d)}$" for key, d in v["delta"].items()}
    edges = {}
    for l in (1, 2):
        for j in range(1, net.sizes[l] + 1):
            for k in range(1, net.sizes[l - 1] + 1):
                g = v["a"][(l - 1, k)] * v["delta"][(l, j)]
                edges[(l, j, k)] = f"${_dec(g)}$"
    fig, ax = plt.subplots(figsize=(7.2, 4.6))
    draw_network(
        ax,
        net.sizes,
        node_text=node,
        above_text=above,
        below_text=below,
        edge_text=edges,
        direction="backward",
        edge_label_at={e: 1 - t for e, t in _FROM_INPUT.items()},
        layer_titles=["input $x$", "hidden", "output"],
        **_SIZE,
    )
    fig.tight_layout()
    return fig


if __name__ == "__main__":  # a quick look: python book/_netdraw.py out.png
    import sys

    fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
    draw_network(
        axes[0],
        [2, 2, 1],
        node_text={(0, 1): "$x_1$", (0, 2): "$x_2$"},
        edge_text={(1, 1, 1): "$w^1_{11}$", (2, 1, 2): "$w^2_{12}$"},
        layer_titles=["$l=0$", "$l=1$", "$l=2$"],
    )
    draw_network(
        axes[1],
        [2, 2, 1],
        direction="backward",
        below_text={(2, 1): r"$\delta^2_1$", (1, 1): r"$\delta^1_1$"},
        edge_text={(2, 1, 1): r"$a^1_1\delta^2_1$"},
    )
    fig.savefig(sys.argv[1] if len(sys.argv) > 1 else "netdraw.png", dpi=150, bbox_inches="tight")
