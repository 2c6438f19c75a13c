"""Bundled datasets (scikit-learn) and the MNIST IDX reader, on a file the test writes itself."""
import gzip
import struct

import numpy as np
import pytest

from nn.data.datasets import load_breast_cancer, load_digits, load_iris, load_mnist, read_idx, standardize


@pytest.mark.parametrize("loader, n, features, classes", [
    (load_digits, 1797, 64, 10), (load_iris, 150, 4, 3), (load_breast_cancer, 569, 30, 2)])
def test_bundled_loader_returns_a_float32_int64_split_of_the_whole_dataset(loader, n, features, classes):
    x_tr, y_tr, x_te, y_te = loader()
    assert len(x_tr) + len(x_te) == n and len(x_tr) == len(y_tr) and len(x_te) == len(y_te)
    assert x_tr.shape[1] == features and x_tr.dtype == np.float32 and y_tr.dtype == np.int64
    assert set(np.unique(y_te)) == set(range(classes))


def test_test_size_sets_the_fraction_held_out():
    assert len(load_iris(test_size=0.4).x_test) == 60


def test_training_features_are_standardised_with_training_statistics():
    x_tr, _, x_te, _ = load_breast_cancer()
    assert np.allclose(x_tr.mean(axis=0), 0, atol=1e-5) and np.allclose(x_tr.std(axis=0), 1, atol=1e-4)
    # the test split was scaled by the training statistics, so it is only roughly standard
    assert not np.allclose(x_te.mean(axis=0), 0, atol=1e-5)


def test_test_split_is_scaled_by_the_training_statistics_not_its_own():
    raw = load_iris(normalize=False)
    norm = load_iris()
    mean, std = raw.x_train.mean(axis=0), raw.x_train.std(axis=0)
    assert np.allclose(norm.x_test, (raw.x_test - mean) / std, atol=1e-5)


def test_same_seed_gives_the_same_split_and_another_seed_a_different_one():
    assert np.array_equal(load_iris(seed=3).y_train, load_iris(seed=3).y_train)
    assert not np.array_equal(load_iris(seed=3).y_train, load_iris(seed=4).y_train)


def test_digits_as_images_are_one_channel_8x8_with_one_global_scale():
    x_tr, _, x_te, _ = load_digits(as_images=True)
    raw = load_digits(normalize=False).x_train
    assert x_tr.shape[1:] == (1, 8, 8) and x_te.shape[1:] == (1, 8, 8)
    expected = (raw - raw.mean()) / raw.std()
    assert np.allclose(x_tr.reshape(len(x_tr), -1), expected, atol=1e-4)


def test_standardize_leaves_constant_features_at_zero_instead_of_dividing_by_zero():
    tr, te = standardize(np.array([[1.0, 5.0], [3.0, 5.0]]), np.array([[2.0, 6.0]]))
    assert tr[:, 1].tolist() == [0.0, 0.0] and te.tolist() == [[0.0, 1.0]]


def test_bad_test_size_is_rejected_naming_it():
    with pytest.raises(ValueError, match="test_size must be a fraction in \\(0, 1\\), got 1.5"):
        load_iris(test_size=1.5)


def _write_idx(path, array, code, fmt):
    header = struct.pack(">BBBB", 0, 0, code, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    payload = struct.pack(f">{array.size}{fmt}", *array.ravel().tolist())
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "wb") as f:
        f.write(header + payload)


def test_read_idx_reads_unsigned_bytes_with_their_shape(tmp_path):
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    _write_idx(tmp_path / "a-idx3-ubyte", images, 0x08, "B")
    out = read_idx(tmp_path / "a-idx3-ubyte")
    assert out.dtype == np.uint8 and out.tolist() == images.tolist()


@pytest.mark.parametrize("code, fmt, dtype", [(0x0B, "h", np.int16), (0x0C, "i", np.int32),
                                              (0x0D, "f", np.float32), (0x0E, "d", np.float64)])
