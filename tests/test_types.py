"""The search and index packages type-check under mypy --strict (pyproject.toml's [tool.mypy]): the backend
interface is a Protocol, and a backend that drifts from it fails here, not at a user's question."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_search_and_index_packages_type_check() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy", "src/confqa/search", "src/confqa/index"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success" in result.stdout
