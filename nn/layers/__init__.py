"""The layers, one file per family: linear, activation, dropout, normalization, mlp, conv, pooling, rnn.

Use them through ``nn`` (``nn.Linear``, ``nn.Conv2d``, ...); this package exports nothing itself.
"""

__all__: list = []
