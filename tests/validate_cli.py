"""`python -m generators validate` on a built folder, as a user runs it: every record re-proven."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def assert_validates(out: Path) -> None:
    """The validate command exits 0 and reports no problems for ``out``."""
    r = subprocess.run(
        [sys.executable, "-m", "generators", "validate", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert r.returncode == 0 and r.stdout.strip().endswith(": 0 problems"), r.stdout[-2000:]
