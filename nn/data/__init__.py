"""nn.data: datasets, the DataLoader, bundled datasets and augmentations (like ``torch.utils.data``).

>>> import numpy as np
>>> from nn.data import DataLoader
>>> xb, yb = next(iter(DataLoader((np.ones((4, 3), np.float32), np.arange(4)), batch_size=4)))
>>> xb.shape, yb.shape
((4, 3), (4,))
"""
from nn.data.dataset import Dataset, Subset, TensorDataset, random_split
from nn.data.dataloader import DataLoader, default_collate
from nn.data import datasets, transforms

__all__ = ["Dataset", "TensorDataset", "Subset", "random_split", "DataLoader", "default_collate",
           "datasets", "transforms"]
