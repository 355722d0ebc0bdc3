"""bp.autodiff: the reverse-mode engine, its local rules, reuse, repeated backward,
forward mode, and the layered network's gradient recomputed with it."""

from __future__ import annotations

import sys

import numpy as np
import pytest

import bp
from bp import autodiff as ad
from bp import opcount
from conftest import HIDDEN, OUTPUT_COST, make_targets


def numeric_grad(f, x, eps=1e-6):
    """Centred differences of a scalar function of an array x (float64)."""
    x = np.array(x, dtype=float)
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        fp = f(x)
        x[i] = old - eps
        fm = f(x)
        x[i] = old
        g[i] = (fp - fm) / (2 * eps)
    return g


# ---- scalars: the chain rule by hand ------------------------------------------------
def test_scalar_polynomial():
    x = ad.Node(3.0)
    y = x * x + x  # dy/dx = 2x + 1
    y.backward()
    assert float(x.grad) == 7.0
    assert float(y.value) == 12.0


def test_scalar_expression_against_hand_derivatives():
    a, b = ad.Node(1.5), ad.Node(-0.5)
    f = (a * b).tanh() + (a / b) ** 2 - ad.exp(b) * ad.log(a) + 3 - a
    f.backward()
    t = np.tanh(1.5 * -0.5)
    df_da = (1 - t**2) * -0.5 + 2 * (1.5 / -0.5) / -0.5 - np.exp(-0.5) / 1.5 - 1
    df_db = (1 - t**2) * 1.5 + 2 * (1.5 / -0.5) * (-1.5 / 0.25) - np.exp(-0.5) * np.log(1.5)
    assert float(a.grad) == pytest.approx(df_da, rel=1e-14)
    assert float(b.grad) == pytest.approx(df_db, rel=1e-14)


