"""``Embedding``: a trainable lookup table of vectors, PyTorch's ``nn.Embedding``."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

import autograd as ag
from autograd import Tensor
from nn import init
from nn.functional.embedding import embedding, index_array
from nn.module import Module
from nn.parameter import Parameter


class Embedding(Module):
    """``weight`` (num_embeddings, embedding_dim), drawn from N(0, 1) like PyTorch (the row
    ``padding_idx`` starts at zero and never gets a gradient); ``forward(indices)`` returns
    ``weight[indices]`` of shape indices.shape + (embedding_dim,).

    >>> import autograd as ag, nn
    >>> emb = nn.Embedding(10, 3, padding_idx=0)
    >>> emb(ag.tensor([[1, 2], [0, 9]])).shape
    (2, 2, 3)
    >>> bool((emb.weight[0] == 0).all())
    True
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: Optional[int] = None,
                 max_norm: Optional[float] = None, norm_type: float = 2.0,
                 scale_grad_by_freq: bool = False, sparse: bool = False,
                 _weight: Optional[Tensor] = None, _freeze: bool = False, dtype: Any = ag.float32) -> None:
        super().__init__()
        self.num_embeddings, self.embedding_dim = int(num_embeddings), int(embedding_dim)
        if self.num_embeddings <= 0 or self.embedding_dim <= 0:
            raise ValueError(f"Embedding: num_embeddings and embedding_dim must be positive, "
                             f"got {num_embeddings}, {embedding_dim}")
        if padding_idx is not None:
            if not -self.num_embeddings <= padding_idx < self.num_embeddings:
                raise ValueError(f"{self._who()}: padding_idx must be within num_embeddings, got {padding_idx}")
            padding_idx = padding_idx % self.num_embeddings
        if scale_grad_by_freq or sparse:
            raise NotImplementedError(f"{self._who()}: scale_grad_by_freq and sparse are not supported")
        self.padding_idx, self.max_norm, self.norm_type = padding_idx, max_norm, norm_type
        if _weight is None:
            self.weight = Parameter(ag.zeros(self.num_embeddings, self.embedding_dim, dtype=dtype))
            self.reset_parameters()
        else:
            if tuple(_weight.shape) != (self.num_embeddings, self.embedding_dim):
                raise ValueError(f"{self._who()}: _weight must have shape "
                                 f"{(self.num_embeddings, self.embedding_dim)}, got {_weight.shape}")
            self.weight = Parameter(ag.tensor(np.array(_weight.numpy())), requires_grad=not _freeze)

    def _who(self) -> str:
        return f"Embedding({self.num_embeddings}, {self.embedding_dim})"

    def reset_parameters(self) -> None:
        """Redraw ``weight`` from N(0, 1) and zero the padding row."""
        init.normal_(self.weight)
        if self.padding_idx is not None:
            self.weight.data[self.padding_idx] = 0
            self.weight.data = self.weight.data

    @classmethod
    def from_pretrained(cls, embeddings: Tensor, freeze: bool = True, padding_idx: Optional[int] = None,
                        max_norm: Optional[float] = None, norm_type: float = 2.0) -> "Embedding":
        """An Embedding holding a copy of ``embeddings`` (2-D); ``freeze`` makes it not trainable.

        >>> import autograd as ag, nn
        >>> emb = nn.Embedding.from_pretrained(ag.tensor([[1.0, 2.0], [3.0, 4.0]]))
        >>> emb(ag.tensor([1])), emb.weight.requires_grad
        (tensor([[3., 4.]]), False)
        """
        if not isinstance(embeddings, Tensor) or embeddings.ndim != 2:
            raise ValueError(f"Embedding.from_pretrained: embeddings must be a 2-D Tensor, "
                             f"got {getattr(embeddings, 'shape', type(embeddings).__name__)}")
        n, d = embeddings.shape
        return cls(n, d, padding_idx, max_norm, norm_type, _weight=embeddings, _freeze=freeze)

    def forward(self, input: Any) -> Tensor:
        index_array(self._who(), input, self.num_embeddings)  # NOTE: the error names this layer
        return embedding(input, self.weight, self.padding_idx, self.max_norm, self.norm_type)

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm}"
        return s
