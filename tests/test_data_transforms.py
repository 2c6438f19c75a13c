"""Image augmentations: what each transform does to a known image, and their randomness."""
import numpy as np
import pytest

import autograd as ag
from nn.data.transforms import (Compose, GaussianNoise, RandomCrop, RandomHorizontalFlip, RandomShift,
                                RandomVerticalFlip, shift)

IMG = np.arange(1, 17, dtype=np.float32).reshape(1, 4, 4)


def test_shift_moves_content_and_fills_the_vacated_border():
    out = shift(IMG[0], 1, -1, fill=-1)
    assert out.tolist() == [[-1, -1, -1, -1], [2, 3, 4, -1], [6, 7, 8, -1], [10, 11, 12, -1]]


def test_shift_by_more_than_the_image_leaves_only_fill():
    assert (shift(IMG, 0, 9) == 0).all()


def test_random_shift_output_is_the_input_shifted_within_max_shift():
    out = RandomShift(1, seed=0)(IMG)
    candidates = [shift(IMG, dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]
    assert out.shape == IMG.shape and any(np.array_equal(out, c) for c in candidates)


def test_random_shift_draws_several_different_shifts():
    t = RandomShift(2, seed=0)
    assert len({t(IMG).tobytes() for _ in range(30)}) > 5


def test_random_crop_returns_a_window_of_the_padded_image():
    out = RandomCrop(4, padding=1, seed=3)(IMG)
    padded = np.pad(IMG, [(0, 0), (1, 1), (1, 1)])
    windows = [padded[:, i:i + 4, j:j + 4] for i in range(3) for j in range(3)]
    assert out.shape == (1, 4, 4) and any(np.array_equal(out, w) for w in windows)


def test_random_crop_larger_than_the_padded_image_is_rejected_naming_both_sizes():
    with pytest.raises(ValueError, match=r"crop size \(6, 6\) is larger than the padded image \(4, 4\)"):
        RandomCrop(6)(IMG)


def test_horizontal_flip_with_p1_mirrors_columns_and_p0_keeps_the_image():
    assert np.array_equal(RandomHorizontalFlip(p=1.0)(IMG), IMG[..., ::-1])
    assert np.array_equal(RandomHorizontalFlip(p=0.0)(IMG), IMG)


def test_vertical_flip_with_p1_mirrors_rows():
    assert np.array_equal(RandomVerticalFlip(p=1.0)(IMG), IMG[..., ::-1, :])


def test_flip_probability_outside_0_1_is_rejected():
    with pytest.raises(ValueError, match="p must be in \\[0, 1\\], got 1.5"):
        RandomHorizontalFlip(p=1.5)


def test_gaussian_noise_has_the_requested_spread_and_keeps_dtype():
    out = GaussianNoise(std=0.5, seed=0)(np.zeros((100, 100), np.float32))
    assert out.dtype == np.float32 and abs(out.std() - 0.5) < 0.02 and abs(out.mean()) < 0.02


def test_gaussian_noise_on_integer_images_is_rejected():
    with pytest.raises(TypeError, match="needs floating-point data, got uint8"):
        GaussianNoise(0.1)(np.zeros((2, 2), np.uint8))


def test_transforms_do_not_modify_their_input():
    img = IMG.copy()
    for t in (RandomShift(1), RandomCrop(3, padding=1), RandomHorizontalFlip(1.0), GaussianNoise(1.0)):
        t(img)
    assert np.array_equal(img, IMG)


def test_compose_applies_transforms_in_order():
    t = Compose([lambda x: x + 1, lambda x: x * 2])
    assert t(np.array([1.0])).tolist() == [4.0]


def test_seeded_transforms_repeat_their_draws():
    a, b = RandomShift(2, seed=9), RandomShift(2, seed=9)
    assert all(np.array_equal(a(IMG), b(IMG)) for _ in range(10))


def test_unseeded_transforms_follow_manual_seed():
    t = Compose([RandomShift(2), GaussianNoise(0.1)])
    ag.manual_seed(1)
    first = t(IMG)
    ag.manual_seed(1)
    assert np.array_equal(t(IMG), first)
