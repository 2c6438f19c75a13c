"""Data augmentation for images: random shift and crop, flips, noise, and ``Compose``.

Each transform takes one sample as a numpy array whose last two axes are the
image's height and width (``(H, W)`` or ``(C, H, W)``) and returns a new array of
the same dtype. Randomness comes from the transform's own generator when given
a ``seed`` or ``generator``, else from ``ag.default_rng()`` (so ``ag.manual_seed``
makes a run reproducible). Use them as ``TensorDataset(X, y, transform=...)``.
"""
from __future__ import annotations

from typing import Any, Callable, Optional, Sequence

import numpy as np

from autograd.random import default_rng


class _RandomTransform:
    def __init__(self, seed: Optional[int], generator: Optional[np.random.Generator]) -> None:
        if seed is not None and generator is not None:
            raise ValueError(f"{type(self).__name__}: give either seed or generator, not both")
        self.generator = generator if generator is not None else (
            np.random.default_rng(seed) if seed is not None else None)

    @property
    def rng(self) -> np.random.Generator:
        return self.generator if self.generator is not None else default_rng()


def _image(x: Any, name: str) -> np.ndarray:
    arr = np.asarray(x)
    if arr.ndim < 2:
        raise ValueError(f"{name} needs an image with at least 2 axes (H, W), got shape {arr.shape}")
    return arr


class Compose:
    """Apply transforms one after another.

    >>> import numpy as np
    >>> t = Compose([RandomHorizontalFlip(p=1.0), GaussianNoise(std=0.0)])
    >>> t(np.array([[1.0, 2.0]], np.float32)).tolist()
    [[2.0, 1.0]]
    """

    def __init__(self, transforms: Sequence[Callable[[Any], Any]]) -> None:
        self.transforms = list(transforms)

    def __call__(self, x: Any) -> Any:
        for transform in self.transforms:
            x = transform(x)
        return x

    def __repr__(self) -> str:
        return f"Compose({self.transforms!r})"


class RandomShift(_RandomTransform):
    """Translate the image by a whole number of pixels drawn from ``[-max_shift, max_shift]`` per axis.

    Pixels shifted in from outside are ``fill``; pixels shifted out are lost.

    >>> import numpy as np
    >>> img = np.arange(9, dtype=np.float32).reshape(3, 3)
    >>> out = RandomShift(1, seed=0)(img)
    >>> out.shape, out.dtype
    ((3, 3), dtype('float32'))
    """

    def __init__(self, max_shift: int, fill: float = 0.0, seed: Optional[int] = None,
                 generator: Optional[np.random.Generator] = None) -> None:
        if int(max_shift) != max_shift or max_shift < 0:
            raise ValueError(f"RandomShift: max_shift must be a non-negative integer, got {max_shift!r}")
        super().__init__(seed, generator)
        self.max_shift, self.fill = int(max_shift), fill

    def __call__(self, x: Any) -> np.ndarray:
        img = _image(x, "RandomShift")
        dy, dx = self.rng.integers(-self.max_shift, self.max_shift + 1, size=2)
        return shift(img, int(dy), int(dx), self.fill)

    def __repr__(self) -> str:
        return f"RandomShift(max_shift={self.max_shift}, fill={self.fill})"


