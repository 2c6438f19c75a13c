"""optim: optimizers, learning-rate schedules, gradient clipping and early stopping (see README)."""
