"""nn: modules, layers, losses and initialisation built on autograd (see README)."""
