"""Test your own ops the way the library tests its own: hypothesis strategies and ``check_op``.

A public shortcut to ``autograd.check.strategies`` (the strategies) and
``autograd.check.op_case`` (``check_op``, ``to_tensors``, ``fn_kw``). It needs
``hypothesis``.

>>> import numpy as np, autograd as ag
>>> from autograd.testing import check_op
>>> bool(check_op(lambda x: ag.exp(x) * x, lambda x: np.exp(x) * x, np.array([0.5, -1.0])))
True
"""
from autograd.check.op_case import check_op, fn_kw, to_tensors
from autograd.check.strategies import (LAYOUTS, arrays, broadcastable_shapes, index_expressions,
                                       shapes, valid_axes, well_conditioned, with_layout)

__all__ = ["shapes", "broadcastable_shapes", "valid_axes", "index_expressions", "well_conditioned",
           "with_layout", "arrays", "LAYOUTS", "check_op", "to_tensors", "fn_kw"]
