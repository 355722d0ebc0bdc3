"""bp: backpropagation in readable, tested NumPy.

The package behind the book *Why backpropagation is efficient*.

Quick start::

    import bp
    X_train, y_train, X_test, y_test = bp.data.digits_split()
    net = bp.Network([64, 30, 10], ["sigmoid", "softmax"], "log_likelihood")
    history = bp.train(net, X_train, y_train, epochs=10, learning_rate=0.5)
    net.accuracy(X_test, y_test)

Modules
-------
network      the Network class: validation, the cost, backprop (BP1–BP4)
passes       the forward and backward passes: the one kernel every gradient runs
activations  σ and σ′: sigmoid, tanh, LeCun's tanh, ReLU, identity, softmax
costs        quadratic, cross-entropy and log-likelihood costs; δ^L (BP1)
sgd          bp.train: mini-batch SGD with momentum, schedules, early stopping
naive        finite differences, forward mode per weight and per neuron
gradcheck    compare a gradient with centred finite differences
jacobians    the errors δ^l as a product of Jacobians (BP1 and BP2 unrolled)
opcount      exact multiply–add counts of each method
data         the embedded 8×8 digits, toy sets, an MNIST IDX reader
io           save and load parameters (np.savez, no pickle)
checkpoint   checkpointing (every k layers, binomial): memory for recomputation
paths        the chain rule summed path by path (what backprop avoids)
autodiff     a small reverse-mode automatic-differentiation engine
measure      honest timing and memory measurement on a shared machine
curvature    Hessian-vector products, λ_max, diagonal Hessian, gradient norms
preprocessing  centring, standardising, PCA/ZCA whitening
autoencoder  the sparse autoencoder (UFLDL) cost and gradient

Errors
------
Every public function checks its arguments once, with the vocabulary of
``bp._validation``: a value of the wrong kind raises ``TypeError``, a value
out of range ``ValueError``, and the message starts with the argument's name
(``seed must be a non-negative integer, got -1``). The inner functions that
say they trust their inputs (``bp.passes``, ``Network.gradient``) do not check
again. The examples in the docstrings run as tests (``make check``).
"""

from . import (
    activations,
    autodiff,
    autoencoder,
    checkpoint,
    costs,
    curvature,
    data,
    gradcheck,
    io,
    jacobians,
    measure,
    naive,
    opcount,
    passes,
    paths,
    preprocessing,
    sgd,
)
from .gradcheck import check_gradient, relative_error
from .io import load, save
from .naive import (
    finite_difference_gradient,
    forward_mode_gradient,
    neuron_forward_mode_gradient,
)
from .network import ForwardPass, Gradient, Network
from .sgd import History, evaluate, inverse_time_decay, step_decay, train

__version__ = "0.1.0"

__all__ = [
    "Network",
    "ForwardPass",
    "Gradient",
    "train",
    "History",
    "evaluate",
    "step_decay",
    "inverse_time_decay",
    "check_gradient",
    "relative_error",
    "finite_difference_gradient",
    "forward_mode_gradient",
    "neuron_forward_mode_gradient",
    "save",
    "load",
    "activations",
    "autodiff",
    "autoencoder",
    "checkpoint",
    "costs",
    "curvature",
    "measure",
    "paths",
    "preprocessing",
    "data",
    "gradcheck",
    "io",
    "jacobians",
    "naive",
    "opcount",
    "passes",
    "sgd",
]
