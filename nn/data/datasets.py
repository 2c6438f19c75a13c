"""Real data without network access: scikit-learn's bundled datasets, and MNIST from local IDX files.

Every loader returns a ``DatasetSplit`` ``(x_train, y_train, x_test, y_test)`` of
numpy arrays: float32 features normalised with statistics of the training split
only (so nothing about the test split leaks into training), int64 labels. Wrap
them in ``DataLoader((x_train, y_train), batch_size=..., shuffle=True)``.
The scikit-learn loaders need ``scikit-learn`` installed (it ships the files).
"""
from __future__ import annotations

import gzip
import os
from typing import Any, Dict, NamedTuple, Optional

import numpy as np


class DatasetSplit(NamedTuple):
    """Train and test arrays; unpack as ``x_train, y_train, x_test, y_test = split``."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def standardize(x_train: np.ndarray, x_test: np.ndarray, per_feature: bool = True) -> tuple:
    """Both arrays shifted and scaled by the training split's mean and standard deviation.

    With ``per_feature`` the statistics are per column (axis 0), else one mean and
    one deviation over all values. A constant feature gets deviation 1 (it becomes 0).

    >>> import numpy as np
    >>> tr, te = standardize(np.array([[0.0], [2.0]]), np.array([[4.0]]))
    >>> tr.ravel().tolist(), te.ravel().tolist()
    ([-1.0, 1.0], [3.0])
    """
    axis = 0 if per_feature else None
    mean = x_train.mean(axis=axis, keepdims=per_feature)
    std = x_train.std(axis=axis, keepdims=per_feature)
    # NOTE: pixels that are always 0 in training (digits' borders) would divide by zero
    std = np.where(std > 0, std, 1.0)
    return ((x_train - mean) / std).astype(np.float32), ((x_test - mean) / std).astype(np.float32)


def _split(x: np.ndarray, y: np.ndarray, test_size: float, seed: int) -> tuple:
    from sklearn.model_selection import train_test_split
    # NOTE: stratified, so a small test split still has every class in its proportion
    return train_test_split(x, y, test_size=test_size, random_state=seed, stratify=y)


def _sklearn(name: str) -> Any:
    try:
        import sklearn.datasets
    except ImportError as err:
        raise ImportError(f"nn.data.datasets.{name} needs scikit-learn, which ships the data: "
                          f"pip install scikit-learn") from err
    return getattr(sklearn.datasets, name)


def _tabular(name: str, test_size: float, seed: int, normalize: bool) -> DatasetSplit:
    if not 0 < test_size < 1:
        raise ValueError(f"{name}: test_size must be a fraction in (0, 1), got {test_size!r}")
    x, y = _sklearn(name)(return_X_y=True)
    x_tr, x_te, y_tr, y_te = _split(x.astype(np.float64), y.astype(np.int64), test_size, seed)
    if normalize:
        x_tr, x_te = standardize(x_tr, x_te)
    return DatasetSplit(x_tr.astype(np.float32), y_tr, x_te.astype(np.float32), y_te)


def load_digits(test_size: float = 0.2, seed: int = 0, normalize: bool = True,
                as_images: bool = False) -> DatasetSplit:
    """Scikit-learn's 1797 handwritten digits (8x8 pixels, 10 classes), split and normalised.

    Features are the 64 pixels, standardised per pixel; with ``as_images`` they
    are ``(N, 1, 8, 8)`` images standardised with one mean and deviation for all
    pixels (per-pixel statistics would not survive a random shift of the image).

    >>> x_train, y_train, x_test, y_test = load_digits()
    >>> x_train.shape, x_test.shape, x_train.dtype, y_train.dtype
    ((1437, 64), (360, 64), dtype('float32'), dtype('int64'))
    >>> load_digits(as_images=True).x_train.shape
    (1437, 1, 8, 8)
    """
    if not as_images:
        return _tabular("load_digits", test_size, seed, normalize)
    x_tr, y_tr, x_te, y_te = _tabular("load_digits", test_size, seed, normalize=False)
    if normalize:
        x_tr, x_te = standardize(x_tr, x_te, per_feature=False)
    return DatasetSplit(x_tr.reshape(-1, 1, 8, 8), y_tr, x_te.reshape(-1, 1, 8, 8), y_te)


def load_iris(test_size: float = 0.2, seed: int = 0, normalize: bool = True) -> DatasetSplit:
    """Scikit-learn's 150 iris flowers (4 measurements, 3 species), split and standardised.

    >>> load_iris().x_train.shape
    (120, 4)
    """
    return _tabular("load_iris", test_size, seed, normalize)


def load_breast_cancer(test_size: float = 0.2, seed: int = 0, normalize: bool = True) -> DatasetSplit:
    """Scikit-learn's 569 breast-cancer biopsies (30 features, 2 classes), split and standardised.

    >>> load_breast_cancer().x_test.shape
    (114, 30)
    """
    return _tabular("load_breast_cancer", test_size, seed, normalize)


_IDX_DTYPES: Dict[int, np.dtype] = {0x08: np.dtype("u1"), 0x09: np.dtype("i1"), 0x0B: np.dtype(">i2"),
               0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}


def read_idx(path: str) -> np.ndarray:
    """The array stored in an IDX file (the MNIST format), gzip-compressed or not.

    The header is two zero bytes, a type code, the number of dimensions, then
    each dimension as a big-endian 4-byte integer; the values follow, big-endian,
    in C order. Returned in native byte order.
    """
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise ValueError(f"{path} is not an IDX file: it must start with two zero bytes")
    code, ndim = raw[2], raw[3]
    if code not in _IDX_DTYPES:
        raise ValueError(f"{path}: unknown IDX type code 0x{code:02X} "
                         f"(known: {', '.join(f'0x{c:02X}' for c in _IDX_DTYPES)})")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"{path}: truncated IDX header ({len(raw)} bytes for {ndim} dimensions)")
    shape = tuple(int(d) for d in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    dtype = _IDX_DTYPES[code]
    expected = header + int(np.prod(shape)) * dtype.itemsize
    if len(raw) != expected:
        raise ValueError(f"{path}: an IDX array of shape {shape} and type {dtype} needs {expected} "
                         f"bytes, the file has {len(raw)}")
    data = np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape)
    return data.astype(dtype.newbyteorder("="))


_MNIST_FILES = {"x_train": "train-images-idx3-ubyte", "y_train": "train-labels-idx1-ubyte",
                "x_test": "t10k-images-idx3-ubyte", "y_test": "t10k-labels-idx1-ubyte"}


def _find(root: str, stem: str) -> Optional[str]:
    dotted = stem.replace("-idx", ".idx")  # NOTE: some mirrors name them train-images.idx3-ubyte
    for name in (stem, stem + ".gz", dotted, dotted + ".gz"):
        if os.path.exists(os.path.join(root, name)):
            return os.path.join(root, name)
    return None


def load_mnist(root: str, normalize: bool = True, flatten: bool = False) -> DatasetSplit:
    """MNIST (or Fashion-MNIST) from the four standard IDX files in the folder ``root``.

    Nothing is downloaded: put ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
    ``t10k-images-idx3-ubyte`` and ``t10k-labels-idx1-ubyte`` (optionally ``.gz``)
    in ``root``. Images come as float32 ``(N, 1, 28, 28)`` scaled to [0, 1] and,
    with ``normalize``, standardised by the training images' mean and deviation;
    ``flatten`` gives ``(N, 784)`` rows for an MLP.
    """
    found = {key: _find(root, stem) for key, stem in _MNIST_FILES.items()}
    paths = {key: path for key, path in found.items() if path is not None}
    missing = [_MNIST_FILES[key] for key in found if key not in paths]
    if missing:
        raise FileNotFoundError(f"load_mnist: {root!r} lacks {', '.join(missing)} (.gz is fine too)")
    arrays = {key: read_idx(path) for key, path in paths.items()}
    for part in ("train", "test"):
        x, y = arrays[f"x_{part}"], arrays[f"y_{part}"]
        if x.ndim != 3 or y.ndim != 1 or len(x) != len(y):
            raise ValueError(f"load_mnist: {part} images have shape {x.shape} and labels {y.shape}; "
                             f"expected (N, H, W) images and N labels")
    x_tr = arrays["x_train"].astype(np.float32) / 255.0
    x_te = arrays["x_test"].astype(np.float32) / 255.0
    if normalize:
        x_tr, x_te = standardize(x_tr, x_te, per_feature=False)
    shape = (-1, int(np.prod(x_tr.shape[1:]))) if flatten else (-1, 1) + x_tr.shape[1:]
    return DatasetSplit(x_tr.reshape(shape), arrays["y_train"].astype(np.int64),
                        x_te.reshape(shape), arrays["y_test"].astype(np.int64))
