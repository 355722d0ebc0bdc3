"""Relative accuracy of the costs computed from z (the chapter *Cost functions*).

The reference values are computed here with Python's ``decimal`` module, at a precision
large enough for every digit of the float64 result to be right, never with ``bp`` itself.
A cost computed to a small *absolute* error can still be entirely wrong where the cost is
tiny (a confident, correct output): these tests ask for a small *relative* error.
"""

from __future__ import annotations

import math
from decimal import Decimal, localcontext

import numpy as np
import pytest

import bp

RTOL = 1e-14  # about 45 units in the last place of float64
TINY = 1e-300  # true values below this are not representable to full precision


def _softplus_ref(z: float) -> Decimal:
    """ln(1 + e^z) in decimal arithmetic, with digits to spare for 1 + e^z."""
    with localcontext() as ctx:
        ctx.prec = 60 + int(abs(z))  # e^z needs |z| / ln 10 < |z| digits below the 1
        return (1 + Decimal(z).exp()).ln()


def _xent_ref(z: np.ndarray, y: np.ndarray) -> list[float]:
    """−Σ_j [y_j ln σ(z_j) + (1 − y_j) ln(1 − σ(z_j))] per row, in decimal arithmetic."""
    out = []
    for zi, yi in zip(z, y):
        total = Decimal(0)
        for zj, yj in zip(zi.tolist(), yi.tolist()):
            # −ln σ(z) = ln(1 + e^{−z}), −ln(1 − σ(z)) = ln(1 + e^{z})
            total += Decimal(yj) * _softplus_ref(-zj) + (1 - Decimal(yj)) * _softplus_ref(zj)
        out.append(float(total))
    return out


def _loglik_ref(z: np.ndarray, c: np.ndarray) -> list[float]:
    """−ln softmax(z)_c = ln Σ_k e^{z_k − z_c} per row, in decimal arithmetic."""
    out = []
    for zi, ci in zip(z, c):
        gaps = [Decimal(v) - Decimal(float(zi[ci])) for v in zi.tolist()]
        with localcontext() as ctx:
            ctx.prec = 60 + int(max(abs(g) for g in gaps))
            out.append(float(sum(g.exp() for g in gaps).ln()))
    return out


def _assert_relative(got: np.ndarray, expected: list[float], rtol=RTOL) -> None:
    rtols = np.broadcast_to(rtol, len(expected)).tolist()
    for g, e, r in zip(np.asarray(got).tolist(), expected, rtols):
        if e < TINY:
            assert abs(g - e) <= TINY
        else:
            assert abs(g - e) <= r * e, (g, e, abs(g - e) / e)


def test_softplus_is_relatively_accurate_over_the_whole_range():
    z = np.array([-700.0, -300.0, -40.0, -37.5, -1.0, -1e-8, 0.0, 1e-8, 1.0, 36.0, 40.0, 700.0])
    got = bp.costs.softplus(z)
    _assert_relative(got, [float(_softplus_ref(v)) for v in z.tolist()])
    assert bp.costs.softplus(np.array([800.0]))[0] == 800.0  # no overflow
    assert bp.costs.softplus(np.array([-800.0]))[0] == 0.0  # e^-800 underflows, no warning


@pytest.mark.parametrize("scale", [1.0, 10.0, 40.0, 300.0])
def test_cross_entropy_is_relatively_accurate(scale, rng):
    """C_x = Σ_j [y_j softplus(−z_j) + (1 − y_j) softplus(z_j)], also where C_x is tiny."""
    z = scale * rng.standard_normal((6, 3))
    y = np.where(rng.random((6, 3)) < 0.5, 0.0, 1.0)
    y[0] = rng.random(3)  # one row of targets strictly between 0 and 1
    z[1] = np.sign(z[1]) * (scale + np.abs(z[1]))  # far from 0: confident outputs,
    y[1] = (z[1] > 0).astype(float)  # and correct ones, so C_x is small
    z[2], y[2] = scale + np.abs(z[2]), 1.0  # confidently "on", rightly
    got = bp.costs.CrossEntropy().value(z, bp.activations.sigmoid(z), y)
    _assert_relative(got, _xent_ref(z, y))


def test_cross_entropy_of_a_confident_correct_neuron_is_not_zero():
    """z = 40, y = 1: C_x = ln(1 + e^-40) ≈ 4.2e-18, which softplus(z) − y z cancels to 0."""
    z, y = np.array([[40.0]]), np.array([[1.0]])
    got = float(bp.costs.CrossEntropy().value(z, bp.activations.sigmoid(z), y)[0])
    expected = math.log1p(math.exp(-40.0))
    assert got == pytest.approx(expected, rel=RTOL, abs=0)
    assert float(np.logaddexp(0, 40.0) - 40.0) == 0.0  # the subtracting form loses it all


@pytest.mark.parametrize("scale", [1.0, 10.0, 40.0, 300.0])
def test_log_likelihood_is_relatively_accurate(scale, rng):
    """C_x = −ln softmax(z)_c, also where the correct class wins by far (C_x tiny)."""
    z = scale * rng.standard_normal((8, 4))
    c = rng.integers(0, 4, 8)
    c[:3] = z[:3].argmax(axis=1)  # confident and correct: C_x small
    y = np.eye(4)[c]
    got = bp.costs.LogLikelihood().value(z, bp.activations.Softmax()(z), y)
    # e^(z_k − max z) turns the rounding of the difference z_k − max z (half a unit in
    # its last place) into a relative error of about |z_k − max z| units: no better is
    # possible in float64, so the tolerance grows with the largest gap.
    gaps = np.abs(z - z.max(axis=1, keepdims=True)).max(axis=1)
    _assert_relative(got, _loglik_ref(z, c), rtol=RTOL + np.finfo(float).eps * gaps)


def test_log_likelihood_with_ties_and_a_far_winner():
    """Ties at the top share the probability; a winner by 40 leaves C_x = ln(1 + e^-40)."""
    z = np.array([[3.0, 3.0, -1.0], [40.0, 0.0, 0.0], [1000.0, 0.0, -1000.0]])
    y = np.eye(3)[[1, 0, 1]]
    got = bp.costs.LogLikelihood().value(z, bp.activations.Softmax()(z), y)
    expected = [
        math.log(2 + math.exp(-4.0)),
        math.log1p(2 * math.exp(-40.0)),
        1000.0 + math.log1p(math.exp(-1000.0) + math.exp(-2000.0)),
    ]
    np.testing.assert_allclose(got, expected, rtol=RTOL, atol=0)


def test_costs_accept_float32_and_keep_it():
    z = np.array([[40.0, -3.0], [0.5, 20.0]], dtype=np.float32)
    y = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    xent = bp.costs.CrossEntropy().value(z, bp.activations.sigmoid(z), y)
    ll = bp.costs.LogLikelihood().value(z, bp.activations.Softmax()(z), y)
    assert xent.dtype == np.float32 and ll.dtype == np.float32
    np.testing.assert_allclose(xent, _xent_ref(z.astype(np.float64), y), rtol=1e-6)
    c = np.array([0, 1])
    np.testing.assert_allclose(ll, _loglik_ref(z.astype(np.float64), c), rtol=1e-6)
