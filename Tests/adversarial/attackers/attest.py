"""A Python workload that attests itself to CAS through the node agent (the agent measures this
python interpreter), opens its configuration and prints everything it obtained as one JSON
object: {"status", "token", "keys", "config"} or {"status", "problem", "detail"} or
{"agent_error"}. Tests then act with these credentials, as malicious code inside an attested
process would. Usage: attest.py CAS_URL CA AGENT_SOCK POLICY SERVICE [JOB_HASH_HEX] [GRANT]"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import srlib  # noqa: E402


def main():
    url, ca, agent, policy, service = sys.argv[1:6]
    job_hash = bytes.fromhex(sys.argv[6]) if len(sys.argv) > 6 and sys.argv[6] else b"\0" * 32
    grant = sys.argv[7] if len(sys.argv) > 7 and sys.argv[7] else None
    cas = srlib.CASHTTP(url, None if ca == "-" else ca)
    try:
        answer, workload = srlib.attest_here(cas, agent, policy, service, job_hash, grant)
    except srlib.AgentRefused as e:
        print(json.dumps({"agent_error": str(e)}))
        return
    if workload is None:
        print(json.dumps({"status": answer.status, "problem": answer.problem, "detail": answer.detail}))
        return
    print(json.dumps({"status": answer.status, "token": workload.token, "keys": workload.keys.to_json(),
                      "config": workload.config}))


main()
