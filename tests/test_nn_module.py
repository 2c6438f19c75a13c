"""nn.Module: registration, tree walking, modes, gradients, printing and the containers."""
import numpy as np
import pytest

import autograd as ag
import nn
from autograd.function import scope_stack


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 4)
        self.bn = nn.BatchNorm1d(4)
        self.scale = nn.Parameter(ag.ones(4))
        self.register_buffer("steps", ag.zeros(1))
        self.register_buffer("cache", ag.zeros(2), persistent=False)

    def forward(self, x):
        return self.bn(self.fc(x)) * self.scale


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer1 = nn.Sequential(Block(), nn.ReLU())
        self.head = nn.Linear(4, 2)

    def forward(self, x):
        return self.head(self.layer1(x))


def test_named_parameters_have_dotted_pytorch_style_names_in_registration_order():
    names = [n for n, _ in Net().named_parameters()]
    assert names == ["layer1.0.scale", "layer1.0.fc.weight", "layer1.0.fc.bias", "layer1.0.bn.weight",
                     "layer1.0.bn.bias", "head.weight", "head.bias"]


def test_state_dict_keys_include_persistent_buffers_only():
    keys = list(Net().state_dict())
    assert "layer1.0.bn.running_mean" in keys and "layer1.0.steps" in keys
    assert "layer1.0.cache" not in keys
    assert keys[:3] == ["layer1.0.scale", "layer1.0.steps", "layer1.0.fc.weight"]


def test_buffers_are_not_parameters():
    b = Block()
    assert {id(t) for t in b.buffers()}.isdisjoint({id(p) for p in b.parameters()})
    assert [n for n, _ in b.named_buffers()] == ["steps", "cache", "bn.running_mean", "bn.running_var",
                                                 "bn.num_batches_tracked"]


def test_parameters_without_recurse_are_the_module_own_only():
    assert [n for n, _ in Block().named_parameters(recurse=False)] == ["scale"]
    assert [n for n, _ in Block().named_buffers(recurse=False)] == ["steps", "cache"]


def test_shared_parameter_is_listed_once():
    lin = nn.Linear(2, 2)
    seq = nn.Sequential(lin, nn.ReLU(), lin)
    assert len(list(seq.parameters())) == 2


def test_children_and_modules_walk_the_tree():
    net = Net()
    assert [type(m).__name__ for m in net.children()] == ["Sequential", "Linear"]
    assert [n for n, _ in net.named_modules()] == ["", "layer1", "layer1.0", "layer1.0.fc", "layer1.0.bn",
                                                   "layer1.1", "head"]


def test_train_and_eval_set_the_flag_on_every_submodule():
    net = Net().eval()
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())


def test_zero_grad_sets_grads_to_none_by_default_and_to_zero_when_asked():
    net = Net()
    net(ag.randn(5, 3)).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad(set_to_none=False)
    assert all(np.all(p.grad.data == 0) for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_apply_visits_children_before_parent():
    seen = []
    Net().apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "BatchNorm1d", "Block", "ReLU", "Sequential", "Linear", "Net"]


def test_call_pushes_the_module_on_the_scope_stack_so_nodes_record_it():
    lin = nn.Linear(2, 2)
    y = lin(ag.randn(1, 2))
    assert y.grad_fn.scope is lin
    assert scope_stack == []


def test_scope_stack_is_popped_when_forward_raises():
    with pytest.raises(ValueError):
        nn.Linear(2, 2)(ag.randn(1, 3))
    assert scope_stack == []


def test_num_parameters_counts_scalars_and_can_skip_frozen_ones():
    net = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
    assert net.num_parameters() == 3 * 4 + 4 + 4 * 2 + 2
    net[0].requires_grad_(False)
    assert net.num_parameters(trainable_only=True) == 4 * 2 + 2


