#!/usr/bin/env bash
# libFuzzer for the attestation parsers (issue 5). Package.swift has no fuzz target, so this
# compiles the parser sources (Sources/Attestation/{Evidence,SEVSNP,AzureVTPM,MAA,Roots}) with
# Sources/FuzzAttestation/FuzzEntry.swift under -sanitize=fuzzer, against the modules and
# objects of a prior `swift build --target Attestation` (dependencies are not instrumented;
# the parsers are). Usage: scripts/fuzz.sh [seconds per parser] [parser…]
# Parsers: snp-report amd-certificate amd-crl hcl-report tpm-attest azure-evidence maa-token
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-30}
shift || true
PARSERS=("$@")
[ ${#PARSERS[@]} -eq 0 ] && PARSERS=(snp-report amd-certificate amd-crl hcl-report tpm-attest azure-evidence maa-token)
VECTORS=${STRONGROOM_VECTORS:-$(cd .. && pwd)/shared/vectors}/attestation
[ -d "$VECTORS" ] || VECTORS=/work/shared/vectors/attestation
BIN=.build/debug
OUT=.build/fuzz
mkdir -p "$OUT"

[ -f "$BIN/Modules/X509.swiftmodule" ] || swift build --target Attestation

SOURCES=(Sources/Attestation/Evidence/{AttestationClaims,Evidence,EvidenceVerifier,TEEKind,Base64Field,ReportDataBinding}.swift
         Sources/Attestation/SEVSNP/*.swift Sources/Attestation/AzureVTPM/*.swift Sources/Attestation/MAA/*.swift
         Sources/Attestation/Roots/*.swift Sources/Attestation/Support/EvidenceReader.swift Sources/Support/LowercaseHex.swift
         Sources/Support/Base64URL.swift Sources/Support/ByteReader.swift Sources/Support/CodedError.swift Sources/FuzzAttestation/FuzzEntry.swift)
OBJECTS=()
DEPS=(Crypto CryptoBoringWrapper CryptoExtras _CryptoExtras SwiftASN1 X509 _CertificateInternals
      CCryptoBoringSSL CCryptoBoringSSLShims CXKCP CXKCPShims)
for m in "${DEPS[@]}"; do
    while IFS= read -r o; do OBJECTS+=("$o"); done < <(find "$BIN/$m.build" -name '*.o')
done
CLANG_MODULES=()
for d in CCryptoBoringSSL CCryptoBoringSSLShims CXKCP CXKCPShims; do
    src=$(find .build/checkouts/swift-crypto/Sources/$d -maxdepth 2 -name module.modulemap | head -1)
    [ -n "$src" ] && CLANG_MODULES+=(-Xcc -fmodule-map-file="$src" -Xcc -I"$(dirname "$src")")
done

seed() {  # seed corpus per parser from the recorded vectors
    local dir="$OUT/corpus-$1"; mkdir -p "$dir"
    case $1 in
        snp-report) cp "$VECTORS"/amd-sev-snp/*/*.bin "$dir"/ ;;
        amd-certificate) cp "$VECTORS"/amd-sev-snp/*/*.der "$VECTORS"/amd-sev-snp/*/*.pem "$dir"/ ;;
        amd-crl) cp "$VECTORS"/amd-sev-snp/*/*.der "$dir"/ ;;
        hcl-report) cp "$VECTORS"/azure-vtpm/*/hcl-report.bin "$dir"/ ;;
        tpm-attest) python3 -c "import json,sys;[open(f'$dir/q{i}','wb').write(bytes.fromhex(json.load(open(p))['message'])) for i,p in enumerate(sys.argv[1:])]" "$VECTORS"/azure-vtpm/*/tpm-quote-v1.json ;;
        azure-evidence) cp "$VECTORS"/azure-vtpm/*/evidence-*.json "$dir"/ ;;
        maa-token) cp "$VECTORS"/azure-maa/*/*.jwt "$VECTORS"/azure-maa/*/*.jwks.json "$dir"/ ;;
    esac
    echo "$dir"
}

for p in "${PARSERS[@]}"; do
    flag=FUZZ_$(echo "$p" | tr 'a-z-' 'A-Z_')
    exe="$OUT/fuzz-$p"
    echo "== $p: building $exe"
    swiftc -sanitize=fuzzer -parse-as-library -module-name FuzzAttestation -swift-version 6 -g -O \
        -D "$flag" -I "$BIN/Modules" "${CLANG_MODULES[@]}" "${SOURCES[@]}" "${OBJECTS[@]}" -lstdc++ -o "$exe"
    corpus=$(seed "$p")
    echo "== $p: fuzzing ${SECONDS_EACH}s"
    "$exe" -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -print_final_stats=1 "$corpus" 2>&1 | tail -4
done
