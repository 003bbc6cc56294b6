#!/usr/bin/env python3
"""Checks the package's target graph against the layers of ARCHITECTURE.md and fails naming the
offending edge: every dependency (in Package.swift, and every `import` in Sources/<target>) must
point to a lower layer; the engine never reaches the service stack; nothing but the executable
depends on the CLI. Moves still pending are listed in PENDING with the issue that removes them.

    python3 scripts/check-graph.py            # exit 0, or 1 with one line per offending edge
    python3 scripts/check-graph.py --self-test  # the check finds an injected forbidden edge
"""
import json
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# Lower layers first; a target may depend only on targets of lower layers.
LAYERS = [
    ["Support", "COpenSSL", "CSnappy", "CZstd", "CLZ4", "CZlib", "CBrotli", "CSQLite", "CStrongroomProcess", "SharedVectors", "StrictYAML"],
    ["Columnar", "SQLParser", "SQLStorage"],
    ["StrongroomCrypto", "RowText"],
    ["ParquetCodecs", "QueryKernels"],
    ["Parquet"],
    ["Query"],
    ["AlwaysEncrypted", "Attestation", "Kubernetes"],
    ["Policy", "Agent"],
    ["CASCore", "FuzzTargets"],
    ["CASStorage", "CASClient"],
    ["EncryptedTables", "CASServer", "Runtime"],
    ["Session", "Spark"],
    ["StrongroomCLI"],
    ["strongroom", "strongroom-fuzz", "strongroom-bench"],
]
ENGINE = {"Columnar", "RowText", "SQLParser", "StrongroomCrypto", "ParquetCodecs", "QueryKernels", "Parquet", "Query"}
SERVICE = {"Attestation", "Policy", "CASCore", "CASStorage", "CASServer", "CASClient", "Agent", "Runtime", "Kubernetes"}
# Edges the layers allow but the architecture does not want, kept until the named issue moves them.
PENDING = {
}
# Modules of the toolchain and the system every target may import.
SYSTEM = {"Foundation", "FoundationEssentials", "Glibc", "Dispatch", "Synchronization", "Darwin", "Testing", "XCTest", "os"}


def package():
    out = subprocess.run(["swift", "package", "dump-package"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def dependencies(target):
    """(target names, product module names) a target declares."""
    targets, modules = [], []
    for dep in target.get("dependencies", []):
        if "byName" in dep:
            targets.append(dep["byName"][0])
        elif "target" in dep:
            targets.append(dep["target"][0])
        elif "product" in dep:
            modules.append(dep["product"][0])
    return targets, modules


def main():
    targets = {t["name"]: t for t in package()["targets"]}
    if "--self-test" in sys.argv:
        # The check must see a forbidden edge: the engine reaching CAS, and a layer pointing up.
        targets["Columnar"]["dependencies"].append({"byName": ["CASCore", None]})
        targets["Attestation"]["dependencies"].append({"byName": ["Runtime", None]})
        problems = check(targets)
        wanted = ["Columnar -> CASCore: the engine never depends on the service stack", "Attestation -> Runtime: points up"]
        missing = [w for w in wanted if not any(p.startswith(w) for p in problems)]
        print("self-test: " + ("the check finds forbidden edges" if not missing else f"MISSED {missing}"))
        return 1 if missing else 0
    problems = check(targets)
    for problem in problems:
        print(problem)
    if problems:
        print(f"target graph: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"target graph: {sum(1 for t in targets.values() if t['type'] != 'test')} targets within their layers "
          f"({len(PENDING)} pending moves)")
    return 0


def check(targets):
    rank = {name: i for i, layer in enumerate(LAYERS) for name in layer}
    problems = []
    for name, target in sorted(targets.items()):
        if target["type"] == "test":
            continue
        if name not in rank:
            problems.append(f"{name}: not in any layer of scripts/check-graph.py (place it in LAYERS)")
            continue
        deps, products = dependencies(target)
        for dep in deps:
            if (name, dep) in PENDING:
                continue
            if dep in SERVICE and name in ENGINE:
                problems.append(f"{name} -> {dep}: the engine never depends on the service stack")
            elif rank.get(dep, -1) >= rank[name]:
                problems.append(f"{name} -> {dep}: points up or sideways (layer {rank.get(dep)} from layer {rank[name]})")
        # Imports must be declared dependencies: a transitive module compiles but hides an edge.
        allowed = set(deps) | set(products) | SYSTEM | {name}
        folder = REPO / "Sources" / name
        for source in sorted(folder.rglob("*.swift")) if folder.is_dir() else []:
            for number, line in enumerate(source.read_text(errors="replace").splitlines(), 1):
                m = re.match(r"\s*(?:@testable\s+|@_implementationOnly\s+|(?:public|internal|package)\s+)?import\s+(?:struct\s+|class\s+|enum\s+|func\s+)?([A-Za-z_][A-Za-z0-9_]*)", line)
                if m and m.group(1) not in allowed:
                    problems.append(f"{source.relative_to(REPO)}:{number}: imports {m.group(1)}, which {name} does not declare")
    for (source, dep), why in sorted(PENDING.items()):
        if dep not in dependencies(targets[source])[0]:
            problems.append(f"{source} -> {dep} is listed as pending ({why}) but is gone: remove it from PENDING")
    return problems


if __name__ == "__main__":
    sys.exit(main())
