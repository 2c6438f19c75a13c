"""``CheckpointError``: what ``nn.load`` raises for a file it cannot read."""
from __future__ import annotations


class CheckpointError(ValueError):
    """A file that ``nn.load`` cannot read: not a checkpoint, truncated or corrupt (the message says
    which, and names the file).

    >>> import os, tempfile, nn
    >>> path = os.path.join(tempfile.mkdtemp(), "notes.txt")
    >>> with open(path, "w") as f:
    ...     _ = f.write("hello")
    >>> try:
    ...     nn.load(path)
    ... except nn.CheckpointError as e:
    ...     print(str(e).split(": ", 1)[1])
    'notes.txt' is not a tapegrad checkpoint (neither a safetensors file nor an .npz archive)
    """
