"""End to end: a small MLP learns scikit-learn's bundled handwritten digits (8x8 images)."""
import time

import numpy as np

import autograd as ag
import nn
import nn.functional as F


def adam_step(params, state, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    """A minimal Adam update, written here so the test depends on nn alone."""
    state["t"] = state.get("t", 0) + 1
    t = state["t"]
    with ag.no_grad():
        for i, p in enumerate(params):
            g = p.grad.data
            m, v = state.setdefault(i, (np.zeros_like(g), np.zeros_like(g)))
            m = betas[0] * m + (1 - betas[0]) * g
            v = betas[1] * v + (1 - betas[1]) * g * g
            state[i] = (m, v)
            p.sub_(lr * (m / (1 - betas[0] ** t)) / (np.sqrt(v / (1 - betas[1] ** t)) + eps))


def test_mlp_reaches_95_percent_test_accuracy_on_digits_within_20_seconds():
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    from threadpoolctl import threadpool_limits

    # NOTE: one BLAS thread: for matrices this small, multi-threaded BLAS on a busy machine is
    # 10-100x slower per matmul (threads spinning against other processes), not faster
    with threadpool_limits(1):
        accuracy, elapsed = _train_and_evaluate(load_digits, train_test_split)
    assert accuracy >= 0.95, accuracy
    assert elapsed < 20, elapsed


def _train_and_evaluate(load_digits, train_test_split):
    start = time.perf_counter()
    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    x_train, x_test, y_train, y_test = train_test_split(x, digits.target, test_size=0.25, random_state=0,
                                                        stratify=digits.target)
    ag.manual_seed(0)
    model = nn.MLP([64, 128, 10], dropout=0.1)
    params = list(model.parameters())
    state: dict = {}
    rng = np.random.default_rng(0)
    for epoch in range(30):
        model.train()
        order = rng.permutation(len(x_train))
        for i in range(0, len(order), 64):
            idx = order[i:i + 64]
            loss = F.cross_entropy(model(ag.tensor(x_train[idx])), ag.tensor(y_train[idx]))
            model.zero_grad()
            loss.backward()
            adam_step(params, state, lr=2e-3)
    model.eval()
    with ag.no_grad():
        predicted = model(ag.tensor(x_test)).data.argmax(axis=1)
    return float((predicted == y_test).mean()), time.perf_counter() - start
