"""Datasets: the indexable collections a ``DataLoader`` draws samples from.

Mirrors ``torch.utils.data``: a ``Dataset`` has ``__getitem__`` and ``__len__``;
``TensorDataset`` pairs arrays (or Tensors) along their first axis; ``Subset``
and ``random_split`` carve a dataset into parts (e.g. a validation split).
"""
from __future__ import annotations

from typing import Any, Callable, Optional, Sequence, Union

import numpy as np

from autograd.random import default_rng
from autograd.tensor import Tensor


class Dataset:
    """A map-style dataset: subclass it and define ``__getitem__`` and ``__len__``.

    >>> class Squares(Dataset):
    ...     def __len__(self): return 4
    ...     def __getitem__(self, i): return float(i), float(i * i)
    >>> Squares()[3]
    (3.0, 9.0)
    """

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must define __len__")


def _as_array(data: Any, position: int) -> np.ndarray:
    if isinstance(data, Tensor):
        return data.data
    arr = np.asarray(data)
    if arr.dtype.kind == "O":
        raise TypeError(f"TensorDataset: array {position} holds Python objects, not numbers")
    if arr.dtype == np.float64 and not isinstance(data, np.ndarray):
        arr = arr.astype(np.float32)  # NOTE: Python floats become float32, as in ag.tensor
    return arr


def _plain(x: Any) -> np.ndarray:
    return x.data if isinstance(x, Tensor) else np.asarray(x)


def batchable(dataset: Any) -> bool:
    """True when ``dataset`` can hand out whole batches by fancy indexing (``get_batch``)."""
    if isinstance(dataset, Subset):
        return batchable(dataset.dataset)
    return isinstance(dataset, TensorDataset)


def uniform_shapes(dataset: Any) -> bool:
    """True when every sample of ``dataset`` is known to have the same shape without reading it."""
    if isinstance(dataset, Subset):
        return uniform_shapes(dataset.dataset)
    return isinstance(dataset, TensorDataset) and dataset.transform is None


class TensorDataset(Dataset):
    """Samples are rows of the given arrays or Tensors, which share their first axis.

    Sample ``i`` is the tuple ``(arrays[0][i], arrays[1][i], ...)`` of numpy arrays.
    ``transform``, if given, is applied to the first element of each sample (the
    input), e.g. a data augmentation from ``nn.data.transforms``.

    >>> import numpy as np
    >>> ds = TensorDataset(np.zeros((3, 2), np.float32), np.array([0, 1, 1]))
    >>> len(ds), ds[1][0].shape, int(ds[1][1])
    (3, (2,), 1)
    """

    def __init__(self, *tensors: Any, transform: Optional[Callable[[np.ndarray], Any]] = None) -> None:
        if not tensors:
            raise ValueError("TensorDataset needs at least one array")
        arrays = tuple(_as_array(t, k) for k, t in enumerate(tensors))
        for k, arr in enumerate(arrays):
            if arr.ndim == 0:
                raise ValueError(f"TensorDataset: array {k} is 0-d; samples run along the first axis")
            if len(arr) != len(arrays[0]):
                raise ValueError(
                    f"TensorDataset: array {k} has {len(arr)} samples (shape {arr.shape}) but "
                    f"array 0 has {len(arrays[0])} (shape {arrays[0].shape}); the first axes must match"
                )
        self.tensors = arrays
        self.transform = transform

    def __len__(self) -> int:
        return len(self.tensors[0])

    def __getitem__(self, index: int) -> tuple:
        sample = tuple(arr[index] for arr in self.tensors)
        if self.transform is not None:
            sample = (self.transform(sample[0]),) + sample[1:]
        return sample

    def get_batch(self, indices: np.ndarray) -> tuple:
        """The samples at ``indices`` already stacked: one array per field.

        >>> import numpy as np
        >>> ds = TensorDataset(np.arange(10).reshape(5, 2), np.arange(5))
        >>> [a.tolist() for a in ds.get_batch(np.array([4, 0]))]
        [[[8, 9], [0, 1]], [4, 0]]
        """
        fields = [arr[indices] for arr in self.tensors]
        if self.transform is not None:
            # NOTE: augmentation is per sample (each image gets its own random draw)
            fields[0] = np.stack([_plain(self.transform(x)) for x in fields[0]])
        return tuple(fields)


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order.

    >>> import numpy as np
    >>> sub = Subset(TensorDataset(np.arange(5)), [4, 2])
    >>> len(sub), int(sub[0][0])
    (2, 4)
    """

    def __init__(self, dataset: Any, indices: Union[Sequence[int], np.ndarray]) -> None:
        self.dataset = dataset
        raw = np.asarray(indices)
        if raw.size and raw.dtype.kind not in "iu":
            raise TypeError(f"Subset: indices must be integers, got {raw.dtype} values such as "
                            f"{raw.reshape(-1)[0]!r}")
        self.indices = raw.astype(np.int64).reshape(-1)
        n = len(dataset) if hasattr(dataset, "__len__") else None
        if n is not None and self.indices.size and (self.indices.min() < -n or self.indices.max() >= n):
            raise IndexError(f"Subset: indices must lie in [-{n}, {n - 1}] for a dataset of {n} samples, "
                             f"got values from {self.indices.min()} to {self.indices.max()}")

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, index: int) -> Any:
        return self.dataset[int(self.indices[index])]

    def get_batch(self, indices: np.ndarray) -> tuple:
        """The samples at ``indices`` (positions in this subset) stacked, when the dataset batches."""
        return self.dataset.get_batch(self.indices[indices])


def random_split(dataset: Any, lengths: Sequence[float], seed: Optional[int] = None,
                 generator: Optional[np.random.Generator] = None) -> list:
    """Split ``dataset`` at random into non-overlapping ``Subset``s of the given lengths.

    ``lengths`` are counts summing to ``len(dataset)``, or fractions summing to 1
    (the remainder after flooring goes to the first parts, one each, as PyTorch does).

    >>> import numpy as np
    >>> train, val = random_split(TensorDataset(np.arange(10)), [0.8, 0.2], seed=0)
    >>> len(train), len(val)
    (8, 2)
    """
    n = len(dataset)
    lengths = list(lengths)
    if any(length < 0 for length in lengths):
        raise ValueError(f"random_split: lengths must be non-negative, got {lengths}")
    if lengths and all(0 <= length <= 1 for length in lengths) and abs(sum(lengths) - 1) < 1e-6 \
            and sum(lengths) != n:
        counts = [int(np.floor(n * frac)) for frac in lengths]
        for k in range(n - sum(counts)):
            counts[k % len(counts)] += 1
        lengths = counts
    if sum(lengths) != n or any(int(length) != length for length in lengths):
        raise ValueError(
            f"random_split: lengths {lengths} must be whole counts summing to the dataset's "
            f"{n} samples, or fractions summing to 1"
        )
    rng = generator if generator is not None else (
        np.random.default_rng(seed) if seed is not None else default_rng())
    order = rng.permutation(n)
    bounds = np.cumsum([0] + [int(length) for length in lengths])
    return [Subset(dataset, order[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]