def test_repr_is_nested_and_shows_layer_sizes():
    text = repr(nn.Sequential(nn.Linear(3, 4), nn.Sequential(nn.ReLU(), nn.Dropout(0.2))))
    assert text == ("Sequential(\n"
                    "  (0): Linear(in_features=3, out_features=4, bias=True)\n"
                    "  (1): Sequential(\n"
                    "    (0): ReLU()\n"
                    "    (1): Dropout(p=0.2)\n"
                    "  )\n"
                    ")")


def test_repr_puts_extra_repr_on_its_own_line_when_there_are_children():
    class Scaled(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(2, 2)

        def extra_repr(self):
            return "scale=3"

    assert repr(Scaled()) == "Scaled(\n  scale=3\n  (fc): Linear(in_features=2, out_features=2, bias=True)\n)"


def test_assigning_before_super_init_raises_a_clear_error():
    class Broken(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(ag.ones(1))

    with pytest.raises(AttributeError, match="super\\(\\).__init__"):
        Broken()


def test_assigning_a_plain_tensor_to_a_parameter_name_is_refused():
    lin = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="Linear.weight is a parameter"):
        lin.weight = ag.zeros(2, 2)
    assert isinstance(lin.weight, nn.Parameter)


def test_bias_false_registers_a_none_parameter_that_is_not_listed():
    lin = nn.Linear(2, 3, bias=False)
    assert lin.bias is None
    assert [n for n, _ in lin.named_parameters()] == ["weight"]


def test_deleting_an_attribute_unregisters_it():
    b = Block()
    del b.scale
    assert "scale" not in dict(b.named_parameters())


def test_to_double_casts_parameters_and_buffers_in_place():
    b = Block()
    w = b.fc.weight
    b.double()
    assert b.fc.weight is w and w.dtype == np.float64
    assert b.bn.running_mean.dtype == np.float64
    assert b.bn.num_batches_tracked.dtype == np.int64


def test_parameter_requires_grad_and_is_a_leaf():
    p = nn.Parameter(np.zeros(3))
    assert p.requires_grad and p.is_leaf and p.dtype == np.float64


# -- containers --------------------------------------------------------------------------------

def test_sequential_applies_modules_in_order():
    seq = nn.Sequential(nn.Linear(2, 2), nn.ReLU())
    x = ag.randn(3, 2)
    expected = np.maximum(x.data @ seq[0].weight.data.T + seq[0].bias.data, 0)
    np.testing.assert_allclose(seq(x).data, expected, rtol=1e-6)


def test_sequential_from_ordered_dict_uses_its_names():
    from collections import OrderedDict
    seq = nn.Sequential(OrderedDict([("fc", nn.Linear(2, 2)), ("act", nn.ReLU())]))
    assert list(seq.state_dict()) == ["fc.weight", "fc.bias"]


def test_sequential_slicing_and_append():
    seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    head = seq[:2]
    assert isinstance(head, nn.Sequential) and len(head) == 2 and head[0] is seq[0]
    seq.append(nn.Sigmoid())
    assert len(seq) == 4 and isinstance(seq[-1], nn.Sigmoid)


def test_sequential_rejects_non_modules():
    with pytest.raises(TypeError, match="item 1 is a function"):
        nn.Sequential(nn.ReLU(), lambda x: x)


def test_module_list_registers_and_renumbers():
    ml = nn.ModuleList([nn.Linear(1, 1), nn.Linear(1, 2)])
    ml.insert(0, nn.Linear(1, 3))
    assert [m.out_features for m in ml] == [3, 1, 2]
    assert list(ml.state_dict())[:2] == ["0.weight", "0.bias"]
    del ml[0]
    assert [m.out_features for m in ml] == [1, 2] and len(list(ml.parameters())) == 4


def test_module_dict_registers_under_its_keys():
    md = nn.ModuleDict({"a": nn.Linear(1, 1)})
    md["b"] = nn.Linear(1, 2)
    assert "b" in md and len(md) == 2
    assert [n for n, _ in md.named_parameters()] == ["a.weight", "a.bias", "b.weight", "b.bias"]
    with pytest.raises(KeyError, match="no module 'c'"):
        md["c"]