# ---- every operation against finite differences ---------------------------------------------
UNARY = {
    "exp": (ad.exp, np.exp),
    "log": (ad.log, np.log),
    "tanh": (ad.tanh, np.tanh),
    "sigmoid": (ad.sigmoid, lambda v: 1 / (1 + np.exp(-v))),
    "relu": (ad.relu, lambda v: np.maximum(v, 0)),
    "softplus": (ad.softplus, lambda v: np.log1p(np.exp(v))),
    "neg": (lambda n: -n, lambda v: -v),
    "square": (lambda n: n**2, lambda v: v**2),
    "cube": (lambda n: n**3, lambda v: v**3),
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_ops_against_finite_differences(name, rng):
    op, ref = UNARY[name]
    x0 = rng.uniform(0.2, 2.0, size=(3, 4)) * (
        1 if name in ("log",) else rng.choice([-1, 1], (3, 4))
    )
    c = rng.standard_normal((3, 4))  # a random linear functional makes the output scalar
    x = ad.Node(x0)
    (op(x) * c).sum().backward()
    np.testing.assert_allclose(
        x.grad, numeric_grad(lambda v: np.sum(ref(v) * c), x0), rtol=1e-7, atol=1e-9
    )
    np.testing.assert_allclose(op(ad.Node(x0)).value, ref(x0), rtol=1e-15)


def _binary_cases(rng):
    A = rng.standard_normal((4, 3))
    return {
        "add": (lambda p, q: p + q, A, rng.standard_normal((4, 3))),
        "sub": (lambda p, q: p - q, A, rng.standard_normal((4, 3))),
        "mul": (lambda p, q: p * q, A, rng.standard_normal((4, 3))),
        "div": (lambda p, q: p / q, A, rng.uniform(1, 2, (4, 3))),
        "add-broadcast-row": (lambda p, q: p + q, A, rng.standard_normal(3)),
        "mul-broadcast-col": (lambda p, q: p * q, A, rng.standard_normal((4, 1))),
        "matmul": (lambda p, q: p @ q, A, rng.standard_normal((3, 5))),
        "matmul-vector-right": (lambda p, q: p @ q, A, rng.standard_normal(3)),
        "matmul-vector-left": (lambda p, q: q @ p, A, rng.standard_normal(4)),
        "matmul-transpose": (lambda p, q: p.T @ q, A, rng.standard_normal((4, 2))),
    }


@pytest.mark.parametrize(
    "case",
    [
        "add",
        "sub",
        "mul",
        "div",
        "add-broadcast-row",
        "mul-broadcast-col",
        "matmul",
        "matmul-vector-right",
        "matmul-vector-left",
        "matmul-transpose",
    ],
)
def test_binary_ops_against_finite_differences(case, rng):
    op, p0, q0 = _binary_cases(rng)[case]
    out_shape = op(ad.Node(p0), ad.Node(q0)).value.shape
    c = rng.standard_normal(out_shape)
    p, q = ad.Node(p0), ad.Node(q0)
    (op(p, q) * c).sum().backward()
    f_p = lambda v: np.sum(op(ad.constant(v), ad.constant(q0)).value * c)  # noqa: E731
    f_q = lambda v: np.sum(op(ad.constant(p0), ad.constant(v)).value * c)  # noqa: E731
    assert p.grad.shape == p0.shape and q.grad.shape == q0.shape
    np.testing.assert_allclose(p.grad, numeric_grad(f_p, p0), rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(q.grad, numeric_grad(f_q, q0), rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("axis, keepdims", [(None, False), (0, False), (1, True), (1, False)])
def test_sum_and_mean(axis, keepdims, rng):
    x0 = rng.standard_normal((3, 4))
    for reduce, ref in (("sum", np.sum), ("mean", np.mean)):
        x = ad.Node(x0)
        out = getattr(x, reduce)(axis=axis, keepdims=keepdims)
        c = rng.standard_normal(out.value.shape)
        (out * c).sum().backward()

        def weighted(v, ref=ref, c=c):
            return np.sum(ref(v, axis=axis, keepdims=keepdims) * c)

        expected = numeric_grad(weighted, x0)
        np.testing.assert_allclose(x.grad, expected, rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("op", ["softmax", "log_softmax"])
def test_softmax_ops(op, rng):
    z0 = rng.standard_normal((3, 5)) * 3
    c = rng.standard_normal((3, 5))

    def ref(v):
        e = np.exp(v - v.max(axis=1, keepdims=True))
        s = e / e.sum(axis=1, keepdims=True)
        return s if op == "softmax" else np.log(s)

    z = ad.Node(z0)
    (getattr(z, op)() * c).sum().backward()
    np.testing.assert_allclose(
        z.grad, numeric_grad(lambda v: np.sum(ref(v) * c), z0), rtol=1e-7, atol=1e-9
    )
    # stable for huge inputs
    big = ad.Node(np.array([[1000.0, 0.0, -1000.0]]))
    assert np.all(np.isfinite(getattr(big, op)().value))


# ---- reuse: a node used twice must receive the sum ----------------------------------------
def test_diamond_sums_both_contributions():
    x = ad.Node(2.0)
    u = x * x  # u = 4, used by two consumers below
    y = u * 3.0 + u.tanh()  # dy/du = 3 + (1 − tanh² u)
    y.backward()
    dy_du = 3 + (1 - np.tanh(4.0) ** 2)
    assert float(u.grad) == pytest.approx(dy_du, rel=1e-15)
    assert float(x.grad) == pytest.approx(dy_du * 2 * 2.0, rel=1e-15)


def test_same_node_twice_in_one_operation():
    x = ad.Node(np.array([1.0, -2.0, 3.0]))
    (x * x).sum().backward()  # both parents of * are x
    np.testing.assert_array_equal(x.grad, 2 * x.value)
    (x + x + x).sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0, 3.0, 3.0])


def test_chain_of_diamonds():
    # each level doubles the number of paths; backward visits each node once
    x = ad.Node(0.7)
    t = x
    depth = 30  # 2^30 paths: only a topological sweep can do this
    for _ in range(depth):
        t = t * 0.5 + t * 0.25  # t ← 0.75 t, through two paths
    t.backward()
    assert float(x.grad) == pytest.approx(0.75**depth, rel=1e-13)


def naive_recursive_backward(node, g):
    """What a first attempt might do: overwrite, and recurse at once."""
    node.grad = g
    for parent, vjp, _ in node.parents:
        if parent.requires_grad:
            naive_recursive_backward(parent, vjp(g))


def test_naive_recursion_gets_reuse_wrong_and_the_engine_does_not():
    x = ad.Node(2.0)
    u = x * x
    y = u * 3.0 + u * 5.0  # dy/dx = 8 · 2x = 32
    naive_recursive_backward(y, np.ones(()))
    assert float(x.grad) != 32.0  # the second path overwrote the first
    y.backward()
    assert float(x.grad) == 32.0


def test_all_paths_backward_is_right_but_visits_every_path():
    x = ad.Node(0.7)
    t = x
    for _ in range(8):
        t = t * 0.5 + t * 0.25
    calls = ad.all_paths_backward(t)
    assert float(x.grad) == pytest.approx(0.75**8, rel=1e-14)
    # every level has 2 products and 1 sum: on each of the 2^k paths into level k, the sum
    # passes the gradient to 2 products, each to its node: 4 rule applications per path
    assert calls == sum(4 * 2**k for k in range(8))
    order = t.topological_order()
    edges = sum(p.requires_grad for n in order for p, _, _ in n.parents)
    assert edges == 4 * 8  # the sweep applies each rule once: linear, not exponential


# ---- repeated backward: no silent doubling ----------------------------------------------------
def test_backward_twice_gives_the_same_gradient():
    x = ad.Node(np.array([0.5, -1.0]))
    w = ad.Node(np.array([[1.0, 2.0], [3.0, -4.0]]))
    y = ((w @ x).tanh() ** 2).sum()
    y.backward()
    first_x, first_w = x.grad.copy(), w.grad.copy()
    y.backward()
    np.testing.assert_array_equal(x.grad, first_x)
    np.testing.assert_array_equal(w.grad, first_w)


def test_backward_twice_leaves_interior_gradients_unchanged():
    # An engine that adds into every .grad and resets only the output's (micrograd's
    # design) would give u.grad = 2 · 2 and x.grad = 3 · 6 after the second call.
    x = ad.Node(1.0)
    u = x * 3.0
    f = u * 2.0
    f.backward()
    assert (float(u.grad), float(x.grad)) == (2.0, 6.0)
    f.backward()
    assert (float(u.grad), float(x.grad)) == (2.0, 6.0)


def test_two_outputs_sharing_a_leaf_do_not_mix():
    x = ad.Node(3.0)
    y1 = x * x
    y2 = x * 10.0
    y1.backward()
    assert float(x.grad) == 6.0
    y2.backward()
    assert float(x.grad) == 10.0  # not 16
    (y1 + y2).backward()  # to add gradients, add the outputs
    assert float(x.grad) == 16.0


def test_leaf_gradients_are_independent_arrays():
    x = ad.Node(np.ones(3))
    y = ad.Node(np.ones(3))
    (x + y).sum().backward()
    x.grad[0] = 99.0
    assert y.grad[0] == 1.0


# ---- deep graphs: no recursion limit -----------------------------------------------------------
def test_deep_chain_beyond_the_recursion_limit():
    depth = 3 * sys.getrecursionlimit()
    x = ad.Node(1.0)
    t = x
    for _ in range(depth):
        t = t * 1.0001
    t.backward()
    assert float(x.grad) == pytest.approx(1.0001**depth, rel=1e-10)
    assert len(t.topological_order()) == depth + 1


# ---- constants, seeds and errors ----------------------------------------------------------------
def test_constants_get_no_gradient_and_cost_no_products():
    X = ad.constant(np.ones((4, 3)))
    W = ad.Node(np.ones((2, 3)))
    with opcount.counting() as c:
        out = (X @ W.T).sum()
        out.backward()
    assert X.grad is None
    np.testing.assert_array_equal(W.grad, np.full((2, 3), 4.0))
    assert c.macs == 4 * 3 * 2 + 2 * 4 * 3  # forward, and ∂/∂W only (none for X)


def test_seeded_backward_gives_a_vector_jacobian_product(rng):
    A = rng.standard_normal((3, 4))
    x = ad.Node(rng.standard_normal(4))
    y = ad.constant(A) @ x
    v = rng.standard_normal(3)
    y.backward(v)
    np.testing.assert_allclose(x.grad, v @ A, rtol=1e-14)


def test_errors():
    with pytest.raises(ValueError, match="seed"):
        ad.Node(np.ones(3)).backward()
    with pytest.raises(ValueError, match="seed"):
        ad.Node(np.ones(3)).backward(np.ones(2))
    with pytest.raises(RuntimeError, match="constant"):
        ad.constant(1.0).backward()
    with pytest.raises(TypeError, match="real"):
        ad.Node("abc")
    with pytest.raises(TypeError, match="constant exponents"):
        ad.Node(2.0) ** ad.Node(3.0)
    with pytest.raises(ValueError, match="shapes"):
        ad.Node(np.ones((2, 3))) @ ad.Node(np.ones((2, 3)))
    with pytest.raises(ValueError, match="1-D or 2-D"):
        ad.Node(np.ones((2, 2, 2))) @ ad.Node(np.ones(2))
    with pytest.raises(ValueError, match="variable"):
        ad.forward_tangent(ad.Node(1.0) * 2, {ad.constant(1.0): 1.0})


def test_integers_become_floats_and_repr():
    x = ad.Node(3, name="x")
    assert x.value.dtype == np.float64
    assert "x" in repr(x) and "3.0" in repr(x)
    assert "constant" in repr(ad.constant(np.zeros(2)))


# ---- forward mode and Jacobians ----------------------------------------------------------------
def _f(A, B):
    return lambda x: ad.constant(B) @ (ad.constant(A) @ x).tanh() + x.sum()


def test_jacobians_forward_and_reverse_agree_with_the_formula(rng):
    A = rng.standard_normal((5, 3))
    B = rng.standard_normal((4, 5))
    x0 = rng.standard_normal(3)
    # J = B diag(1 − tanh²(A x)) A + 1 (every output gets Σ x)
    J = B @ ((1 - np.tanh(A @ x0) ** 2)[:, None] * A) + np.ones((4, 3))
    np.testing.assert_allclose(ad.jacobian_forward(_f(A, B), x0), J, rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(ad.jacobian_reverse(_f(A, B), x0), J, rtol=1e-13, atol=1e-14)


def test_jacobian_costs_n0_sweeps_forward_and_nL_sweeps_reverse(rng):
    n_0, n_L, h = 6, 2, 5  # inputs, outputs, hidden
    A = rng.standard_normal((h, n_0))
    B = rng.standard_normal((n_L, h))
    f = lambda x: ad.constant(B) @ (ad.constant(A) @ x).tanh()  # noqa: E731
    x0 = rng.standard_normal(n_0)
    with opcount.counting() as primal:
        f(ad.Node(x0))
    with opcount.counting() as fwd:
        J_fwd = ad.jacobian_forward(f, x0)
    with opcount.counting() as rev:
        J_rev = ad.jacobian_reverse(f, x0)
    assert J_fwd.shape == J_rev.shape == (n_L, n_0)
    sweep = h * n_0 + n_L * h  # one tangent or one adjoint crosses both products
    assert primal.macs == sweep
    assert fwd.macs == primal.macs + n_0 * sweep
    assert rev.macs == primal.macs + n_L * sweep


def test_jacobian_bad_shapes_raise():
    with pytest.raises(ValueError, match="1-D array"):
        ad.jacobian_forward(lambda x: x, np.ones((2, 2)))
    with pytest.raises(ValueError, match="1-D Node"):
        ad.jacobian_reverse(lambda x: x.sum(), np.ones(3))


def test_forward_tangent_is_a_directional_derivative(rng):
    x0 = rng.standard_normal(4)
    d = rng.standard_normal(4)
    x = ad.Node(x0)
    y = (x.sigmoid() * x).sum()
    t = ad.forward_tangent(y, {x: d})
    f = lambda v: np.sum(v / (1 + np.exp(-v)))  # noqa: E731
    eps = 1e-6
    assert float(t) == pytest.approx((f(x0 + eps * d) - f(x0 - eps * d)) / (2 * eps), rel=1e-7)
    # an output that does not depend on the seeded variable has a zero tangent
    z = ad.Node(1.0)
    assert float(ad.forward_tangent(z * 2.0, {x: d})) == 0.0


# ---- the layered network: the engine finds BP1–BP4's gradient -------------------------------
@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("output, cost", OUTPUT_COST)
def test_network_gradient_equals_backprop(hidden, output, cost, rng):
    sizes = [4, 6, 5, 3]
    net = bp.Network(sizes, [hidden, hidden, output], cost, weight_decay=0.03, seed=7)
    X = rng.standard_normal((8, 4))
    Y = make_targets(rng, output, cost, 8, 3)
    engine = ad.network_gradient(net, X, Y)
    plain = net.backprop(X, Y)
    assert bp.relative_error(engine.flat(), plain.flat()) <= 1e-12
    cost_node, _, _ = ad.network_cost(net, X, Y)
    assert float(cost_node.value) == pytest.approx(net.cost_value(X, Y), rel=1e-13)


def test_network_gradient_against_finite_differences(rng):
    net = bp.Network([3, 5, 2], ["tanh", "softmax"], "log_likelihood", seed=2)
    X = rng.standard_normal((6, 3))
    labels = rng.integers(0, 2, 6)
    engine = ad.network_gradient(net, X, labels)
    numeric = bp.finite_difference_gradient(net, X, labels)
    assert bp.relative_error(engine.flat(), numeric.flat()) < 1e-8


@pytest.mark.parametrize("sizes", [[3, 4, 2], [5, 7, 6, 4], [2, 3, 3, 3, 1]])
@pytest.mark.parametrize("m", [1, 9])
def test_engine_does_exactly_backprops_products(sizes, m, rng):
    net = bp.Network(sizes, "sigmoid", "quadratic")
    X = rng.standard_normal((m, sizes[0]))
    Y = rng.random((m, sizes[-1]))
    with opcount.counting() as c:
        ad.network_gradient(net, X, Y)
    assert c.macs == opcount.gradient_macs(sizes, m)


def test_network_cost_leaves_the_network_alone(rng):
    net = bp.Network([3, 4, 2], seed=1)
    before = net.get_params().copy()
    X = rng.standard_normal((5, 3))
    cost, w, b = ad.network_cost(net, X, rng.random((5, 2)))
    cost.backward()
    np.testing.assert_array_equal(net.get_params(), before)
    assert w[0] is None and b[0] is None and w[1].grad.shape == (4, 3)


def test_network_float32(rng):
    net = bp.Network([3, 4, 2], dtype=np.float32)
    X = rng.standard_normal((5, 3))
    Y = rng.random((5, 2))
    g = ad.network_gradient(net, X, Y)
    assert g.w[1].dtype == np.float32
    assert bp.relative_error(g.flat(), net.backprop(X, Y).flat()) < 1e-5


# ---- forward over reverse: the exact Hessian-vector product ---------------------------------
# The reference is independent of bp: a gradient written out again below in complex
# arithmetic, differentiated by the complex step, Im ∇C(θ + i h v) / h = H v + O(h²).
# With h = 1e-20 the O(h²) term is far below rounding and nothing is subtracted, so the
# reference is exact to rounding (Squire and Trapp 1998; Martins et al. 2003).
_LECUN_A, _LECUN_S = 1.7159, 2.0 / 3.0


def _act(name, z):
    """σ(z), σ′(z) for complex z (analytic continuations of the real functions)."""
    if name == "sigmoid":
        s = 1 / (1 + np.exp(-z))
        return s, s * (1 - s)
    if name == "tanh":
        t = np.tanh(z)
        return t, 1 - t * t
    if name == "lecun_tanh":
        t = np.tanh(_LECUN_S * z)
        return _LECUN_A * t, _LECUN_A * _LECUN_S * (1 - t * t)
    if name == "relu":
        on = (z.real > 0).astype(float)
        return z * on, on
    if name == "identity":
        return z, np.ones_like(z)
    if name == "softmax":
        e = np.exp(z - z.real.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True), None
    raise AssertionError(name)


def _reference_gradient(sizes, acts, cost, lam, theta, X, Y):
    """∇C(θ) by the textbook equations, vectorised over the batch; θ may be complex."""
    L, m = len(sizes) - 1, X.shape[0]
    w, b, i = [None], [None], 0
    for l in range(1, L + 1):
        w.append(theta[i : i + sizes[l] * sizes[l - 1]].reshape(sizes[l], sizes[l - 1]))
        i += sizes[l] * sizes[l - 1]
        b.append(theta[i : i + sizes[l]])
        i += sizes[l]
    A, Z, D = [X.astype(complex)], [None], [None]
    for l in range(1, L + 1):
        Z.append(A[-1] @ w[l].T + b[l])
        a, d = _act(acts[l - 1], Z[-1])
        A.append(a)
        D.append(d)
    aL = A[L]
    if cost in ("cross_entropy", "log_likelihood"):
        delta = aL - Y
    elif acts[-1] == "softmax":  # quadratic cost through the softmax Jacobian
        g = aL - Y
        delta = aL * (g - (aL * g).sum(axis=1, keepdims=True))
    else:
        delta = (aL - Y) * D[L]
    grads = []
    for l in range(L, 0, -1):
        if l < L:
            delta = (delta @ w[l + 1]) * D[l]
        grads.append((delta.T @ A[l - 1] / m + lam * w[l], delta.sum(axis=0) / m))
    return np.concatenate([np.concatenate([gw.ravel(), gb]) for gw, gb in grads[::-1]])


def _complex_step_hvp(net, X, Y, v, h=1e-20):
    acts = [act.name for act in net.activations[1:]]
    theta = net.get_params().astype(complex) + 1j * h * v
    g = _reference_gradient(net.sizes, acts, net.cost.name, net.weight_decay, theta, X, Y)
    return g.imag / h


HVP_CASES = [
    ([3, 4, 3], ["sigmoid", "sigmoid"], "quadratic"),
    ([3, 4, 3], ["tanh", "identity"], "quadratic"),
    ([3, 4, 3], ["tanh", "softmax"], "quadratic"),
    ([3, 4, 3], ["lecun_tanh", "sigmoid"], "cross_entropy"),
    ([3, 4, 3], ["sigmoid", "softmax"], "log_likelihood"),
    ([3, 5, 4, 3], ["tanh", "sigmoid", "softmax"], "log_likelihood"),
    ([3, 5, 4, 2], ["relu", "lecun_tanh", "sigmoid"], "cross_entropy"),
    ([2, 3, 3, 2], ["sigmoid", "tanh", "tanh"], "quadratic"),
]


def _hvp_problem(rng, sizes, acts, cost, m=7, weight_decay=0.02):
    net = bp.Network(sizes, acts, cost, weight_decay=weight_decay, seed=4)
    for l in range(1, net.L + 1):  # biases away from zero, so every term is exercised
        net.b[l][:] = 0.3 * rng.standard_normal(net.b[l].shape)
    X = rng.standard_normal((m, sizes[0]))
    Y = make_targets(rng, acts[-1], cost, m, sizes[-1])
    return net, X, Y


@pytest.mark.parametrize("sizes, acts, cost", HVP_CASES)
def test_reference_gradient_is_backprops(rng, sizes, acts, cost):
    # the test's own gradient is right (checked on real θ against bp, itself checked
    # against finite differences elsewhere), so its complex step is a fair reference
    net, X, Y = _hvp_problem(rng, sizes, acts, cost)
    ref = _reference_gradient(
        sizes, acts, cost, net.weight_decay, net.get_params().astype(complex), X, Y
    )
    assert np.max(np.abs(ref.imag)) == 0
    assert bp.relative_error(ref.real, net.backprop(X, Y).flat()) < 1e-13


@pytest.mark.parametrize("sizes, acts, cost", HVP_CASES)
@pytest.mark.parametrize("weight_decay", [0.0, 0.05])
def test_hvp_equals_the_complex_step_reference(rng, sizes, acts, cost, weight_decay):
    net, X, Y = _hvp_problem(rng, sizes, acts, cost, weight_decay=weight_decay)
    before = net.get_params().copy()
    for _ in range(3):
        v = rng.standard_normal(net.n_parameters)
        exact = ad.hessian_vector_product(net, X, Y, v)
        ref = _complex_step_hvp(net, X, Y, v)
        assert exact.dtype == np.float64 and exact.shape == (net.n_parameters,)
        # both exact up to rounding: agreement to a few hundred units of roundoff
        assert np.linalg.norm(exact - ref) <= 1e-13 * np.linalg.norm(ref)
    np.testing.assert_array_equal(net.get_params(), before)


@pytest.mark.parametrize("sizes, acts, cost", HVP_CASES[:5])
def test_full_hessian_from_exact_products_equals_an_independent_one(rng, sizes, acts, cost):
    net, X, Y = _hvp_problem(rng, sizes, acts, cost)
    P = net.n_parameters
    reference = np.column_stack([_complex_step_hvp(net, X, Y, e) for e in np.eye(P)])
    columns = np.column_stack([ad.hessian_vector_product(net, X, Y, e) for e in np.eye(P)])
    scale = np.max(np.abs(reference))
    assert np.max(np.abs(columns - reference)) <= 1e-13 * scale
    # an exact Hessian is symmetric: the computed columns are, to rounding
    assert np.max(np.abs(columns - columns.T)) <= 1e-13 * scale


@pytest.mark.parametrize("sizes, acts, cost", HVP_CASES[3:6])
def test_hvp_is_the_limit_of_differences_of_gradients(rng, sizes, acts, cost):
    # (∇C(θ + hv) − ∇C(θ − hv)) / 2h = H v + h² r + O(h⁴): halving h divides the
    # difference from the exact product by 4, which exactness predicts and nothing else
    net, X, Y = _hvp_problem(rng, sizes, acts, cost)
    theta = net.get_params().copy()
    v = rng.standard_normal(net.n_parameters)
    v /= np.linalg.norm(v)
    exact = ad.hessian_vector_product(net, X, Y, v)

    def grad(t):
        net.set_params(t)
        return net.backprop(X, Y).flat()

    errors = []
    for h in (0.04, 0.02, 0.01, 0.005):
        fd = (grad(theta + h * v) - grad(theta - h * v)) / (2 * h)
        errors.append(np.linalg.norm(fd - exact))
    net.set_params(theta)
    ratios = np.array(errors[:-1]) / np.array(errors[1:])
    assert np.all((ratios > 3.8) & (ratios < 4.2)), ratios
    # and at the default step of bp.curvature, to that difference's error
    fd = bp.curvature.hessian_vector_product(net, X, Y, v, method="difference")
    assert np.linalg.norm(fd - exact) <= 1e-7 * np.linalg.norm(exact)


def test_hvp_is_linear_and_symmetric(rng):
    net, X, Y = _hvp_problem(rng, [4, 6, 3], ["tanh", "softmax"], "log_likelihood")
    u, v = rng.standard_normal((2, net.n_parameters))
    Hu = ad.hessian_vector_product(net, X, Y, u)
    Hv = ad.hessian_vector_product(net, X, Y, v)
    np.testing.assert_allclose(
        ad.hessian_vector_product(net, X, Y, 2 * u - 3 * v), 2 * Hu - 3 * Hv, rtol=1e-12, atol=1e-14
    )
    assert abs(u @ Hv - v @ Hu) <= 1e-13 * abs(u @ Hv)
    assert not np.any(ad.hessian_vector_product(net, X, Y, np.zeros(net.n_parameters)))


def test_hvp_with_labels_and_float32(rng):
    net, X, Y = _hvp_problem(rng, [4, 6, 3], ["sigmoid", "softmax"], "log_likelihood")
    v = rng.standard_normal(net.n_parameters)
    np.testing.assert_array_equal(
        ad.hessian_vector_product(net, X, Y.argmax(axis=1), v),
        ad.hessian_vector_product(net, X, Y, v),
    )
    net32 = bp.Network(
        [4, 6, 3],
        ["sigmoid", "softmax"],
        "log_likelihood",
        weight_decay=0.02,
        dtype=np.float32,
        seed=4,
    )
    net32.set_params(net.get_params().astype(np.float32))
    got = ad.hessian_vector_product(net32, X, Y, v)
    assert got.dtype == np.float64
    assert bp.relative_error(got, ad.hessian_vector_product(net, X, Y, v)) < 1e-4


@pytest.mark.parametrize("sizes", [[3, 4, 2], [5, 7, 6, 4], [2, 3, 3, 3, 1]])
@pytest.mark.parametrize("m", [1, 9])
def test_hvp_costs_8U_minus_5u1_multiply_adds(sizes, m, rng):
    # u_l = m n_l n_{l-1}: forward U; tangents of the forward pass 2U - u_1 (Ȧ⁰ = 0);
    # BP2 U - u_1 and its tangent 2(U - u_1); tangent of BP4 2U - u_1 (δᵀ Ȧ⁰ = 0)
    net = bp.Network(sizes, "tanh", "quadratic")
    X = rng.standard_normal((m, sizes[0]))
    Y = rng.random((m, sizes[-1]))
    u = [m * sizes[l] * sizes[l - 1] for l in range(1, len(sizes))]
    with opcount.counting() as c:
        ad.hessian_vector_product(net, X, Y, np.ones(net.n_parameters))
    assert c.macs == 8 * sum(u) - 5 * u[0]
    assert c.macs < 3 * (3 * sum(u) - u[0])  # fewer than three gradients' products


def test_hvp_bad_input(rng, small_net):
    X = rng.standard_normal((5, 4))
    Y = rng.random((5, 3))
    P = small_net.n_parameters
    with pytest.raises(ValueError, match=rf"v must have shape \({P},\)"):
        ad.hessian_vector_product(small_net, X, Y, np.ones(P - 1))
    with pytest.raises(ValueError, match="v must have shape"):
        ad.hessian_vector_product(small_net, X, Y, np.ones((P, 1)))
    for bad in (np.nan, np.inf):
        v = np.ones(P)
        v[3] = bad
        with pytest.raises(ValueError, match="v contains NaN or infinity"):
            ad.hessian_vector_product(small_net, X, Y, v)
    with pytest.raises(TypeError, match="v must be a real vector"):
        ad.hessian_vector_product(small_net, X, Y, ["a"] * P)
    with pytest.raises(TypeError, match="v must be a real vector"):
        ad.hessian_vector_product(small_net, X, Y, np.ones(P) * 1j)
    with pytest.raises(ValueError, match="X has 3 columns"):
        ad.hessian_vector_product(small_net, X[:, :3], Y, np.ones(P))
    with pytest.raises(ValueError, match="y"):
        ad.hessian_vector_product(small_net, X, Y[:4], np.ones(P))


def test_hvp_of_an_input_that_overflows_names_X(small_net):
    with pytest.raises(ValueError, match="^X is too large: computing with it overflows"):
        ad.hessian_vector_product(
            small_net, np.full((1, 4), 1e308), np.full((1, 3), 0.5), np.ones(small_net.n_parameters)
        )
