"""optim: optimizers, learning-rate schedules, gradient clipping and early stopping (see README).

>>> import autograd as ag, optim
>>> w = ag.tensor([3.0], requires_grad=True)
>>> opt = optim.Adam([w], lr=0.1)
>>> for _ in range(100):
...     opt.zero_grad()
...     ((w - 1.0) ** 2).sum().backward()
...     opt.step()
>>> round(w.item(), 1)
1.0
"""
from optim.optimizer import Optimizer
from optim.sgd import SGD
from optim.adam import Adam, AdamW
from optim.rmsprop import RMSprop
from optim.adagrad import Adagrad
from optim import lr_scheduler
from optim.lr_scheduler import (CosineAnnealingLR, ExponentialLR, LambdaLR, LinearLR, LRScheduler,
                                MultiStepLR, OneCycleLR, ReduceLROnPlateau, SequentialLR, StepLR)
from optim import schedules
from optim.schedules import Schedule, cosine, exponential, join, linear_warmup, plot_schedule, step
from optim.clip import clip_grad_norm_, clip_grad_value_
from optim.early_stopping import EarlyStopping

__all__ = [
    "Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad",
    "LRScheduler", "StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "LambdaLR",
    "LinearLR", "OneCycleLR", "ReduceLROnPlateau", "SequentialLR",
    "Schedule", "step", "exponential", "cosine", "linear_warmup", "join", "plot_schedule",
    "clip_grad_norm_", "clip_grad_value_", "EarlyStopping",
    "lr_scheduler", "schedules",
]
