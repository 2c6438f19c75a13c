"""Loss modules: each stores its options and calls the function of the same name in
``nn.functional`` (see there for the formulas). ``reduction`` is 'mean', 'sum' or 'none'."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from autograd.tensor import Tensor
from nn import functional as F
from nn.functional.cross_entropy import check_reduction
from nn.module import Module


class _Loss(Module):
    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        if reduction != "batchmean":
            check_reduction(type(self).__name__, reduction)
        self.reduction = reduction

    def _register_optional(self, name: str, value: Optional[Any]) -> None:
        # NOTE: class weights are buffers, as in PyTorch: they appear in state_dict and follow .to()
        self.register_buffer(name, None if value is None else
                             (value if isinstance(value, Tensor) else Tensor(np.asarray(value))))

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}"


class MSELoss(_Loss):
    """Mean squared error.

    >>> import autograd as ag, nn
    >>> nn.MSELoss()(ag.tensor([1.0, 2.0]), ag.tensor([0.0, 4.0]))
    tensor(2.5000)
    """

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.mse_loss(input, target, self.reduction)


class L1Loss(_Loss):
    """Mean absolute error.

    >>> import autograd as ag, nn
    >>> nn.L1Loss()(ag.tensor([1.0, 2.0]), ag.tensor([0.0, 4.0]))
    tensor(1.5000)
    """

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.l1_loss(input, target, self.reduction)


class HuberLoss(_Loss):
    """Quadratic for |error| < delta, linear beyond.

    >>> import autograd as ag, nn
    >>> nn.HuberLoss(reduction="none")(ag.tensor([0.5, 3.0]), ag.tensor([0.0, 0.0]))
    tensor([0.1250, 2.5000])
    """

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction)
        self.delta = delta

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.huber_loss(input, target, self.reduction, self.delta)


class SmoothL1Loss(_Loss):
    """Huber loss divided by ``beta`` (L1 for beta = 0).

    >>> import autograd as ag, nn
    >>> nn.SmoothL1Loss(reduction="sum")(ag.tensor([0.5, 3.0]), ag.tensor([0.0, 0.0]))
    tensor(2.6250)
    """

    def __init__(self, reduction: str = "mean", beta: float = 1.0) -> None:
        super().__init__(reduction)
        self.beta = beta

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.smooth_l1_loss(input, target, self.reduction, self.beta)


class CrossEntropyLoss(_Loss):
    """Softmax cross-entropy of logits against class indices or class probabilities (fused, stable).

    >>> import autograd as ag, nn
    >>> nn.CrossEntropyLoss(label_smoothing=0.1)(ag.tensor([[2.0, 0.0]]), ag.tensor([0]))
    tensor(0.2269)
    """

    weight: Optional[Tensor]  # NOTE: a buffer, set by _register_optional

    def __init__(self, weight: Optional[Any] = None, ignore_index: int = -100, reduction: str = "mean",
                 label_smoothing: float = 0.0) -> None:
        super().__init__(reduction)
        self._register_optional("weight", weight)
        self.ignore_index, self.label_smoothing = ignore_index, label_smoothing

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.cross_entropy(input, target, self.weight, self.ignore_index, self.reduction,
                               self.label_smoothing)


class NLLLoss(_Loss):
    """Negative log-likelihood of log-probabilities at class-index targets.

    >>> import autograd as ag, nn
    >>> nn.NLLLoss()(ag.log(ag.tensor([[0.25, 0.75]])), ag.tensor([1]))
    tensor(0.2877)
    """

    weight: Optional[Tensor]  # NOTE: a buffer, set by _register_optional

    def __init__(self, weight: Optional[Any] = None, ignore_index: int = -100, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self._register_optional("weight", weight)
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.nll_loss(input, target, self.weight, self.ignore_index, self.reduction)


class BCELoss(_Loss):
    """Binary cross-entropy of probabilities in [0, 1] (an error otherwise).

    >>> import autograd as ag, nn
    >>> nn.BCELoss()(ag.tensor([0.8, 0.4]), ag.tensor([1.0, 0.0]))
    tensor(0.3670)
    """

    weight: Optional[Tensor]  # NOTE: a buffer, set by _register_optional

    def __init__(self, weight: Optional[Any] = None, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self._register_optional("weight", weight)

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.binary_cross_entropy(input, target, self.weight, self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy of sigmoid(logits), computed stably; ``pos_weight`` scales positives.

    >>> import autograd as ag, nn
    >>> nn.BCEWithLogitsLoss()(ag.tensor([0.0]), ag.tensor([1.0]))
    tensor(0.6931)
    """

    weight: Optional[Tensor]  # NOTE: buffers, set by _register_optional
    pos_weight: Optional[Tensor]

    def __init__(self, weight: Optional[Any] = None, reduction: str = "mean",
                 pos_weight: Optional[Any] = None) -> None:
        super().__init__(reduction)
        self._register_optional("weight", weight)
        self._register_optional("pos_weight", pos_weight)

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.binary_cross_entropy_with_logits(input, target, self.weight, self.reduction, self.pos_weight)


