#!/usr/bin/env bash
# Python packages for Tests/interop and bench/: installed with pip only when not importable,
# so a machine that already has them pays one python start-up.
# pyspark is pinned (4.0.1: the Spark the interop tests target); cryptography wraps PME keys
# like parquet-java's InMemoryKMS; numpy feeds the taxi generator; kubernetes-validate ships the
# Kubernetes JSON schemas (no network at test time) for the `k8s render` tests; requests and PyYAML
# drive CAS and write policies in Tests/adversarial.
set -euo pipefail
PY=${PYTHON:-python3}

# tpchgen-cli (a Rust binary published on PyPI) writes the TPC-H data of Tests/tpch and bench/tpch.
if ! command -v tpchgen-cli >/dev/null 2>&1; then
  echo "pip install tpchgen-cli==4.0.0"
  PIP_BREAK_SYSTEM_PACKAGES=1 PIP_ROOT_USER_ACTION=ignore "$PY" -m pip install --quiet --disable-pip-version-check "tpchgen-cli==4.0.0"
fi

missing=$("$PY" - <<'PY'
import importlib
wanted = [("pyarrow", "pyarrow>=15"), ("duckdb", "duckdb"), ("pyspark", "pyspark==4.0.1"),
          ("pytest", "pytest"), ("cryptography", "cryptography"), ("numpy", "numpy"),
          ("prometheus_client", "prometheus_client"), ("openapi_spec_validator", "openapi-spec-validator"),
          ("pyhpke", "pyhpke"), ("joserfc", "joserfc"), ("requests", "requests"), ("yaml", "PyYAML"),
          ("kubernetes_validate", "kubernetes-validate==1.37.0")]
out = []
for module, spec in wanted:
    try:
        m = importlib.import_module(module)
    except Exception:
        out.append(spec)
        continue
    if "==" in spec and getattr(m, "__version__", None) != spec.split("==")[1]:
        out.append(spec)
    if module == "pyarrow":
        try:
            importlib.import_module("pyarrow.parquet.encryption")
        except Exception:
            out.append(spec)
print(" ".join(dict.fromkeys(out)))
PY
)

if [ -z "$missing" ]; then
  echo "python deps present: $("$PY" -c 'import pyarrow, duckdb, pyspark; print("pyarrow", pyarrow.__version__, "duckdb", duckdb.__version__, "pyspark", pyspark.__version__)')"
  exit 0
fi

echo "pip install $missing"
if ! "$PY" -m pip --version >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-pip
fi
# No venv: CI runs as root on a throwaway machine; PIP_BREAK_SYSTEM_PACKAGES lets Debian's
# system python accept the install (PEP 668) and is ignored elsewhere.
# shellcheck disable=SC2086  # $missing is a list of requirement specs
PIP_BREAK_SYSTEM_PACKAGES=1 PIP_ROOT_USER_ACTION=ignore "$PY" -m pip install --quiet \
  --disable-pip-version-check $missing
