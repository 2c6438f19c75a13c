"""The layers: one file per family (linear, activation, dropout, normalization, mlp)."""
