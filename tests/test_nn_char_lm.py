"""A character-level LSTM language model (Embedding -> LSTM -> Linear) trained on a slice of
``pydoc_data.topics`` (English text that ships with Python) beats the unigram baseline's bits per
character on held-out text by a clear margin."""
import numpy as np

import autograd as ag
import nn
import nn.functional as F
import optim

TRAIN, HELD_OUT, SEQ, BATCH, STEPS = 40_000, 5_000, 32, 32, 400


def _text():
    import pydoc_data.topics as topics
    text = "".join(topics.topics[k] for k in sorted(topics.topics))
    return text[:TRAIN], text[-HELD_OUT:]  # NOTE: the held-out text is from the other end


class CharLM(nn.Module):
    def __init__(self, vocab):
        super().__init__()
        self.embed, self.lstm, self.head = nn.Embedding(vocab, 16), nn.LSTM(16, 64), nn.Linear(64, vocab)

    def forward(self, idx):  # idx (T, B) -> logits (T, B, vocab)
        return self.head(self.lstm(self.embed(idx))[0])


def _bits_per_char(logits, targets):
    return float(F.cross_entropy(logits.reshape(-1, logits.shape[-1]), ag.tensor(targets.reshape(-1)))
                 .numpy()) / np.log(2)


def test_char_lstm_beats_the_unigram_baseline_on_held_out_text():
    train, held = _text()
    chars = sorted(set(train))
    code = {c: i for i, c in enumerate(chars)}
    unknown = len(chars)  # NOTE: a held-out character never seen in training gets its own index
    tr = np.array([code[c] for c in train])
    te = np.array([code.get(c, unknown) for c in held])
    V = unknown + 1

    counts = np.bincount(tr, minlength=V) + 1.0  # add-one smoothing
    unigram_bpc = float(-np.log2(counts / counts.sum())[te].mean())

    ag.manual_seed(0)
    rng = np.random.default_rng(0)
    model = CharLM(V)
    opt = optim.Adam(model.parameters(), lr=0.01)
    for _ in range(STEPS):
        starts = rng.integers(0, len(tr) - SEQ - 1, size=BATCH)
        window = np.stack([tr[s:s + SEQ + 1] for s in starts], axis=1)  # (SEQ + 1, BATCH)
        logits = model(ag.tensor(window[:-1]))
        loss = F.cross_entropy(logits.reshape(-1, V), ag.tensor(window[1:].reshape(-1)))
        opt.zero_grad()
        loss.backward()
        optim.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()

    with ag.no_grad():
        lstm_bpc = _bits_per_char(model(ag.tensor(te[:-1, None])), te[1:])
    print(f"held-out bits per character: unigram {unigram_bpc:.2f}, LSTM {lstm_bpc:.2f}")
    assert lstm_bpc <= unigram_bpc - 0.5, (lstm_bpc, unigram_bpc)
