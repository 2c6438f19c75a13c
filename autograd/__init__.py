"""autograd: a numpy-backed tensor library with tape-based reverse-mode differentiation.

By concern:

- the core: ``tensor.py`` (``Tensor``, its methods in ``tensor_methods.py``,
  ``tensor_shape.py``, ``tensor_math.py``), ``function.py`` (``Function``, what
  an op is), ``engine.py`` (``backward``, ``grad``), ``grad_mode.py``,
  ``tape.py``, ``xp.py`` (the namespaces backward rules use), ``anomaly.py``;
  around it ``creation.py``, ``random.py``, ``dtypes.py``, ``special.py`` and
  ``workspace.py`` (scratch arrays for large temporaries);
- ``ops/``: every differentiable op, one file per family;
- ``check/``: gradient checking (``gradcheck``, ``gradgradcheck``,
  ``gradcheck_module``) and the hypothesis strategies (``autograd.testing``);
- ``viz/``: drawing the graph (``draw_graph``).

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
from autograd.ops import *  # noqa: F401,F403  (the op functions and classes: exp, sum, Mul, ...)
from autograd.anomaly import detect_anomaly
from autograd.grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from autograd.engine import backward, grad
from autograd.creation import (arange, as_tensor, eye, from_numpy, full, full_like, linspace, ones,
                               ones_like, tensor, zeros, zeros_like)
from autograd.random import (default_rng, get_rng_state, manual_seed, normal, rand, randint, randn,
                             set_rng_state, uniform)
from autograd.dtypes import (bool_, float16, float32, float64, int8, int16, int32, int64,
                             uint8)
from autograd.tape import tape
from autograd import check, viz
from autograd.viz import draw_graph
from autograd.check import GradcheckError, gradcheck, gradcheck_module, gradgradcheck

__version__ = "0.1.0"

__all__ = [
    "Tensor", "Function", "backward", "grad",
    "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled", "detect_anomaly",
    "tensor", "as_tensor", "from_numpy", "zeros", "zeros_like", "ones", "ones_like", "full",
    "full_like", "arange", "linspace", "eye",
    "manual_seed", "default_rng", "get_rng_state", "set_rng_state", "rand", "randn", "randint", "normal", "uniform",
    "bool_", "float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8",
    "tape", "draw_graph", "gradcheck", "gradgradcheck", "gradcheck_module", "GradcheckError",
    "ops", "check", "viz",
]
__all__ += ops.__all__
