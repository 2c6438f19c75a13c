"""The layers, one file per family: linear, activation, dropout, normalization, mlp, conv, pooling,
embedding, rnn_cells, rnn_base, rnn, attention, transformer_layers, transformer, positional.

Use them through ``nn`` (``nn.Linear``, ``nn.Conv2d``, ...); this package exports nothing itself.
"""

__all__: list = []
