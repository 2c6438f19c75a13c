"""``Adam`` and ``AdamW``: adaptive moment estimation, with L2 or decoupled weight decay, and AMSGrad."""
from __future__ import annotations

import math
from typing import Any, Callable, Dict, Tuple, Union

import numpy as np

from optim.optimizer import Optimizer, ParamsT, _check, _direction


class Adam(Optimizer):
    r"""Adam (Kingma & Ba, 2015), PyTorch's ``torch.optim.Adam``.

    With gradient :math:`g_t` at step :math:`t = 1, 2, \dots`, learning rate :math:`\gamma`,
    betas :math:`(\beta_1, \beta_2)` and weight decay :math:`\lambda`::

        g = g_t + lambda * x              (L2 penalty; with decoupled_weight_decay instead
                                           x = x * (1 - gamma * lambda) and g = g_t)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        v_max = max(v_max, v)             (amsgrad only; then v_max replaces v below)
        x = x - gamma / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)

    ``m``, ``v`` and ``v_max`` start at zero. ``maximize=True`` follows ``-g_t``.

    >>> import autograd as ag, optim
    >>> x = ag.tensor([1.0, -2.0], requires_grad=True)
    >>> opt = optim.Adam([x], lr=0.1)
    >>> (x * x).sum().backward()
    >>> opt.step()   # the first step moves every coordinate by about lr
    >>> x
    tensor([ 0.9000, -1.9000], requires_grad=True)
    """

    _name = "Adam"

    def __init__(self, params: ParamsT, lr: Union[float, Callable[[int], float]] = 1e-3,
                 betas: Tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, amsgrad: bool = False, *, maximize: bool = False,
                 decoupled_weight_decay: bool = False) -> None:
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                        maximize=maximize, decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def _check_group(self, group: Dict[str, Any]) -> None:
        super()._check_group(group)
        name = type(self).__name__
        betas = group["betas"]
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"{name}: betas must be a pair (beta1, beta2), got {betas!r}")
        group["betas"] = tuple(betas)
        _check(name, "beta1 (betas[0])", betas[0], 0.0, 1.0)
        _check(name, "beta2 (betas[1])", betas[1], 0.0, 1.0)
        _check(name, "epsilon value", group["eps"])
        _check(name, "weight_decay value", group["weight_decay"])

    def _init_state(self, x: np.ndarray, group: Dict[str, Any]) -> Dict[str, Any]:
        state: Dict[str, Any] = {"step": 0, "exp_avg": np.zeros_like(x), "exp_avg_sq": np.zeros_like(x)}
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = np.zeros_like(x)
        return state

    def _update(self, x: np.ndarray, g: np.ndarray, state: Dict[str, Any],
                group: Dict[str, Any]) -> None:
        lr, wd = group["lr"], group["weight_decay"]
        beta1, beta2 = group["betas"]
        if group["decoupled_weight_decay"]:
            if wd != 0:
                x *= 1 - lr * wd
            d = _direction(x, g, 0.0, group["maximize"])
        else:
            d = _direction(x, g, wd, group["maximize"])
        state["step"] += 1
        t = state["step"]
        m, v = state["exp_avg"], state["exp_avg_sq"]
        # NOTE: one scratch array per step holds every intermediate; `m += (1-b1)*(d-m)`
        # is PyTorch's lerp form of the moving average.
        tmp = np.subtract(d, m, out=np.empty_like(x))
        tmp *= 1 - beta1
        m += tmp
        v *= beta2
        np.multiply(d, d, out=tmp)
        tmp *= 1 - beta2
        v += tmp
        if group["amsgrad"]:
            v_max = state.setdefault("max_exp_avg_sq", np.zeros_like(x))
            np.maximum(v_max, v, out=v_max)
            v = v_max
        step_size = lr / (1 - beta1 ** t)
        np.sqrt(v, out=tmp)
        tmp /= math.sqrt(1 - beta2 ** t)
        tmp += group["eps"]
        np.divide(m, tmp, out=tmp)
        tmp *= -step_size
        x += tmp


class AdamW(Adam):
    r"""Adam with decoupled weight decay (Loshchilov & Hutter, 2019), PyTorch's ``torch.optim.AdamW``.

    The same update as :class:`Adam`, except that weight decay shrinks the parameter
    directly, ``x = x * (1 - gamma * lambda)``, before the Adam step, instead of adding
    ``lambda * x`` to the gradient. The default ``weight_decay`` is ``1e-2``.

    >>> import autograd as ag, optim
    >>> x = ag.tensor([1.0, -2.0], requires_grad=True)
    >>> opt = optim.AdamW([x], lr=0.1, weight_decay=0.5)
    >>> (x * x).sum().backward()
    >>> opt.step()   # x * (1 - 0.1 * 0.5), then the Adam step of about lr
    >>> x
    tensor([ 0.8500, -1.8000], requires_grad=True)
    """

    def __init__(self, params: ParamsT, lr: Union[float, Callable[[int], float]] = 1e-3,
                 betas: Tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *, maximize: bool = False) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         decoupled_weight_decay=True)
