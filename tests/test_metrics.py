"""Metrics: accuracy, top-k accuracy, confusion matrix, mean squared error, and lookup by name."""
import numpy as np
import pytest

import autograd as ag
from nn.training.metrics import accuracy, confusion_matrix, get_metric, mean_squared_error, top_k_accuracy

SCORES = np.array([[0.1, 0.7, 0.2],   # predicts 1
                   [0.5, 0.2, 0.3],   # predicts 0
                   [0.2, 0.3, 0.5],   # predicts 2
                   [0.4, 0.35, 0.25]])  # predicts 0
LABELS = np.array([1, 2, 2, 1])


def test_accuracy_is_the_fraction_of_argmax_hits():
    assert accuracy(SCORES, LABELS) == 0.5


def test_accuracy_accepts_tensors():
    assert accuracy(ag.tensor(SCORES.astype(np.float32)), ag.tensor(LABELS)) == 0.5


def test_accuracy_of_predicted_labels_compares_them_directly():
    assert accuracy(np.array([1, 0, 2, 0]), LABELS) == 0.5


def test_accuracy_with_one_hot_targets_uses_their_argmax():
    assert accuracy(SCORES, np.eye(3)[LABELS]) == 0.5


def test_accuracy_over_spatial_class_maps_uses_axis_1():
    scores = np.zeros((1, 2, 2, 2))
    scores[0, 1, 0, :] = 1.0  # class 1 on the top row, class 0 below
    assert accuracy(scores, np.array([[[1, 1], [0, 1]]])) == 0.75


def test_accuracy_rejects_float_labels_naming_the_dtype():
    with pytest.raises(TypeError, match="integer class labels .* got dtype float64"):
        accuracy(SCORES, LABELS.astype(np.float64))


def test_accuracy_rejects_mismatched_batch_sizes_naming_both_shapes():
    with pytest.raises(ValueError, match=r"output of shape \(4, 3\) .* targets of shape \(3,\)"):
        accuracy(SCORES, LABELS[:3])


def test_top_1_accuracy_equals_accuracy():
    assert top_k_accuracy(SCORES, LABELS, k=1) == accuracy(SCORES, LABELS)


def test_top_2_accuracy_counts_targets_among_the_two_best():
    # second-best classes: row0 -> 2, row1 -> 2, row2 -> 1, row3 -> 1
    assert top_k_accuracy(SCORES, LABELS, k=2) == 1.0


def test_top_k_with_k_equal_to_the_number_of_classes_is_always_one():
    assert top_k_accuracy(SCORES, np.array([0, 0, 0, 0]), k=3) == 1.0


def test_top_k_with_k_above_the_number_of_classes_is_rejected():
    with pytest.raises(ValueError, match=r"k must be an integer in \[1, 3\].* got 4"):
        top_k_accuracy(SCORES, LABELS, k=4)


def test_confusion_matrix_rows_are_true_classes_and_columns_predictions():
    expected = [[0, 0, 0],
                [1, 1, 0],
                [1, 0, 1]]
    assert confusion_matrix(SCORES, LABELS).tolist() == expected


def test_confusion_matrix_counts_sum_to_the_number_of_samples():
    rng = np.random.default_rng(0)
    m = confusion_matrix(rng.normal(size=(50, 4)), rng.integers(0, 4, 50))
    assert m.shape == (4, 4) and m.sum() == 50 and m.dtype == np.int64


def test_confusion_matrix_of_labels_with_num_classes_pads_unseen_classes():
    assert confusion_matrix(np.array([0, 1]), np.array([0, 1]), num_classes=3).shape == (3, 3)


def test_confusion_matrix_rejects_a_label_outside_the_classes_naming_it():
    with pytest.raises(ValueError, match=r"target 5 at index 1 is outside \[0, 3\)"):
        confusion_matrix(SCORES[:2], np.array([0, 5]))


def test_mean_squared_error_is_the_mean_of_squared_differences():
    assert mean_squared_error(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0, 0.0], [3.0, 7.0]])) == 3.25


def test_mean_squared_error_rejects_different_shapes():
    with pytest.raises(ValueError, match=r"output shape \(3, 1\) differs from target shape \(3,\)"):
        mean_squared_error(np.zeros((3, 1)), np.zeros(3))


@pytest.mark.parametrize("name, value", [("accuracy", 0.5), ("top2_accuracy", 1.0), ("top_1_acc", 0.5)])
def test_metrics_can_be_named(name, value):
    metric_name, fn = get_metric(name)
    assert metric_name == name and fn(SCORES, LABELS) == value


def test_unknown_metric_name_is_rejected_naming_it():
    with pytest.raises(ValueError, match="unknown metric 'f1'"):
        get_metric("f1")