class KLDivLoss(_Loss):
    """KL divergence with log-probability inputs; prefer ``reduction='batchmean'`` for the true KL.

    >>> import autograd as ag, nn
    >>> nn.KLDivLoss(reduction="batchmean")(ag.log(ag.tensor([[0.5, 0.5]])), ag.tensor([[0.5, 0.5]]))
    tensor(0.)
    """

    def __init__(self, reduction: str = "mean", log_target: bool = False) -> None:
        super().__init__(reduction)
        self.log_target = log_target

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.kl_div(input, target, self.reduction, self.log_target)


class ContrastiveLoss(_Loss):
    """Pairs with label 1 (same) are pulled together, label 0 (different) pushed beyond ``margin``.

    >>> import autograd as ag, nn
    >>> a, b = ag.tensor([[0.0, 0.0]]), ag.tensor([[0.0, 0.5]])
    >>> nn.ContrastiveLoss(margin=1.0)(a, b, ag.tensor([0.0]))
    tensor(0.1250)
    """

    def __init__(self, margin: float = 1.0, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.margin = margin

    def forward(self, x1: Tensor, x2: Tensor, label: Any) -> Tensor:
        return F.contrastive_loss(x1, x2, label, self.margin, self.reduction)


class TripletMarginLoss(_Loss):
    """max(d(a, p) - d(a, n) + margin, 0) with the p-norm distance.

    >>> import autograd as ag, nn
    >>> a, p, n = ag.tensor([[0.0, 0.0]]), ag.tensor([[0.0, 1.0]]), ag.tensor([[0.0, 3.0]])
    >>> nn.TripletMarginLoss(margin=1.0, eps=0.0)(a, p, n)
    tensor(0.)
    """

    def __init__(self, margin: float = 1.0, p: float = 2.0, eps: float = 1e-6, swap: bool = False,
                 reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.margin, self.p, self.eps, self.swap = margin, p, eps, swap

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        return F.triplet_margin_loss(anchor, positive, negative, self.margin, self.p, self.eps,
                                     self.swap, self.reduction)


class BatchHardTripletLoss(_Loss):
    """Triplet loss over the hardest positive and negative of each anchor in the batch.

    >>> import autograd as ag, nn
    >>> nn.BatchHardTripletLoss(margin=2.0, eps=0.0)(ag.tensor([[0.0], [1.0], [3.0], [3.5]]), [0, 0, 1, 1])
    tensor(0.3750)
    """

    def __init__(self, margin: float = 1.0, p: float = 2.0, eps: float = 1e-6, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.margin, self.p, self.eps = margin, p, eps

    def forward(self, embeddings: Tensor, labels: Any) -> Tensor:
        return F.batch_hard_triplet_loss(embeddings, labels, self.margin, self.p, self.eps, self.reduction)


class CosineEmbeddingLoss(_Loss):
    """1 - cos for target 1, max(0, cos - margin) for target -1.

    >>> import autograd as ag, nn
    >>> nn.CosineEmbeddingLoss()(ag.tensor([[1.0, 0.0]]), ag.tensor([[0.0, 1.0]]), ag.tensor([1]))
    tensor(1.)
    """

    def __init__(self, margin: float = 0.0, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.margin = margin

    def forward(self, x1: Tensor, x2: Tensor, target: Any) -> Tensor:
        return F.cosine_embedding_loss(x1, x2, target, self.margin, self.reduction)


class MarginRankingLoss(_Loss):
    """max(0, -y (x1 - x2) + margin).

    >>> import autograd as ag, nn
    >>> nn.MarginRankingLoss(margin=1.0)(ag.tensor([2.0]), ag.tensor([1.5]), ag.tensor([1.0]))
    tensor(0.5000)
    """

    def __init__(self, margin: float = 0.0, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.margin = margin

    def forward(self, x1: Tensor, x2: Tensor, target: Any) -> Tensor:
        return F.margin_ranking_loss(x1, x2, target, self.margin, self.reduction)


class InfoNCELoss(_Loss):
    """NT-Xent / InfoNCE over two batches of views (row i of each is a positive pair).

    >>> import autograd as ag, nn
    >>> z = ag.tensor([[1.0, 0.0], [0.0, 1.0]])
    >>> nn.InfoNCELoss(temperature=1.0)(z, z)
    tensor(0.5514)
    """

    def __init__(self, temperature: float = 0.1, reduction: str = "mean") -> None:
        super().__init__(reduction)
        if temperature <= 0:
            raise ValueError(f"InfoNCELoss: temperature must be positive, got {temperature}")
        self.temperature = temperature

    def forward(self, z1: Tensor, z2: Tensor) -> Tensor:
        return F.info_nce_loss(z1, z2, self.temperature, self.reduction)


NTXentLoss = InfoNCELoss
