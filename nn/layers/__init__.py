"""The layers: one file per family (linear, activation, dropout, normalization, mlp, conv,
pooling, embedding, rnn_cells, rnn_base, rnn)."""
