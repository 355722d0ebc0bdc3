"""The floor: the benchmark's training job as a bare NumPy loop, and nothing else.

Examples as rows, one shuffle-and-copy of the training set per epoch, contiguous
slices as mini-batches, the sigmoid in place, no validation, no work arrays: what
Python plus NumPy cost at the least for the arithmetic of ``bp.train`` (sigmoid hidden
layers, a softmax output, the log-likelihood cost, plain SGD). ``W[l]`` has the shape
of ``bp``'s ``w^{l+1}`` (n_{l+1}, n_l), ``b[l]`` that of ``b^{l+1}``; both change in place.
"""

import numpy as np


def epoch(W, b, X, Y, batch, eta, perm):
    """One epoch over (X, Y) (Y one-hot) in the order ``perm``, one SGD step per batch."""
    X, Y, L = X[perm], Y[perm], len(W)  # one shuffle-and-copy per epoch
    for i in range(0, X.shape[0], batch):
        a = [X[i : i + batch]]
        for l in range(L):
            z = a[l] @ W[l].T
            z += b[l]
            if l < L - 1:  # σ(z) = 1 / (1 + e^(−z)), in place (e^(−z) may overflow to ∞)
                with np.errstate(over="ignore"):
                    np.exp(np.negative(z, out=z), out=z)
                np.reciprocal(np.add(z, 1, out=z), out=z)
            else:  # softmax, in place
                np.exp(np.subtract(z, z.max(axis=1, keepdims=True), out=z), out=z)
                z /= z.sum(axis=1, keepdims=True)
            a.append(z)
        delta = a[L] - Y[i : i + batch]  # BP1 for softmax and log-likelihood
        delta *= eta / delta.shape[0]  # η/m once: BP3 and BP4 then give the step
        for l in range(L - 1, -1, -1):
            gW, gb = delta.T @ a[l], delta.sum(axis=0)  # BP4, BP3
            if l:
                s = np.subtract(1, a[l])  # σ′ = a (1 − a)
                s *= a[l]
                delta = delta @ W[l]  # BP2
                delta *= s
            W[l] -= gW
            b[l] -= gb
