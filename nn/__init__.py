"""nn: modules, layers, losses and initialisation built on autograd.

>>> import autograd as ag, nn
>>> net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
>>> loss = nn.CrossEntropyLoss()(net(ag.randn(3, 4)), ag.tensor([0, 1, 1]))
>>> loss.backward()
>>> net[0].weight.grad.shape
(8, 4)
"""
from nn.parameter import Parameter
from nn.module import Module
from nn.state import StateDictError
from nn.containers import ModuleDict, ModuleList, Sequential
from nn import init
from nn import functional
from nn.layers.linear import Flatten, Identity, Linear
from nn.layers.activation import (GELU, LeakyReLU, LogSoftmax, PReLU, ReLU, SiLU, Sigmoid, Softmax,
                                  Softplus, Swish, Tanh)
from nn.layers.dropout import Dropout
from nn.layers.normalization import BatchNorm1d, BatchNorm2d, LayerNorm
from nn.layers.mlp import MLP
from nn.losses import (BatchHardTripletLoss, BCELoss, BCEWithLogitsLoss, ContrastiveLoss,
                       CosineEmbeddingLoss, CrossEntropyLoss, HuberLoss, InfoNCELoss, KLDivLoss,
                       L1Loss, MarginRankingLoss, MSELoss, NLLLoss, NTXentLoss, SmoothL1Loss,
                       TripletMarginLoss)
from nn.regularization import weight_decay
from nn.serialization import load, save
from nn import data
from nn.training import Checkpoint, History, evaluate, fit, metrics
from nn.layers.conv import Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d
from nn.layers.pooling import AdaptiveAvgPool2d, AvgPool2d, MaxPool2d
from nn import models
from nn.layers.rnn import GRU, LSTM, RNN
from nn.layers.rnn_cells import GRUCell, LSTMCell, RNNCell
from nn.layers.embedding import Embedding
