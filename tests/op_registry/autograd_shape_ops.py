"""Registry entries for autograd's shape, indexing and linear-algebra ops."""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd as ag
from autograd.testing import arrays, broadcastable_shapes, index_expressions
from tests.op_registry import torch_adapters as ta
from tests.op_registry.cases import any_shape, one_array, same_but_axis
from tests.op_registry.spec import OpSpec
from tests.op_registry.torch_adapters import T

V = dict(low=-2.0, high=2.0, avoid=())


# -- case strategies that need more than one array of a drawn shape ---------------------------

@st.composite
def reshaped(draw):
    s = draw(any_shape())
    n = int(np.prod(s, dtype=np.int64))
    targets = [(n,), (-1,), tuple(reversed(s)), (1,) + s + (1,), s[:1] + (-1,) if s else ()]
    return [draw(arrays(s, **V))], {"shape": draw(st.sampled_from(targets))}


@st.composite
def with_axes(draw, min_dims=1, what="permutation"):
    s = draw(any_shape(min_dims=min_dims))
    nd = len(s)
    if what == "permutation":
        kw = {"axes": tuple(draw(st.permutations(range(nd))))}
    elif what == "pair":
        kw = {"a": draw(st.integers(-nd, nd - 1)), "b": draw(st.integers(-nd, nd - 1))}
    elif what == "flatten":
        a, b = sorted(draw(st.lists(st.integers(0, nd - 1), min_size=2, max_size=2)))
        kw = {"start_dim": a, "end_dim": b - nd if draw(st.booleans()) else b}
    elif what == "unsqueeze":
        kw = {"dim": draw(st.integers(-nd - 1, nd))}
    else:  # flip: None, an int or a tuple of distinct axes
        kw = {"axis": draw(st.one_of(st.none(), st.integers(-nd, nd - 1),
                                     st.lists(st.integers(0, nd - 1), min_size=1, unique=True).map(tuple)))}
    return [draw(arrays(s, **V))], kw


@st.composite
def broadcast_target(draw, minus_one=False):
    a, b = draw(broadcastable_shapes())
    shape = np.broadcast_shapes(a, b)
    if minus_one:  # NOTE: PyTorch's expand: -1 keeps the input's size
        lead = len(shape) - len(a)
        shape = tuple(-1 if i >= lead and a[i - lead] == n and draw(st.booleans()) else n
                      for i, n in enumerate(shape))
    return [draw(arrays(a, **V))], {"shape": shape}


@st.composite
def squeezable(draw):
    s = draw(hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=3))
    ones = [i for i, n in enumerate(s) if n == 1]
    axis = draw(st.one_of(st.none(), st.sampled_from(ones))) if ones else None
    return [draw(arrays(s, **V))], {"axis": axis}


@st.composite
def split_case(draw, chunks=False):
    s = draw(any_shape(min_dims=1))
    axis = draw(st.integers(-len(s), len(s) - 1))
    n = s[axis]
    if chunks:
        kw = {"chunks": draw(st.integers(1, 4)), "axis": axis}
    elif draw(st.booleans()):
        kw = {"split": draw(st.integers(1, n + 1)), "axis": axis}
    else:
        cut = sorted(draw(st.lists(st.integers(0, n), min_size=1, max_size=3)))
        kw = {"split": [b - a for a, b in zip([0] + cut, cut + [n])], "axis": axis}
    return [draw(arrays(s, **V))], kw


@st.composite
def padded(draw):
    s = draw(any_shape(min_dims=1))
    width = tuple(tuple(draw(st.lists(st.integers(0, 2), min_size=2, max_size=2))) for _ in s)
    return [draw(arrays(s, **V))], {"pad_width": width, "value": draw(st.sampled_from([0.0, 1.5]))}


@st.composite
def tiled(draw, torch_repeat=False):
    s = draw(any_shape())
    k = draw(st.integers(len(s) if torch_repeat else 1, len(s) + 1)) if s or not torch_repeat else 1
    return [draw(arrays(s, **V))], {"reps": tuple(draw(st.lists(st.integers(1, 3), min_size=k, max_size=k)))}


@st.composite
def indexed(draw):
    s = draw(any_shape(min_dims=0))
    return [draw(arrays(s, **V))], {"index": draw(index_expressions(s))}


