"""nn.functional: the stateless twins of the layers and losses (``import nn.functional as F``).

>>> import autograd as ag, nn.functional as F
>>> F.relu(ag.tensor([-1.0, 1.0]))
tensor([0., 1.])
"""
from nn.functional.activation import (gelu, leaky_relu, log_softmax, prelu, relu, sigmoid, silu,
                                      softmax, softplus, tanh)
from nn.functional.linear import linear
from nn.functional.dropout import dropout
from nn.functional.normalization import batch_norm, layer_norm
from nn.functional.cross_entropy import cross_entropy, nll_loss
from nn.functional.loss import (binary_cross_entropy, binary_cross_entropy_with_logits, huber_loss,
                                kl_div, l1_loss, mse_loss, smooth_l1_loss)
from nn.functional.embedding_loss import (batch_hard_triplet_loss, batch_hard_triplets,
                                          contrastive_loss, cosine_embedding_loss,
                                          info_nce_loss, margin_ranking_loss, pairwise_distance,
                                          triplet_margin_loss)

__all__ = [
    "relu", "leaky_relu", "prelu", "sigmoid", "tanh", "gelu", "silu", "softplus", "softmax",
    "log_softmax", "linear", "dropout", "batch_norm", "layer_norm", "cross_entropy", "nll_loss",
    "mse_loss", "l1_loss", "huber_loss", "smooth_l1_loss", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "kl_div", "pairwise_distance", "contrastive_loss",
    "triplet_margin_loss", "batch_hard_triplets", "batch_hard_triplet_loss",
    "cosine_embedding_loss", "margin_ranking_loss", "info_nce_loss",
]
from nn.functional.conv import conv1d, conv2d, conv_transpose1d, conv_transpose2d
from nn.functional.pooling import adaptive_avg_pool2d, avg_pool2d, max_pool2d
__all__ += ["conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d", "max_pool2d", "avg_pool2d",
            "adaptive_avg_pool2d"]
from nn.functional.conv import conv2d_weight
__all__ += ["conv2d_weight"]
from nn.functional.rnn import lstm
__all__ += ["lstm"]
from nn.functional.embedding import embedding, one_hot
__all__ += ["embedding", "one_hot"]
