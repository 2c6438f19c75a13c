"""What a user writes, checked by mypy (``.ci/typecheck``): the public signatures fit together.

Never run; ``assert_type`` fails the type check when a public function's declared type changes.
"""
from typing import List, Tuple

import numpy as np
from typing_extensions import assert_type

import autograd as ag
import nn
import nn.functional as F
import optim
from autograd import Tensor


def engine() -> None:
    w = ag.tensor([0.5, -1.0], requires_grad=True)
    x = ag.ones(2)
    y = (w * x + 1.0).exp().sum()
    assert_type(y, Tensor)
    assert_type(w @ x, Tensor)
    assert_type(-w / 2 ** w, Tensor)
    assert_type(w[0], Tensor)
    assert_type(w.reshape(2, 1).T.squeeze(), Tensor)
    assert_type(w.split(1), List[Tensor])
    assert_type(w.sum(axis=0, keepdims=True), Tensor)
    assert_type(w.shape, tuple)
    assert_type(w.numpy(), np.ndarray)
    y.backward()
    assert_type(w.grad, "Tensor | None")
    with ag.no_grad():
        w -= 0.1 * x
    (g,) = ag.grad((w * w).sum(), [w])
    assert_type(ag.grad((w * w).sum(), [w]), tuple)
    assert_type(ag.gradcheck(lambda t: (t * t).sum(), [w]), ag.check.GradcheckResult)


def model() -> None:
    net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
    opt = optim.Adam(net.parameters(), lr=1e-3)
    out = net(ag.randn(3, 4))
    loss = F.cross_entropy(out, ag.tensor([0, 1, 1]))
    assert_type(loss, Tensor)
    opt.zero_grad()
    loss.backward()
    opt.step()
    assert_type(list(net.named_parameters()), List[Tuple[str, nn.Parameter]])
    assert_type(net.num_parameters(), int)