@st.composite
def repeated_int_index(draw):
    s = draw(any_shape(min_dims=1))
    n = s[0]
    idx = draw(st.lists(st.integers(-n, n - 1), min_size=2, max_size=6))
    idx = np.asarray(idx + [idx[0]])  # NOTE: a repeat for sure, so gradients must accumulate
    return [draw(arrays(s, **V))], {"index": idx}


@st.composite
def ints_and_arrays(draw):
    """An index mixing integers with a list (PyTorch's rule: the integers select first)."""
    s = draw(hnp.array_shapes(min_dims=3, max_dims=3, min_side=1, max_side=3))
    i = draw(st.integers(-s[0], s[0] - 1))
    cols = draw(st.lists(st.integers(-s[2], s[2] - 1), min_size=1, max_size=3))
    index = draw(st.sampled_from([(i, slice(None), cols), (i, Ellipsis, cols), (None, i, slice(None), cols)]))
    return [draw(arrays(s, **V))], {"index": index}


def _torch_index(x, index):
    return x[tuple(T.tensor(it) if isinstance(it, list) else it for it in index)]


@st.composite
def assigned(draw):
    """x, v and an index without repeated positions (with repeats numpy keeps the last write)."""
    s = draw(any_shape(min_dims=1))
    kind = draw(st.sampled_from(["basic", "mask", "ints"]))
    if kind == "basic":
        idx = draw(hnp.basic_indices(s, allow_newaxis=False, allow_ellipsis=True))
    elif kind == "mask":
        idx = draw(hnp.arrays(np.bool_, s))
    else:
        pos = draw(st.lists(st.integers(0, s[0] - 1), min_size=1, max_size=s[0], unique=True))
        idx = np.asarray([p - s[0] if draw(st.booleans()) else p for p in pos])
    target = np.zeros(s)[idx].shape
    vshape = draw(st.sampled_from([target, target[-1:], ()]))
    return [draw(arrays(s, **V)), draw(arrays(vshape, **V))], {"index": idx}


def _assign(x, v, index):
    y = x * 1.0  # NOTE: a non-leaf, so x[index] = v is recorded as SetItem
    y[index] = v
    return y


@st.composite
def matmul_case(draw):
    kind = draw(st.sampled_from(["1d1d", "2d1d", "1d2d", "2d2d", "batched"]))
    n, k, m = (draw(st.integers(1, 4)) for _ in range(3))
    if kind == "batched":
        ba, bb = draw(broadcastable_shapes(max_dims=2))
        sa, sb = ba + (n, k), bb + (k, m)
        if draw(st.booleans()):
            sb = (k,) if draw(st.booleans()) else sb
    else:
        sa = {"1d1d": (k,), "2d1d": (n, k), "1d2d": (k,), "2d2d": (n, k)}[kind]
        sb = {"1d1d": (k,), "2d1d": (k,), "1d2d": (k, m), "2d2d": (k, m)}[kind]
    return [draw(arrays(sa, **V)), draw(arrays(sb, **V))], {}


EINSUM = [  # (subscripts, operand shapes)
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ii->i", [(3, 3)]),                      # diagonal
    ("ii->", [(3, 3)]),                       # trace
    ("ij->ji", [(2, 3)]),
    ("ij->", [(2, 3)]),
    ("i,i->", [(4,), (4,)]),
    ("ij,jk->i", [(2, 3), (3, 4)]),           # k appears in one operand only
    ("bij,bjk->bik", [(2, 2, 3), (2, 3, 2)]),
    ("...ij,...jk->...ik", [(2, 1, 2, 3), (3, 3, 2)]),  # broadcasting batch axes through '...'
    ("ij,jk,kl->il", [(2, 3), (3, 2), (2, 2)]),
    ("i,j->ij", [(3,), (2,)]),
]


@st.composite
def einsum_case(draw):
    spec, shps = draw(st.sampled_from(EINSUM))
    return [draw(arrays(s, **V)) for s in shps], {"subscripts": spec}


@st.composite
def vectors(draw, same=True):
    n = draw(st.integers(1, 5))
    m = n if same else draw(st.integers(1, 5))
    return [draw(arrays((n,), **V)), draw(arrays((m,), **V))], {}


@st.composite
def scatter_case(draw):
    s = draw(any_shape(min_dims=1))
    n = s[0]
    idx = np.asarray(draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=5)))
    return [draw(arrays(np.zeros(s)[idx].shape, **V))], {"shape": s, "index": idx}


