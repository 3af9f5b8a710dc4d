"""Tests that run our compositions beside the libraries people copy schedules from.

They need transformers (pinned in requirements.txt), so they live outside tests/snippets,
which the GPU machine runs with torch, matplotlib and pytest only. The compositions and the
scheduler driver are shared with the snippet tests.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "snippets"))
