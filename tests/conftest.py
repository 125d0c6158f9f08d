"""Shared test configuration: kept light, the browser fixtures live in tests/browser/conftest.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]

try:
    from hypothesis import settings
except ImportError:  # hypothesis comes with requirements-dev.txt; unit tests may run without it
    settings = None

if settings is not None:
    # The machine has 2 cores shared with Streamlit and Chromium during a full run, so
    # Hypothesis' 200 ms per-example deadline would make timing, not maths, fail a test.
    settings.register_profile("dev", deadline=None)
    # CI: the same examples every run, and the reproduction blob printed on failure.
    settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
    in_ci = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if in_ci else "dev"))


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository root (where app.py lives)."""
    return REPO_ROOT
