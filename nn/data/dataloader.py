"""``DataLoader``: batches of Tensors from a dataset, shuffled reproducibly.

Mirrors ``torch.utils.data.DataLoader`` (single process): ``batch_size``,
``shuffle``, ``drop_last``, ``collate_fn``; a ``seed`` or a numpy ``generator``
makes the shuffling reproducible. Numpy arrays work directly: pass one array,
or a tuple ``(X, y)``, as the dataset.
"""
from __future__ import annotations

import math
from typing import Any, Callable, Dict, Iterator, Optional

import numpy as np

from autograd.dtypes import as_array
from autograd.random import default_rng
from autograd.tensor import Tensor
from nn.data.dataset import TensorDataset, batchable, uniform_shapes


class SampleShapeError(ValueError):
    """Samples in one batch disagree in structure or shape; ``position`` is the odd one's place in the batch."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.position = position


def _describe(value: Any) -> str:
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} fields"
    if isinstance(value, dict):
        return f"a dict with keys {sorted(value)}"
    return f"shape {np.shape(value.data if isinstance(value, Tensor) else value)}"


def default_collate(samples: list) -> Any:
    """Stack a list of samples into Tensors, field by field.

    A sample is a number, an array, a Tensor, or a tuple/list/dict of those;
    the batch has the same structure with a new first axis.

    >>> import numpy as np
    >>> x, y = default_collate([(np.zeros(3, np.float32), 1), (np.ones(3, np.float32), 0)])
    >>> x.shape, y.tolist()
    ((2, 3), [1, 0])
    """
    first = samples[0]
    for position, sample in enumerate(samples):
        if type(sample) is not type(first) and not (
                isinstance(sample, (tuple, list)) and isinstance(first, (tuple, list))):
            raise SampleShapeError(
                f"has type {type(sample).__name__} where the first sample has {type(first).__name__}",
                position)
        if isinstance(first, (tuple, list)) and len(sample) != len(first) or \
                isinstance(first, dict) and set(sample) != set(first):
            raise SampleShapeError(f"is {_describe(sample)} where the first is {_describe(first)}",
                                   position)
    if isinstance(first, (tuple, list)):
        return tuple(_collate_field([s[k] for s in samples], f"field {k}") for k in range(len(first)))
    if isinstance(first, dict):
        return {key: _collate_field([s[key] for s in samples], f"field {key!r}") for key in first}
    return _collate_field(samples, "")


def _collate_field(values: list, where: str) -> Tensor:
    arrays = [v.data if isinstance(v, Tensor) else as_array(v) for v in values]
    for position, arr in enumerate(arrays):
        if arr.shape != arrays[0].shape:
            field = f" ({where})" if where else ""
            raise SampleShapeError(
                f"has shape {arr.shape}{field} where the first sample in its batch has "
                f"shape {arrays[0].shape}", position)
        if arr.dtype.kind not in "biuf":
            raise SampleShapeError(f"holds {arr.dtype} data, which cannot become a Tensor", position)
    return Tensor(np.stack(arrays))


def _check_batch_size(batch_size: Any) -> int:
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size <= 0:
        raise ValueError(f"DataLoader: batch_size must be a positive integer, got {batch_size!r}")
    return int(batch_size)


class DataLoader:
    """Iterate over ``dataset`` in batches of Tensors.

    ``dataset`` is a ``Dataset`` (anything with ``__getitem__`` and ``__len__``),
    a numpy array or Tensor (batches are Tensors), or a tuple of arrays sharing
    their first axis (batches are tuples). With ``shuffle=True`` each epoch is a
    new permutation drawn from ``generator``, else from a generator made from
    ``seed``, else from the library's ``ag.default_rng()`` (so ``ag.manual_seed``
    governs it). ``drop_last`` drops a final batch smaller than ``batch_size``.

    >>> import numpy as np
    >>> X, y = np.arange(10, dtype=np.float32).reshape(5, 2), np.arange(5)
    >>> loader = DataLoader((X, y), batch_size=2)
    >>> [tuple(xb.shape) for xb, yb in loader], len(loader)
    ([(2, 2), (2, 2), (1, 2)], 3)
    >>> len(DataLoader((X, y), batch_size=2, drop_last=True))
    2
    """

    def __init__(self, dataset: Any, batch_size: int = 1, shuffle: bool = False,
                 drop_last: bool = False, seed: Optional[int] = None,
                 generator: Optional[np.random.Generator] = None,
                 collate_fn: Optional[Callable[[list], Any]] = None) -> None:
        self.batch_size = _check_batch_size(batch_size)
        if seed is not None and generator is not None:
            raise ValueError("DataLoader: give either seed or generator, not both")
        if generator is not None and not isinstance(generator, np.random.Generator):
            raise TypeError(f"generator must be a numpy.random.Generator, got {type(generator).__name__}")
        self._single = isinstance(dataset, (np.ndarray, Tensor))
        if self._single:
            dataset = TensorDataset(dataset)
        elif isinstance(dataset, tuple) and dataset and all(
                isinstance(a, (np.ndarray, Tensor)) for a in dataset):
            dataset = TensorDataset(*dataset)
        if not (hasattr(dataset, "__getitem__") and hasattr(dataset, "__len__")):
            raise TypeError(
                f"DataLoader needs a Dataset (with __getitem__ and __len__), an array, or a tuple "
                f"of arrays; got {type(dataset).__name__}")
        self.dataset = dataset
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        if collate_fn is not None and not callable(collate_fn):
            raise TypeError(f"DataLoader: collate_fn must be a function of a list of samples, got "
                            f"{type(collate_fn).__name__} {collate_fn!r}")
        self.collate_fn = collate_fn
        self.generator = generator if generator is not None else (
            np.random.default_rng(seed) if seed is not None else None)

    def state_dict(self) -> Dict[str, Any]:
        """The state of this loader's own generator (None when it shuffles with the library's,
        whose state ``ag.get_rng_state`` gives), for resuming a run where it stopped.

        >>> import numpy as np
        >>> loader = DataLoader(np.arange(6.0), batch_size=3, shuffle=True, seed=0)
        >>> state = loader.state_dict(); first = [b.tolist() for b in loader]
        >>> loader.load_state_dict(state); [b.tolist() for b in loader] == first
        True
        """
        return {"generator": None if self.generator is None else self.generator.bit_generator.state}

    def load_state_dict(self, state: Dict[str, Any]) -> None:
        """Restore what ``state_dict`` saved (the next epoch then draws the same order)."""
        if not isinstance(state, dict) or "generator" not in state:
            raise TypeError(f"DataLoader.load_state_dict: expected a dict from state_dict(), got "
                            f"{type(state).__name__}")
        saved = state["generator"]
        if (saved is None) != (self.generator is None):
            raise ValueError("DataLoader.load_state_dict: the state is of a loader "
                             f"{'without' if saved is None else 'with'} its own generator, this one "
                             f"{'has' if saved is None else 'has none'}")
        if saved is not None and self.generator is not None:
            self.generator.bit_generator.state = saved

    def __len__(self) -> int:
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def _order(self) -> np.ndarray:
        n = len(self.dataset)
        if not self.shuffle:
            return np.arange(n)
        rng = self.generator if self.generator is not None else default_rng()
        return rng.permutation(n)

    def __iter__(self) -> Iterator[Any]:
        order = self._order()
        for start in range(0, len(self) * self.batch_size, self.batch_size):
            yield self._fetch(order[start:start + self.batch_size])

    def _fetch(self, indices: np.ndarray) -> Any:
        if self.collate_fn is None and batchable(self.dataset):
            # NOTE: fast path: one fancy-index per array instead of a Python loop over samples
            batch = tuple(Tensor(a) for a in self.dataset.get_batch(indices))
            return batch[0] if self._single else batch
        samples = [self.dataset[int(i)] for i in indices]
        try:
            return (self.collate_fn or default_collate)(samples)
        except SampleShapeError as err:
            raise ValueError(f"DataLoader: sample {int(indices[err.position])} of the dataset {err}; "
                             f"all samples must have the same shape to be batched") from None

    def check_samples(self) -> None:
        """Raise ``ValueError`` naming the first sample whose structure or shape differs from sample 0.

        A ``TensorDataset`` without a transform (or a ``Subset`` of one) passes at once:
        its samples are rows of arrays. Any other dataset is read once, sample by sample. ``fit`` calls this before
        training so a bad sample is reported before the first epoch, not during it.

        >>> import numpy as np
        >>> class Ragged:
        ...     def __len__(self): return 3
        ...     def __getitem__(self, i): return np.zeros(2 if i < 2 else 5, np.float32)
        >>> DataLoader(Ragged(), batch_size=2).check_samples()
        Traceback (most recent call last):
        ValueError: DataLoader: sample 2 of the dataset has shape (5,) where the first sample in its batch has shape (2,); all samples must have the same shape to be batched
        """
        if uniform_shapes(self.dataset):
            return
        n = len(self.dataset)
        if n == 0:
            return
        collate = self.collate_fn or default_collate
        first = self.dataset[0]
        for i in range(1, n):
            # NOTE: collating sample 0 with sample i reuses exactly the checks batching makes
            try:
                collate([first, self.dataset[i]])
            except SampleShapeError as err:
                raise ValueError(f"DataLoader: sample {i} of the dataset {err}; all samples must "
                                 f"have the same shape to be batched") from None

    def __repr__(self) -> str:
        return (f"DataLoader({type(self.dataset).__name__} of {len(self.dataset)} samples, "
                f"batch_size={self.batch_size}, shuffle={self.shuffle}, drop_last={self.drop_last})")
