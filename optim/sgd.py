"""``SGD``: stochastic gradient descent, with optional momentum, dampening, Nesterov and weight decay."""
from __future__ import annotations

from typing import Any, Callable, Dict, Union

import numpy as np

from autograd import workspace
from optim.optimizer import Optimizer, ParamsT, _check, _direction


class SGD(Optimizer):
    r"""Stochastic gradient descent, PyTorch's ``torch.optim.SGD``.

    With gradient :math:`g_t`, learning rate :math:`\gamma`, momentum :math:`\mu`,
    dampening :math:`\tau` and weight decay :math:`\lambda`, each step does::

        g = g_t + lambda * x                       (if weight_decay != 0)
        if momentum != 0:
            b = g                                  (first step)
            b = mu * b + (1 - tau) * g             (later steps)
            g = g + mu * b   if nesterov   else   g = b
        x = x - gamma * g

    ``maximize=True`` follows ``-g_t`` instead. Nesterov needs ``momentum > 0`` and
    ``dampening == 0``. ``lr`` may be a function of the step (see ``optim.schedules``).

    >>> import autograd as ag, optim
    >>> x = ag.tensor([1.0, -2.0], requires_grad=True)
    >>> opt = optim.SGD([x], lr=0.1, momentum=0.9)
    >>> for _ in range(2):
    ...     opt.zero_grad()
    ...     (x * x).sum().backward()   # gradient 2x
    ...     opt.step()
    >>> x
    tensor([ 0.4600, -0.9200], requires_grad=True)
    """

    def __init__(self, params: ParamsT, lr: Union[float, Callable[[int], float]] = 1e-3,
                 momentum: float = 0.0, dampening: float = 0.0, weight_decay: float = 0.0,
                 nesterov: bool = False, *, maximize: bool = False) -> None:
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                        nesterov=nesterov, maximize=maximize)
        super().__init__(params, defaults)

    def _check_group(self, group: Dict[str, Any]) -> None:
        super()._check_group(group)
        _check("SGD", "momentum value", group["momentum"])
        _check("SGD", "dampening value", group["dampening"])
        _check("SGD", "weight_decay value", group["weight_decay"])
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError(f"SGD: Nesterov momentum needs momentum > 0 and dampening == 0, got "
                             f"momentum={group['momentum']!r}, dampening={group['dampening']!r}")

    def _update(self, x: np.ndarray, g: np.ndarray, state: Dict[str, Any],
                group: Dict[str, Any]) -> None:
        if not (group["momentum"] or group["weight_decay"] or group["maximize"]):
            # NOTE: plain SGD, the common case, goes straight to x -= lr g
            x += _times(g, -group["lr"], workspace.empty(g.shape, g.dtype))
            return
        d = _direction(x, g, group["weight_decay"], group["maximize"])
        # NOTE: the products go into one workspace buffer instead of new arrays: a fresh
        # ``lr * d`` per parameter per step is a parameter-sized allocation (1.6 MB for a
        # 784x512 weight) that glibc may hand back to the OS and fault in again.
        tmp = workspace.empty(np.shape(d), d.dtype)
        momentum = group["momentum"]
        if momentum != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = np.array(d, copy=True)
            else:
                buf *= momentum
                dampening = group["dampening"]
                buf += d if dampening == 0 else _times(d, 1 - dampening, tmp)
            if group["nesterov"]:
                m = _times(buf, momentum, tmp)
                d = np.add(d, m, out=m) if m is tmp else d + m
            else:
                d = buf
        x += _times(d, -group["lr"], tmp)


def _times(a: np.ndarray, c: Any, out: np.ndarray) -> np.ndarray:
    """``a * c``, written into ``out`` when that is the product's dtype (so rounded the same way).

    A Python float takes the array's dtype (NEP 50), so only other scalars need the dtype check.
    """
    if c.__class__ is not float and np.result_type(a, c) != out.dtype:
        return a * c  # NOTE: e.g. an np.float64 lr with float32 parameters: the product is float64
    return np.multiply(a, c, out=out)
