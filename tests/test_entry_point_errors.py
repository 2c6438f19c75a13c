"""Bad arguments are refused where they are given (constructors, registrations, fit's entry),
with the error type PyTorch raises and a message naming the layer or function, and nothing
changes."""
import numpy as np
import pytest

import autograd as ag
import nn
import optim
from nn.data import DataLoader, Subset, TensorDataset


def test_a_dataloader_refuses_a_collate_fn_that_is_not_callable_when_built():
    with pytest.raises(TypeError, match="DataLoader: collate_fn must be a function"):
        DataLoader(np.zeros((4, 2)), collate_fn=3)


def test_fit_refuses_a_scheduler_given_as_a_string_before_training():
    model = nn.Linear(2, 2)
    before = model.weight.data.copy()
    with pytest.raises(TypeError, match="fit: scheduler must be an optim.lr_scheduler"):
        nn.fit(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=0.1),
               [(np.ones((2, 2), np.float32), np.zeros((2, 2), np.float32))], epochs=1,
               scheduler="cosine", progress=False)
    assert np.array_equal(model.weight.data, before)


@pytest.mark.parametrize("kwargs, message", [(dict(kernel_size=0), "kernel_size must be positive"),
                                             (dict(kernel_size=3, stride=0), "stride must be positive"),
                                             (dict(kernel_size=3, dilation=0), "dilation must be positive"),
                                             (dict(kernel_size=3, padding=-1), "padding must be non-negative"),
                                             (dict(kernel_size=True), "kernel_size must be an int")])
def test_conv2d_refuses_non_positive_sizes_when_built(kwargs, message):
    with pytest.raises(ValueError, match=f"Conv2d: {message}"):
        nn.Conv2d(3, 8, **kwargs)


def test_linear_refuses_negative_features():
    with pytest.raises(ValueError, match="Linear: in_features must be >= 0, got -1"):
        nn.Linear(-1, 2)


def test_linear_refuses_non_integer_features():
    with pytest.raises(TypeError, match="Linear: in_features must be an int, got float 2.5"):
        nn.Linear(2.5, 3)


def test_linear_with_zero_outputs_is_allowed_as_in_pytorch():
    assert nn.Linear(3, 0)(ag.zeros(2, 3)).shape == (2, 0)


def test_load_state_dict_of_none_is_a_type_error_naming_the_module():
    with pytest.raises(TypeError, match="Linear.load_state_dict: expected a mapping"):
        nn.Linear(2, 2).load_state_dict(None)


def test_subset_refuses_fractional_indices():
    with pytest.raises(TypeError, match="Subset: indices must be integers"):
        Subset(TensorDataset(np.zeros((4, 2))), [0.5, 1.7])


def test_subset_refuses_indices_out_of_range_when_built():
    with pytest.raises(IndexError, match=r"Subset: indices must lie in \[-4, 3\]"):
        Subset(TensorDataset(np.zeros((4, 2))), [1, 4])


def test_module_to_an_integer_dtype_is_refused_and_changes_nothing():
    model = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="only floating point dtypes"):
        model.to(np.int64)
    assert model.weight.dtype == np.float32


def test_module_to_cpu_is_a_no_op_and_other_devices_are_refused():
    model = nn.Linear(2, 2)
    assert model.to("cpu") is model and model.to("cpu", dtype=np.float64).weight.dtype == np.float64
    with pytest.raises(RuntimeError, match="device 'cuda' is not available"):
        model.to("cuda")


def test_optimizer_load_state_dict_refuses_a_negative_lr_and_changes_nothing():
    model = nn.Linear(2, 2)
    opt = optim.SGD(model.parameters(), lr=0.1)
    state = opt.state_dict()
    state["param_groups"][0]["lr"] = -1.0
    with pytest.raises(ValueError, match="SGD: invalid learning rate -1"):
        opt.load_state_dict(state)
    assert opt.param_groups[0]["lr"] == 0.1


def test_optimizer_load_state_dict_refuses_another_optimizers_state_and_changes_nothing():
    model = nn.Linear(2, 2)
    sgd, adam = optim.SGD(model.parameters(), lr=0.1, momentum=0.9), optim.Adam(model.parameters())
    with pytest.raises(ValueError, match=r"Adam: parameter group 0 of the loaded state has no \['amsgrad'"):
        adam.load_state_dict(sgd.state_dict())
    assert adam.param_groups[0]["betas"] == (0.9, 0.999)
