"""optim.SGD updates in place through a workspace buffer: the same bits as the update written
out with fresh arrays, and no parameter-sized allocation per step."""
import tracemalloc

import numpy as np
import pytest

import autograd as ag
import optim
from autograd import workspace

CONFIGS = [
    dict(),
    dict(momentum=0.9),
    dict(momentum=0.9, dampening=0.3),
    dict(momentum=0.9, nesterov=True),
    dict(momentum=0.5, weight_decay=0.01, maximize=True),
]


def _reference(x, grads, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False, maximize=False):
    """The update rule written out with a fresh array per product (the PyTorch SGD recurrence)."""
    x, buf = x.copy(), None
    for g in grads:
        d = -g if maximize else g
        if weight_decay:
            d = d + weight_decay * x
        if momentum:
            buf = d.copy() if buf is None else buf * momentum + (d if dampening == 0 else d * (1 - dampening))
            d = d + momentum * buf if nesterov else buf
        x += d * -lr
    return x


def _run(x0, grads, **kw):
    p = ag.tensor(x0.copy(), requires_grad=True)
    opt = optim.SGD([p], **kw)
    for g in grads:
        p.grad = ag.tensor(g)
        opt.step()
    return p.numpy()


@pytest.mark.parametrize("cfg", CONFIGS, ids=str)
def test_steps_equal_the_written_out_rule_bit_for_bit(cfg):
    rng = np.random.default_rng(0)
    x0 = rng.standard_normal((300, 200)).astype(np.float32)  # large enough for the workspace
    grads = [rng.standard_normal(x0.shape).astype(np.float32) for _ in range(4)]
    np.testing.assert_array_equal(_run(x0, grads, lr=0.03, **cfg), _reference(x0, grads, 0.03, **cfg))


def test_a_float64_learning_rate_gives_a_float64_product_as_numpy_does():
    rng = np.random.default_rng(1)
    x0 = rng.standard_normal((300, 200)).astype(np.float32)
    grads = [rng.standard_normal(x0.shape).astype(np.float32) for _ in range(2)]
    lr = np.float64(0.1) / 3
    np.testing.assert_array_equal(_run(x0, grads, lr=lr, momentum=0.9, nesterov=True),
                                  _reference(x0, grads, lr, momentum=0.9, nesterov=True))


def test_a_zero_dimensional_parameter_is_updated():
    p = ag.tensor(2.0, requires_grad=True)
    opt = optim.SGD([p], lr=0.5, momentum=0.9)
    for _ in range(2):
        p.grad = ag.tensor(1.0)
        opt.step()
    assert p.item() == pytest.approx(2.0 - 0.5 - 0.5 * 1.9)


def test_a_step_allocates_no_parameter_sized_array():
    p = ag.tensor(np.ones((512, 784), np.float32), requires_grad=True)
    p.grad = ag.tensor(np.full((512, 784), 0.5, np.float32))
    opt = optim.SGD([p], lr=0.01, momentum=0.9)
    opt.step()
    opt.step()  # the momentum buffer and the workspace buffer exist from here on
    tracemalloc.start()
    try:
        opt.step()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < p.numpy().nbytes // 4
    assert workspace.limit() > 0
