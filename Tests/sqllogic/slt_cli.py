"""Runs the strongroom binary under test."""
import os
import subprocess

import pytest

CLI_TIMEOUT = float(os.environ.get("STRONGROOM_CLI_TIMEOUT", "300"))


def run_strongroom(binary, args):
    try:
        p = subprocess.run([binary, *map(str, args)], capture_output=True, timeout=CLI_TIMEOUT,
                           stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        pytest.fail(f"strongroom query did not finish within {CLI_TIMEOUT:.0f}s (loop or hang?)")
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
