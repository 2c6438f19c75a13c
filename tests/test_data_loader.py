"""DataLoader, TensorDataset, default_collate: order, seeds, last batch, bad input."""
import numpy as np
import pytest

import autograd as ag
from nn.data import DataLoader, Dataset, Subset, TensorDataset, default_collate, random_split


def _xy(n=10):
    return np.arange(n * 2, dtype=np.float32).reshape(n, 2), np.arange(n, dtype=np.int64)


def _labels(loader):
    return [yb.data.tolist() for _, yb in loader]


class ListDataset(Dataset):
    def __init__(self, samples):
        self.samples = samples

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, i):
        return self.samples[i]


def test_unshuffled_loader_yields_samples_in_dataset_order():
    assert _labels(DataLoader(_xy(7), batch_size=3)) == [[0, 1, 2], [3, 4, 5], [6]]


def test_batches_are_tensors_keeping_the_arrays_dtypes():
    xb, yb = next(iter(DataLoader(_xy(), batch_size=4)))
    assert isinstance(xb, ag.Tensor) and isinstance(yb, ag.Tensor)
    assert (xb.dtype, yb.dtype) == (np.float32, np.int64)
    assert xb.data.tolist() == [[0, 1], [2, 3], [4, 5], [6, 7]]


def test_a_single_array_gives_tensor_batches_not_tuples():
    batches = list(DataLoader(np.arange(5, dtype=np.float32), batch_size=2))
    assert all(isinstance(b, ag.Tensor) for b in batches)
    assert [b.data.tolist() for b in batches] == [[0, 1], [2, 3], [4]]


def test_last_partial_batch_is_kept_by_default():
    loader = DataLoader(_xy(10), batch_size=4)
    assert len(loader) == 3
    assert [len(y) for y in _labels(loader)] == [4, 4, 2]


def test_drop_last_drops_the_partial_batch():
    loader = DataLoader(_xy(10), batch_size=4, drop_last=True)
    assert len(loader) == 2
    assert _labels(loader) == [[0, 1, 2, 3], [4, 5, 6, 7]]


def test_drop_last_with_exact_multiple_keeps_every_batch():
    assert len(list(DataLoader(_xy(8), batch_size=4, drop_last=True))) == 2


def test_drop_last_with_batch_larger_than_dataset_yields_nothing():
    loader = DataLoader(_xy(3), batch_size=4, drop_last=True)
    assert len(loader) == 0 and list(loader) == []


def test_shuffle_visits_every_sample_exactly_once_per_epoch():
    labels = sum(_labels(DataLoader(_xy(23), batch_size=5, shuffle=True, seed=1)), [])
    assert sorted(labels) == list(range(23)) and labels != list(range(23))


def test_same_seed_gives_the_same_order_across_loaders():
    a = DataLoader(_xy(20), batch_size=6, shuffle=True, seed=42)
    b = DataLoader(_xy(20), batch_size=6, shuffle=True, seed=42)
    assert [_labels(a), _labels(a)] == [_labels(b), _labels(b)]


def test_different_seeds_give_different_orders():
    a = DataLoader(_xy(20), batch_size=20, shuffle=True, seed=1)
    b = DataLoader(_xy(20), batch_size=20, shuffle=True, seed=2)
    assert _labels(a) != _labels(b)


def test_each_epoch_of_a_seeded_loader_is_a_new_permutation():
    loader = DataLoader(_xy(20), batch_size=20, shuffle=True, seed=0)
    assert _labels(loader) != _labels(loader)


def test_seeded_order_matches_numpy_permutation_of_that_seed():
    expected = np.random.default_rng(7).permutation(12).tolist()
    assert sum(_labels(DataLoader(_xy(12), batch_size=5, shuffle=True, seed=7)), []) == expected


def test_explicit_generator_drives_the_shuffle():
    a = DataLoader(_xy(15), batch_size=15, shuffle=True, generator=np.random.default_rng(3))
    assert _labels(a) == [np.random.default_rng(3).permutation(15).tolist()]


def test_unseeded_shuffle_follows_manual_seed():
    ag.manual_seed(5)
    first = _labels(DataLoader(_xy(15), batch_size=15, shuffle=True))
    ag.manual_seed(5)
    assert _labels(DataLoader(_xy(15), batch_size=15, shuffle=True)) == first


def test_seed_and_generator_together_are_rejected():
    with pytest.raises(ValueError, match="seed or generator"):
        DataLoader(_xy(), seed=1, generator=np.random.default_rng(1))


@pytest.mark.parametrize("bad", [0, -3, 2.5, True, None])
def test_non_positive_or_non_integer_batch_size_is_rejected_naming_it(bad):
    with pytest.raises(ValueError, match=f"DataLoader: batch_size must be a positive integer, got {bad!r}"):
        DataLoader(_xy(), batch_size=bad)


