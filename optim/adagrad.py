"""``Adagrad``: per-coordinate learning rates shrinking with the sum of squared gradients."""
from __future__ import annotations

from typing import Any, Callable, Dict, Union

import numpy as np

from optim.optimizer import Optimizer, ParamsT, _check, _direction


class Adagrad(Optimizer):
    r"""Adagrad (Duchi et al., 2011), PyTorch's ``torch.optim.Adagrad``.

    With gradient :math:`g_t` at step :math:`t = 1, 2, \dots`, learning rate :math:`\gamma`,
    learning-rate decay :math:`\eta` and weight decay :math:`\lambda`::

        g = g_t + lambda * x                  (if weight_decay != 0)
        lr_t = gamma / (1 + (t - 1) * eta)
        s = s + g**2                          (s starts at initial_accumulator_value)
        x = x - lr_t * g / (sqrt(s) + eps)

    ``maximize=True`` follows ``-g_t``.

    >>> import autograd as ag, optim
    >>> x = ag.tensor([1.0, -2.0], requires_grad=True)
    >>> opt = optim.Adagrad([x], lr=0.5)
    >>> (x * x).sum().backward()
    >>> opt.step()   # the first step moves every coordinate by lr
    >>> x
    tensor([ 0.5000, -1.5000], requires_grad=True)
    """

    def __init__(self, params: ParamsT, lr: Union[float, Callable[[int], float]] = 1e-2,
                 lr_decay: float = 0.0, weight_decay: float = 0.0,
                 initial_accumulator_value: float = 0.0, eps: float = 1e-10, *,
                 maximize: bool = False) -> None:
        defaults = dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, eps=eps,
                        maximize=maximize)
        super().__init__(params, defaults)

    def _check_group(self, group: Dict[str, Any]) -> None:
        super()._check_group(group)
        _check("Adagrad", "lr_decay value", group["lr_decay"])
        _check("Adagrad", "weight_decay value", group["weight_decay"])
        _check("Adagrad", "initial_accumulator_value", group["initial_accumulator_value"])
        _check("Adagrad", "epsilon value", group["eps"])

    def _init_state(self, x: np.ndarray, group: Dict[str, Any]) -> Dict[str, Any]:
        return {"step": 0, "sum": np.full_like(x, group["initial_accumulator_value"])}

    def _update(self, x: np.ndarray, g: np.ndarray, state: Dict[str, Any],
                group: Dict[str, Any]) -> None:
        d = _direction(x, g, group["weight_decay"], group["maximize"])
        state["step"] += 1
        clr = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
        s = state["sum"]
        tmp = np.multiply(d, d, out=np.empty_like(x))
        s += tmp
        np.sqrt(s, out=tmp)
        tmp += group["eps"]
        np.divide(d, tmp, out=tmp)
        tmp *= -clr
        x += tmp