def test_read_idx_converts_big_endian_values_to_native_numbers(tmp_path, code, fmt, dtype):
    values = np.array([[-2, 300], [7, -40000 if fmt != "h" else -300]], dtype=dtype)
    _write_idx(tmp_path / "v.idx", values, code, fmt)
    out = read_idx(tmp_path / "v.idx")
    assert out.dtype == dtype and out.dtype.isnative and out.tolist() == values.tolist()


def test_read_idx_reads_gzipped_files(tmp_path):
    _write_idx(tmp_path / "l.gz", np.array([3, 1, 4], np.uint8), 0x08, "B")
    assert read_idx(tmp_path / "l.gz").tolist() == [3, 1, 4]


def test_read_idx_rejects_a_truncated_file_naming_the_sizes(tmp_path):
    _write_idx(tmp_path / "t.idx", np.zeros((4, 4), np.uint8), 0x08, "B")
    data = (tmp_path / "t.idx").read_bytes()
    (tmp_path / "t.idx").write_bytes(data[:-3])
    with pytest.raises(ValueError, match="needs 28 bytes, the file has 25"):
        read_idx(tmp_path / "t.idx")


def test_read_idx_rejects_a_file_without_the_zero_magic_prefix(tmp_path):
    (tmp_path / "x").write_bytes(b"\x01\x00\x08\x01\x00\x00\x00\x01\x05")
    with pytest.raises(ValueError, match="not an IDX file"):
        read_idx(tmp_path / "x")


def test_read_idx_rejects_an_unknown_type_code(tmp_path):
    (tmp_path / "x").write_bytes(b"\x00\x00\x0A\x01\x00\x00\x00\x01\x05")
    with pytest.raises(ValueError, match="unknown IDX type code 0x0A"):
        read_idx(tmp_path / "x")


def _write_mnist(root, n_train=6, n_test=3, gz=False):
    rng = np.random.default_rng(0)
    ext = ".gz" if gz else ""
    data = {}
    for part, n in (("train", n_train), ("t10k", n_test)):
        images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
        labels = rng.integers(0, 10, size=n, dtype=np.uint8)
        _write_idx(root / f"{part}-images-idx3-ubyte{ext}", images, 0x08, "B")
        _write_idx(root / f"{part}-labels-idx1-ubyte{ext}", labels, 0x08, "B")
        data[part] = (images, labels)
    return data


def test_load_mnist_reads_the_four_files_as_scaled_images_and_int64_labels(tmp_path):
    data = _write_mnist(tmp_path)
    x_tr, y_tr, x_te, y_te = load_mnist(tmp_path, normalize=False)
    assert x_tr.shape == (6, 1, 28, 28) and x_te.shape == (3, 1, 28, 28) and x_tr.dtype == np.float32
    assert np.allclose(x_te[:, 0], data["t10k"][0] / 255.0)
    assert y_tr.dtype == np.int64 and y_tr.tolist() == data["train"][1].tolist()


def test_load_mnist_normalises_with_the_training_images_statistics(tmp_path):
    data = _write_mnist(tmp_path, gz=True)
    x_tr, _, x_te, _ = load_mnist(tmp_path, flatten=True)
    train = data["train"][0] / 255.0
    assert x_tr.shape == (6, 784)
    assert np.allclose(x_te, ((data["t10k"][0] / 255.0 - train.mean()) / train.std()).reshape(3, 784),
                       atol=1e-4)


def test_load_mnist_names_the_missing_files(tmp_path):
    _write_mnist(tmp_path)
    (tmp_path / "t10k-labels-idx1-ubyte").unlink()
    with pytest.raises(FileNotFoundError, match="lacks t10k-labels-idx1-ubyte"):
        load_mnist(tmp_path)


def test_load_mnist_rejects_labels_that_do_not_match_the_images(tmp_path):
    _write_mnist(tmp_path)
    _write_idx(tmp_path / "train-labels-idx1-ubyte", np.zeros(5, np.uint8), 0x08, "B")
    with pytest.raises(ValueError, match=r"train images have shape \(6, 28, 28\) and labels \(5,\)"):
        load_mnist(tmp_path)