def test_arrays_of_different_lengths_are_rejected_naming_both():
    with pytest.raises(ValueError, match="array 1 has 4 samples .* array 0 has 5"):
        TensorDataset(np.zeros((5, 2)), np.zeros(4))


def test_a_generic_dataset_is_batched_through_default_collate():
    ds = ListDataset([(np.full(3, i, np.float32), i) for i in range(5)])
    xb, yb = list(DataLoader(ds, batch_size=2))[-1]
    assert xb.shape == (1, 3) and yb.data.tolist() == [4]


def test_inconsistent_sample_shapes_raise_naming_the_dataset_index():
    ds = ListDataset([(np.zeros(3, np.float32), 0)] * 6 + [(np.zeros(4, np.float32), 1)])
    loader = DataLoader(ds, batch_size=4)
    with pytest.raises(ValueError, match=r"sample 6 of the dataset has shape \(4,\)"):
        list(loader)


def test_check_samples_finds_a_bad_sample_without_iterating_batches():
    ds = ListDataset([np.zeros(2, np.float32)] * 3 + [np.zeros((2, 1), np.float32)])
    with pytest.raises(ValueError, match="sample 3 of the dataset has shape"):
        DataLoader(ds, batch_size=2, shuffle=True, seed=0).check_samples()


def test_check_samples_passes_consistent_datasets():
    DataLoader(ListDataset([np.zeros(2, np.float32)] * 3), batch_size=2).check_samples()
    DataLoader(_xy(), batch_size=2).check_samples()


def test_samples_with_a_missing_field_raise_naming_the_index():
    ds = ListDataset([(np.zeros(2), 1), (np.zeros(2), 1), (np.zeros(2),)])
    with pytest.raises(ValueError, match="sample 2 of the dataset is a tuple of 1 fields"):
        list(DataLoader(ds, batch_size=3))


def test_default_collate_turns_python_floats_into_float32_and_ints_into_int64():
    x, y = default_collate([(0.5, 1), (1.5, 2)])
    assert (x.dtype, y.dtype) == (np.float32, np.int64)


def test_default_collate_keeps_dict_structure():
    batch = default_collate([{"x": np.zeros(2), "y": 0}, {"x": np.ones(2), "y": 1}])
    assert set(batch) == {"x", "y"} and batch["x"].shape == (2, 2)


def test_custom_collate_fn_receives_the_list_of_samples():
    seen = []
    loader = DataLoader(ListDataset([1, 2, 3]), batch_size=2, collate_fn=lambda s: seen.append(s) or len(s))
    assert list(loader) == [2, 1] and seen == [[1, 2], [3]]


def test_transform_is_applied_to_the_inputs_of_each_sample_only():
    x, y = _xy(4)
    ds = TensorDataset(x, y, transform=lambda v: v * 10)
    xb, yb = next(iter(DataLoader(ds, batch_size=4)))
    assert xb.data.tolist() == (x * 10).tolist() and yb.data.tolist() == y.tolist()


def test_subset_reads_the_given_indices_in_order():
    sub = Subset(TensorDataset(*_xy(10)), [7, 2])
    assert [int(sub[i][1]) for i in range(len(sub))] == [7, 2]


def test_random_split_by_fractions_partitions_the_dataset():
    parts = random_split(TensorDataset(*_xy(11)), [0.7, 0.3], seed=0)
    indices = [set(p.indices.tolist()) for p in parts]
    assert [len(p) for p in parts] == [8, 3]
    assert indices[0].isdisjoint(indices[1]) and indices[0] | indices[1] == set(range(11))


def test_random_split_with_lengths_not_summing_to_the_dataset_is_rejected():
    with pytest.raises(ValueError, match="summing to the dataset's 10 samples"):
        random_split(TensorDataset(*_xy(10)), [5, 4])


def test_loader_over_a_subset_of_arrays_yields_the_subsets_rows_in_order():
    sub = Subset(TensorDataset(*_xy(10)), [9, 3, 5])
    (xb, yb), = list(DataLoader(sub, batch_size=3))
    assert yb.data.tolist() == [9, 3, 5] and xb.data.tolist() == [[18, 19], [6, 7], [10, 11]]


def test_samples_that_are_tensors_are_batched_like_arrays():
    ds = ListDataset([(ag.tensor([1.0, 2.0]), ag.tensor(1)), (ag.tensor([3.0, 4.0]), ag.tensor(0))])
    xb, yb = next(iter(DataLoader(ds, batch_size=2)))
    assert xb.data.tolist() == [[1, 2], [3, 4]] and yb.data.tolist() == [1, 0]


def test_a_transform_that_changes_the_shape_consistently_passes_the_sample_check():
    x, y = _xy(6)
    loader = DataLoader(TensorDataset(x, y, transform=lambda v: v[:1]), batch_size=4)
    loader.check_samples()
    assert next(iter(loader))[0].shape == (4, 1)
