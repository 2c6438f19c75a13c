"""``Parameter``: a Tensor that a Module registers as learnable when assigned to it."""
from __future__ import annotations

from typing import Any

import numpy as np

from autograd.tensor import Tensor


class Parameter(Tensor):
    """A leaf Tensor that requires grad; assigning one to a Module attribute registers it.

    The data is kept as given (numpy arrays keep their dtype, Python floats become
    float32), so ``Parameter(np.zeros(3))`` is float64.

    >>> import numpy as np, nn
    >>> w = nn.Parameter(np.ones(2, dtype=np.float32))
    >>> w.requires_grad, w.is_leaf
    (True, True)
    >>> w
    Parameter containing:
    tensor([1., 1.], requires_grad=True)
    """

    __slots__ = ()

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        if data is None:
            data = np.zeros((0,), dtype=np.float32)
        super().__init__(data, requires_grad=requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()