def shift(img: np.ndarray, dy: int, dx: int, fill: float = 0.0) -> np.ndarray:
    """``img`` moved ``dy`` pixels down and ``dx`` right, ``fill`` where nothing moved in.

    >>> import numpy as np
    >>> shift(np.array([[1, 2], [3, 4]]), 0, 1).tolist()
    [[0, 1], [0, 3]]
    """
    h, w = img.shape[-2:]
    out = np.full_like(img, fill)
    if abs(dy) >= h or abs(dx) >= w:
        return out
    out[..., max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
        img[..., max(-dy, 0):h + min(-dy, 0), max(-dx, 0):w + min(-dx, 0)]
    return out


class RandomCrop(_RandomTransform):
    """Cut a random ``size`` window, after padding each side by ``padding`` pixels of ``fill``.

    ``RandomCrop(28, padding=2)`` on 28x28 images is the classic "pad and crop"
    augmentation: a random shift of up to 2 pixels.

    >>> import numpy as np
    >>> RandomCrop(2, seed=0)(np.zeros((1, 5, 5), np.float32)).shape
    (1, 2, 2)
    """

    def __init__(self, size: Any, padding: int = 0, fill: float = 0.0, seed: Optional[int] = None,
                 generator: Optional[np.random.Generator] = None) -> None:
        size = (size, size) if np.isscalar(size) else tuple(size)
        if len(size) != 2 or any(int(s) != s or s <= 0 for s in size):
            raise ValueError(f"RandomCrop: size must be a positive int or (height, width), got {size!r}")
        if int(padding) != padding or padding < 0:
            raise ValueError(f"RandomCrop: padding must be a non-negative integer, got {padding!r}")
        super().__init__(seed, generator)
        self.size, self.padding, self.fill = (int(size[0]), int(size[1])), int(padding), fill

    def __call__(self, x: Any) -> np.ndarray:
        img = _image(x, "RandomCrop")
        p = self.padding
        if p:
            img = np.pad(img, [(0, 0)] * (img.ndim - 2) + [(p, p), (p, p)], constant_values=self.fill)
        (h, w), (th, tw) = img.shape[-2:], self.size
        if th > h or tw > w:
            raise ValueError(f"RandomCrop: crop size {self.size} is larger than the padded image "
                             f"{(h, w)}")
        top = int(self.rng.integers(0, h - th + 1))
        left = int(self.rng.integers(0, w - tw + 1))
        return img[..., top:top + th, left:left + tw].copy()

    def __repr__(self) -> str:
        return f"RandomCrop(size={self.size}, padding={self.padding})"


class RandomHorizontalFlip(_RandomTransform):
    """Mirror the image left-right with probability ``p``.

    >>> import numpy as np
    >>> RandomHorizontalFlip(p=1.0)(np.array([[1, 2, 3]])).tolist()
    [[3, 2, 1]]
    """

    axis = -1

    def __init__(self, p: float = 0.5, seed: Optional[int] = None,
                 generator: Optional[np.random.Generator] = None) -> None:
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"{type(self).__name__}: p must be in [0, 1], got {p!r}")
        super().__init__(seed, generator)
        self.p = p

    def __call__(self, x: Any) -> np.ndarray:
        img = _image(x, type(self).__name__)
        if self.rng.random() < self.p:
            return np.flip(img, axis=self.axis).copy()
        return img.copy()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(p={self.p})"


class RandomVerticalFlip(RandomHorizontalFlip):
    """Mirror the image top-bottom with probability ``p``.

    >>> import numpy as np
    >>> RandomVerticalFlip(p=1.0)(np.array([[1], [2]])).tolist()
    [[2], [1]]
    """

    axis = -2


class GaussianNoise(_RandomTransform):
    """Add independent normal noise with standard deviation ``std`` to every value.

    >>> import numpy as np
    >>> out = GaussianNoise(std=0.1, seed=0)(np.zeros((2, 2), np.float32))
    >>> out.dtype, bool(np.abs(out).max() < 1)
    (dtype('float32'), True)
    """

    def __init__(self, std: float, mean: float = 0.0, seed: Optional[int] = None,
                 generator: Optional[np.random.Generator] = None) -> None:
        if not std >= 0:
            raise ValueError(f"GaussianNoise: std must be non-negative, got {std!r}")
        super().__init__(seed, generator)
        self.std, self.mean = std, mean

    def __call__(self, x: Any) -> np.ndarray:
        arr = np.asarray(x)
        if arr.dtype.kind != "f":
            raise TypeError(f"GaussianNoise needs floating-point data, got {arr.dtype}; "
                            f"convert with .astype(np.float32) first")
        noise = self.rng.normal(self.mean, self.std, size=arr.shape)
        return (arr + noise).astype(arr.dtype, copy=False)

    def __repr__(self) -> str:
        return f"GaussianNoise(std={self.std}, mean={self.mean})"
