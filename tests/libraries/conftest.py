"""Tests that run our compositions beside the libraries people copy schedules from.

transformers is pinned in requirements/gpu.txt. The compositions and the scheduler driver
live in tests/snippets and are shared with the snippet tests, which check the snippets
against torch alone.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "snippets"))
