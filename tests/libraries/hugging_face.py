"""Hugging Face transformers' schedule functions, imported offline.

HF_HUB_OFFLINE=1: no test may touch the network. Importing transformers 5.24.0 this way emits
no warning (the suite's filterwarnings = error would fail on one).
"""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from transformers import optimization as hf  # noqa: E402

__all__ = ["hf"]
