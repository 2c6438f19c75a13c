"""``RMSprop``: divide the gradient by a running root-mean-square of recent gradients."""
from __future__ import annotations

from typing import Any, Callable, Dict, Union

import numpy as np

from optim.optimizer import Optimizer, ParamsT, _check, _direction


class RMSprop(Optimizer):
    r"""RMSprop (Hinton's lecture 6e), PyTorch's ``torch.optim.RMSprop``.

    With gradient :math:`g_t`, learning rate :math:`\gamma`, smoothing constant :math:`\alpha`,
    momentum :math:`\mu` and weight decay :math:`\lambda`::

        g = g_t + lambda * x                      (if weight_decay != 0)
        v = alpha * v + (1 - alpha) * g**2
        s = sqrt(v) + eps
        if centered:  a = alpha * a + (1 - alpha) * g;   s = sqrt(v - a**2) + eps
        if momentum > 0:  b = mu * b + g / s;   x = x - gamma * b
        else:             x = x - gamma * g / s

    ``v``, ``a`` and ``b`` start at zero. ``maximize=True`` follows ``-g_t``.

    >>> import autograd as ag, optim
    >>> x = ag.tensor([1.0, -2.0], requires_grad=True)
    >>> opt = optim.RMSprop([x], lr=0.01)
    >>> (x * x).sum().backward()
    >>> opt.step()   # the first step is lr / sqrt(1 - alpha) = 10 * lr per coordinate
    >>> x
    tensor([ 0.9000, -1.9000], requires_grad=True)
    """

    def __init__(self, params: ParamsT, lr: Union[float, Callable[[int], float]] = 1e-2,
                 alpha: float = 0.99, eps: float = 1e-8, weight_decay: float = 0.0,
                 momentum: float = 0.0, centered: bool = False, *, maximize: bool = False) -> None:
        defaults = dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum,
                        centered=centered, maximize=maximize)
        super().__init__(params, defaults)

    def _check_group(self, group: Dict[str, Any]) -> None:
        super()._check_group(group)
        _check("RMSprop", "alpha value", group["alpha"], 0.0, 1.0, hi_open=False)
        _check("RMSprop", "epsilon value", group["eps"])
        _check("RMSprop", "weight_decay value", group["weight_decay"])
        _check("RMSprop", "momentum value", group["momentum"])

    def _init_state(self, x: np.ndarray, group: Dict[str, Any]) -> Dict[str, Any]:
        state: Dict[str, Any] = {"step": 0, "square_avg": np.zeros_like(x)}
        if group["momentum"] > 0:
            state["momentum_buffer"] = np.zeros_like(x)
        if group["centered"]:
            state["grad_avg"] = np.zeros_like(x)
        return state

    def _update(self, x: np.ndarray, g: np.ndarray, state: Dict[str, Any],
                group: Dict[str, Any]) -> None:
        alpha, momentum = group["alpha"], group["momentum"]
        d = _direction(x, g, group["weight_decay"], group["maximize"])
        state["step"] += 1
        v = state["square_avg"]
        v *= alpha
        tmp = np.multiply(d, d, out=np.empty_like(x))
        tmp *= 1 - alpha
        v += tmp
        if group["centered"]:
            a = state.setdefault("grad_avg", np.zeros_like(x))
            np.subtract(d, a, out=tmp)
            tmp *= 1 - alpha
            a += tmp
            np.multiply(a, a, out=tmp)
            np.subtract(v, tmp, out=tmp)
            np.sqrt(tmp, out=tmp)
        else:
            np.sqrt(v, out=tmp)
        tmp += group["eps"]
        np.divide(d, tmp, out=tmp)
        if momentum > 0:
            buf = state.setdefault("momentum_buffer", np.zeros_like(x))
            buf *= momentum
            buf += tmp
            np.multiply(buf, -group["lr"], out=tmp)
        else:
            tmp *= -group["lr"]
        x += tmp
