#!/usr/bin/env bash
# The main job: build the release CLI and run `strongroom demo` — CAS and a node agent, an owner
# identity, a taxi data set encrypted through CAS, a policy pinning the strongroom binary, the
# attested query, the audit trail, and a modified binary refused. Everything it starts it stops.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
  export PATH="/opt/swift/usr/bin:$PATH"
fi
bash scripts/install-deps.sh
if [ -n "${STRONGROOM_BIN:-}" ]; then
  SR=$STRONGROOM_BIN  # an already built CLI
else
  echo "==> swift build -c release --product strongroom"
  swift build -c release --product strongroom
  SR="$(swift build -c release --show-bin-path)/strongroom"
fi
exec "$SR" demo "$@"
