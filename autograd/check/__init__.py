"""Gradient checking: is an op's or a model's backward right?

- ``finite_differences``: ``gradcheck`` and ``gradgradcheck`` compare analytic
  gradients (first and second order) with central finite differences in float64;
- ``model``: ``gradcheck_module`` checks every parameter of a model, by name;
- ``report``: what a check found (``GradcheckResult``, ``GradcheckError``);
- ``op_case``: ``check_op`` checks one op case (values against numpy, then
  both gradient checks);
- ``strategies``: hypothesis strategies for drawing such cases (needs
  ``hypothesis``, so it is not imported here; ``autograd.testing`` gathers it
  with ``check_op``).

>>> import autograd as ag
>>> x = ag.tensor([0.5, -1.0], dtype=ag.float64, requires_grad=True)
>>> bool(ag.check.gradcheck(lambda t: (t * t).sum(), [x]))
True
"""
from autograd.check.finite_differences import gradcheck, gradgradcheck
from autograd.check.model import gradcheck_module
from autograd.check.op_case import check_op, to_tensors
from autograd.check.report import GradcheckError, GradcheckResult, InputReport

__all__ = ["gradcheck", "gradgradcheck", "gradcheck_module", "check_op", "to_tensors",
           "GradcheckResult", "GradcheckError", "InputReport"]
