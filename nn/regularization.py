"""``weight_decay``: an explicit L2 penalty to add to a loss."""
from __future__ import annotations

from typing import Iterable, Union

from autograd.tensor import Tensor
from nn.module import Module
from nn.parameter import Parameter


def decayed_parameters(model: Module, exclude_bias_and_norm: bool = True) -> Iterable[Parameter]:
    """The parameters an L2 penalty should cover: all, or all but biases and normalisation
    parameters (those named ``bias`` or held by a module with ``is_normalization = True``)."""
    seen = set()
    for _, m in model.named_modules():
        skip_all = exclude_bias_and_norm and getattr(m, "is_normalization", False)
        for name, p in m._parameters.items():
            if p is None or id(p) in seen or not p.requires_grad:
                continue
            seen.add(id(p))
            if skip_all or (exclude_bias_and_norm and name.endswith("bias")):
                continue
            yield p


def weight_decay(model: Union[Module, Iterable[Tensor]], lam: float,
                 exclude_bias_and_norm: bool = True) -> Tensor:
    """lam * (sum of squared weights), a differentiable scalar to add to the loss.

    Given a Module, biases and normalisation parameters are left out unless
    ``exclude_bias_and_norm=False``; given an iterable of tensors, all of them count.
    (The gradient of this term is 2 * lam * w: lam here is half of an optimizer's weight_decay.)

    >>> import autograd as ag, nn
    >>> net = nn.Linear(2, 1)
    >>> with ag.no_grad():
    ...     _ = net.weight.copy_(ag.tensor([[1.0, 2.0]])); _ = net.bias.fill_(3.0)
    >>> nn.weight_decay(net, 0.1)
    tensor(0.5000, grad_fn=<MulBackward>)
    >>> nn.weight_decay(net, 0.1, exclude_bias_and_norm=False)
    tensor(1.4000, grad_fn=<MulBackward>)
    """
    if lam < 0:
        raise ValueError(f"weight_decay: lam must be non-negative, got {lam}")
    params = (list(decayed_parameters(model, exclude_bias_and_norm)) if isinstance(model, Module)
              else list(model))
    if not params:
        raise ValueError("weight_decay: no parameters to penalise")
    total = (params[0] * params[0]).sum()
    for p in params[1:]:
        total = total + (p * p).sum()
    return total * lam
