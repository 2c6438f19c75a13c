"""``RNNCell``, ``LSTMCell``, ``GRUCell``: one step of a recurrent cell, PyTorch's names and layouts."""
from __future__ import annotations

import math
from typing import Any, Optional

import autograd as ag
from autograd import Tensor
from nn import init
from nn.functional.rnn_cells import CELLS, cell
from nn.module import Module
from nn.parameter import Parameter


class RecurrentModule(Module):
    """What every recurrent layer and cell shares: PyTorch's init and the name its errors give."""

    input_size: int
    hidden_size: int

    def reset_parameters(self) -> None:
        """Redraw every weight and bias from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
        bound = 1 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            init.uniform_(p, -bound, bound)

    def _who(self) -> str:
        return f"{type(self).__name__}(input_size={self.input_size}, hidden_size={self.hidden_size})"


class _CellBase(RecurrentModule):
    """Parameters ``weight_ih`` (G*H, I), ``weight_hh`` (G*H, H), ``bias_ih``, ``bias_hh`` (G*H,),
    drawn from U(-1/sqrt(H), 1/sqrt(H)); input (B, I) or unbatched (I,)."""

    # registered in __init__ by name, None when bias=False (declared for the type checker)
    bias_ih: Optional[Parameter]
    bias_hh: Optional[Parameter]

    def __init__(self, mode: str, input_size: int, hidden_size: int, bias: bool, dtype: Any) -> None:
        super().__init__()
        self.mode, self.bias = mode, bool(bias)
        self.input_size, self.hidden_size = int(input_size), int(hidden_size)
        if self.input_size <= 0 or self.hidden_size <= 0:
            raise ValueError(f"{self._who()}: input_size and hidden_size must be positive")
        G, H = CELLS[mode][0], self.hidden_size
        self.weight_ih = Parameter(ag.zeros(G * H, self.input_size, dtype=dtype))
        self.weight_hh = Parameter(ag.zeros(G * H, H, dtype=dtype))
        for name in ("bias_ih", "bias_hh"):
            if bias:
                setattr(self, name, Parameter(ag.zeros(G * H, dtype=dtype)))
            else:
                self.register_parameter(name, None)
        self.reset_parameters()

    def _step(self, input: Tensor, hx: Any) -> Any:
        if not isinstance(input, Tensor) or input.ndim not in (1, 2):
            got = (f"{input.ndim}D input of shape {input.shape}" if isinstance(input, Tensor)
                   else type(input).__name__)
            raise ValueError(f"{self._who()}: expected input of shape (batch, input_size) or "
                             f"(input_size,), got {got}")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"{self._who()}: input.shape[-1] must equal input_size={self.input_size}, "
                               f"got input of shape {input.shape}")
        batched = input.ndim == 2
        want = (input.shape[0], self.hidden_size) if batched else (self.hidden_size,)
        lstm = self.mode == "LSTM"
        if hx is None:
            z: Any = ag.zeros(*want, dtype=input.dtype)  # NOTE: Any (typing): hx is z or (z, z)
            hx = (z, z) if lstm else z
        elif lstm and not (isinstance(hx, (tuple, list)) and len(hx) == 2):
            raise TypeError(f"{self._who()}: hx must be a tuple (h, c) of Tensors of shape {want}, "
                            f"got {type(hx).__name__}")
        elif not lstm and not isinstance(hx, Tensor):
            raise TypeError(f"{self._who()}: hx must be a Tensor of shape {want}, got {type(hx).__name__}")
        for name, s in zip(("h", "c"), hx if lstm else (hx,)):
            if not isinstance(s, Tensor) or tuple(s.shape) != want:
                raise RuntimeError(f"{self._who()}: expected {name} of shape {want} for input of shape "
                                   f"{input.shape}, got {getattr(s, 'shape', type(s).__name__)}")
        if not batched:
            input = input.unsqueeze(0)
            hx = tuple(s.unsqueeze(0) for s in hx) if lstm else hx.unsqueeze(0)
        out: Any = cell(self.mode, input, hx, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        if not batched:
            out = tuple(s[0] for s in out) if lstm else out[0]
        return out

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}" + ("" if self.bias else ", bias=False")


class RNNCell(_CellBase):
    """One Elman RNN step, PyTorch's ``nn.RNNCell``: h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh).

    >>> import autograd as ag, nn
    >>> nn.RNNCell(3, 4, nonlinearity="relu")(ag.randn(2, 3)).shape
    (2, 4)
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", dtype: Any = ag.float32) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNNCell: nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        self.nonlinearity = nonlinearity
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size, hidden_size,
                         bias, dtype)

    def forward(self, input: Tensor, hx: Optional[Tensor] = None) -> Tensor:
        """h' from input (B, I) and h (B, H) (zeros when omitted)."""
        return self._step(input, hx)


class LSTMCell(_CellBase):
    """One LSTM step, PyTorch's ``nn.LSTMCell``, gates (i, f, g, o); returns ``(h', c')``.

    >>> import autograd as ag, nn
    >>> h, c = nn.LSTMCell(3, 4)(ag.randn(2, 3))
    >>> h.shape, c.shape
    ((2, 4), (2, 4))
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, dtype: Any = ag.float32) -> None:
        super().__init__("LSTM", input_size, hidden_size, bias, dtype)

    def forward(self, input: Tensor, hx: Optional[tuple] = None) -> tuple:
        """(h', c') from input (B, I) and hx = (h, c) of shape (B, H) each (zeros when omitted)."""
        return self._step(input, hx)


class GRUCell(_CellBase):
    """One GRU step, PyTorch's ``nn.GRUCell``, gates (r, z, n): h' = (1 - z) n + z h.

    >>> import autograd as ag, nn
    >>> nn.GRUCell(3, 4)(ag.randn(3), ag.zeros(4)).shape
    (4,)
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, dtype: Any = ag.float32) -> None:
        super().__init__("GRU", input_size, hidden_size, bias, dtype)

    def forward(self, input: Tensor, hx: Optional[Tensor] = None) -> Tensor:
        """h' from input (B, I) and h (B, H) (zeros when omitted)."""
        return self._step(input, hx)
