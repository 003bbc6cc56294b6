"""The strongroom executable under test, as every pytest suite finds it."""
import os

import pytest


def strongroom_binary():
    """$STRONGROOM_BIN, checked to be executable; the calling tests are skipped when it is unset
    (scripts/test.sh sets it to the release build)."""
    binary = os.environ.get("STRONGROOM_BIN")
    if not binary:
        pytest.skip("STRONGROOM_BIN is not set (scripts/test.sh sets it to the release build of strongroom)")
    assert os.access(binary, os.X_OK), f"STRONGROOM_BIN={binary} is not an executable file"
    return binary