SPECS = [
    OpSpec("reshape", lambda x, shape: ag.reshape(x, shape), reshaped(), lambda x, shape: x.reshape(shape)),
    OpSpec("flatten", lambda x, start_dim, end_dim: ag.flatten(x, start_dim, end_dim),
           with_axes(what="flatten"), lambda x, start_dim, end_dim: T.flatten(x, start_dim, end_dim)),
    OpSpec("transpose_reverse", lambda x: ag.transpose(x), one_array(**V),
           lambda x: x.permute(tuple(reversed(range(x.dim()))))),
    OpSpec("permute", lambda x, axes: ag.permute(x, axes), with_axes(), lambda x, axes: x.permute(axes)),
    OpSpec("swapaxes", lambda x, a, b: ag.swapaxes(x, a, b), with_axes(what="pair"),
           lambda x, a, b: T.swapaxes(x, a, b)),
    OpSpec("moveaxis", lambda x, a, b: ag.moveaxis(x, a, b), with_axes(what="pair"),
           lambda x, a, b: T.movedim(x, a, b)),
    OpSpec("matrix_T", lambda x: x.T, one_array(shape=any_shape(min_dims=2, max_dims=2), **V), lambda x: x.T),
    OpSpec("broadcast_to", lambda x, shape: ag.broadcast_to(x, shape), broadcast_target(),
           lambda x, shape: T.broadcast_to(x, shape)),
    OpSpec("expand", lambda x, shape: ag.expand(x, *shape), broadcast_target(minus_one=True),
           lambda x, shape: x.expand(tuple(shape))),
    OpSpec("squeeze", lambda x, axis: ag.squeeze(x, axis), squeezable(),
           lambda x, axis: x.squeeze() if axis is None else x.squeeze(axis)),
    OpSpec("unsqueeze", lambda x, dim: ag.unsqueeze(x, dim), with_axes(min_dims=0, what="unsqueeze"),
           lambda x, dim: x.unsqueeze(dim)),
    OpSpec("cat", lambda *xs, axis: ag.cat(xs, axis=axis), same_but_axis(), ta.cat),
    OpSpec("stack", lambda *xs, axis: ag.stack(xs, axis=axis), same_but_axis(stack=True), ta.stack),
    OpSpec("split", lambda x, split, axis: tuple(ag.split(x, split, axis)), split_case(),
           lambda x, split, axis: T.split(x, split, axis)),
    OpSpec("chunk", lambda x, chunks, axis: tuple(ag.chunk(x, chunks, axis)), split_case(chunks=True),
           lambda x, chunks, axis: T.chunk(x, chunks, axis)),
    OpSpec("pad", lambda x, pad_width, value: ag.pad(x, pad_width, value), padded(), ta.pad),
    OpSpec("tile", lambda x, reps: ag.tile(x, reps), tiled(), lambda x, reps: T.tile(x, reps)),
    OpSpec("repeat", lambda x, reps: x.repeat(*reps), tiled(torch_repeat=True), lambda x, reps: x.repeat(*reps)),
    OpSpec("flip", lambda x, axis: ag.flip(x, axis), with_axes(what="flip"), ta.flip),
    OpSpec("getitem", lambda x, index: x[index], indexed(), ta.take),
    OpSpec("getitem_repeated_int_array", lambda x, index: x[index], repeated_int_index(), ta.take),
    OpSpec("getitem_ints_and_arrays", lambda x, index: x[index], ints_and_arrays(), _torch_index),
    OpSpec("setitem_on_non_leaf", _assign, assigned(), ta.put),
    OpSpec("scatter_add", lambda g, shape, index: ag.scatter_add(shape, index, g), scatter_case(),
           lambda g, shape, index: T.zeros(shape, dtype=g.dtype).index_add(0, T.from_numpy(index % shape[0]), g)),
    OpSpec("matmul", ag.matmul, matmul_case(), T.matmul),
    OpSpec("matmul_operator", lambda a, b: a @ b, matmul_case(), lambda a, b: a @ b),
    OpSpec("dot", ag.dot, vectors(), T.dot),
    OpSpec("outer", ag.outer, vectors(same=False), T.outer),
    OpSpec("einsum", lambda *xs, subscripts: ag.einsum(subscripts, *xs), einsum_case(),
           lambda *xs, subscripts: T.einsum(subscripts, *xs)),
]
