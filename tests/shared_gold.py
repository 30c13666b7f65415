"""Where the shared gold set lives: ``shared/`` beside the repository, found relative to this file.

Tests that need it are marked ``needs_shared``: in a clone without ``../shared`` they skip, saying why.
"""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = (Path(__file__).resolve().parents[1] / ".." / "shared").resolve()
GOLD = SHARED / "gold"
SCORER = GOLD / "score.py"

needs_shared = pytest.mark.skipif(
    not SCORER.is_file(), reason=f"the shared gold set and its scorer are not beside the repository ({SCORER})"
)
