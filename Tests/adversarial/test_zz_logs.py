"""T-LEAK: after every attack of the session, no secret value, data key or unseal share that the
tests handled appears in any log CAS or the node agent wrote (runs last: files run in name order)."""
from pathlib import Path

import pytest

from conftest import WATCHED_SECRETS, leak_forms


def test_T_LEAK_01_no_secret_in_cas_or_agent_logs(root):
    logs = sorted(Path(root).rglob("*.log"))
    if not WATCHED_SECRETS:
        pytest.skip("no attack ran in this session")
    assert logs, "the CAS and agent logs of this session"
    for log in logs:
        text = log.read_bytes().decode("latin-1")
        for secret in WATCHED_SECRETS:
            for form in leak_forms(secret):
                if len(form) >= 12:
                    assert form not in text, f"{log}: contains secret material {form[:10]}…"
