import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pytest  # noqa: E402

from harness import CentralSystem  # noqa: E402


@pytest.fixture
def home():
    """One Central System named home, stopped after the test."""
    central = CentralSystem("home")
    yield central
    central.stop()
