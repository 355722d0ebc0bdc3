"""Hypothesis strategies shared by the property tests (one place for every test file).

``problems()`` draws a small network (random architecture, activations, cost, weight
decay, seed), a batch of inputs and valid targets for it.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

import bp
from conftest import OUTPUT_COST, make_targets

#: Layer sizes: two to four layers of one to five neurons.
architectures = st.lists(st.integers(1, 5), min_size=2, max_size=4)
#: Hidden activations without a kink (ReLU is drawn only where a test allows it).
hidden = st.sampled_from(["sigmoid", "tanh", "lecun_tanh", "identity"])


@st.composite
def problems(draw: st.DrawFn) -> tuple[bp.Network, np.ndarray, np.ndarray]:
    """A network with random biases, inputs X of shape (m, n_0) and targets Y (m, n_L)."""
    sizes = draw(architectures)
    output, cost = draw(st.sampled_from(OUTPUT_COST))
    if cost == "log_likelihood" and sizes[-1] < 2:
        sizes[-1] = 2
    acts = [draw(hidden) for _ in range(len(sizes) - 2)] + [output]
    m = draw(st.integers(1, 6))
    seed = draw(st.integers(0, 2**32 - 1))
    decay = draw(st.sampled_from([0.0, 0.1]))
    rng = np.random.default_rng(seed)
    net = bp.Network(sizes, acts, cost, weight_decay=decay, seed=seed)
    for l in range(1, net.L + 1):
        net.b[l][:] = 0.2 * rng.standard_normal(net.b[l].shape)
    X = rng.standard_normal((m, sizes[0]))
    Y = make_targets(rng, output, cost, m, sizes[-1])
    return net, X, Y
