"""nn.training: ``fit``, ``evaluate``, ``History``, ``Checkpoint`` and the metrics.

>>> from nn.training import metrics
>>> metrics.accuracy([[0.1, 0.9]], [1])
1.0
"""
from nn.training import metrics
from nn.training.checkpoint import Checkpoint
from nn.training.evaluate import evaluate
from nn.training.fit import fit
from nn.training.history import History

__all__ = ["fit", "evaluate", "History", "Checkpoint", "metrics"]
