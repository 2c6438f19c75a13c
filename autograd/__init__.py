"""autograd: a numpy-backed tensor library with tape-based reverse-mode differentiation.

>>> import autograd as ag
>>> w = ag.tensor([0.5, -1.0], requires_grad=True)
>>> x = ag.tensor([2.0, 3.0])
>>> y = (w * x).sum().tanh()
>>> y.backward()
>>> w.grad
tensor([0.1413, 0.2120])
"""
# NOTE: ops first: Tensor's methods (tensor_methods.py) bind ``autograd.ops`` while it is
# being imported, which only a package already on its way in allows
from autograd import ops
from autograd.tensor import Tensor
from autograd.function import Function
from autograd.ops import *  # noqa: F401,F403  (the op functions: exp, sum, reshape, ...)
from autograd.ops import PRIMITIVES
from autograd.anomaly import detect_anomaly
from autograd.grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from autograd.engine import backward, grad
from autograd.creation import (arange, as_tensor, eye, from_numpy, full, full_like, linspace, ones,
                               ones_like, tensor, zeros, zeros_like)
from autograd.random import default_rng, manual_seed, normal, rand, randint, randn, uniform
from autograd.dtypes import (bool_, float16, float32, float64, int8, int16, int32, int64,
                             uint8)
from autograd.tape import tape
from autograd.viz import draw_graph
from autograd.gradcheck import GradcheckError, gradcheck, gradgradcheck, gradcheck_module

__version__ = "0.1.0"
