#!/bin/sh
# Fuzz the DCAP quote parser and the signed-JSON span scanner with libFuzzer for N seconds
# (default 60), seeded with the recorded quotes and collateral in ../shared/vectors.
#   scripts/fuzz-dcap.sh [seconds]
# Builds with swiftc directly (not SwiftPM): the parser sources are standard-library only, and
# a SwiftPM fuzz target would need a Package.swift product with -sanitize=fuzzer.
set -eu
cd "$(dirname "$0")/.."
seconds="${1:-60}"
vectors="${STRONGROOM_VECTORS:-../shared/vectors}/attestation"
[ -d "$vectors" ] || vectors=/work/shared/vectors/attestation
out=.build/fuzz-dcap
mkdir -p "$out/corpus"
src=Sources/Attestation
swiftc -sanitize=fuzzer,address -parse-as-library -O -module-name Attestation \
  -o "$out/fuzz-dcap-quote" \
  Fuzz/DCAP/QuoteFuzzer.swift \
  "$src/Evidence/EvidenceVerifier.swift" "$src/Evidence/Evidence.swift" "$src/Evidence/Base64Field.swift" \
  "$src/Evidence/AttestationClaims.swift" "$src/Evidence/TEEKind.swift" \
  "$src/Support/EvidenceReader.swift" "Sources/Support/ByteReader.swift" "Sources/Support/CodedError.swift" "Sources/Support/LowercaseHex.swift" "Sources/Support/Base64URL.swift" "$src/DCAP/DCAPErrorCodes.swift" "$src/DCAP/QuoteHeader.swift" \
  "$src/DCAP/EnclaveReport.swift" "$src/TDX/TDReport.swift" "$src/DCAP/QuoteBody.swift" \
  "$src/DCAP/QECertificationData.swift" "$src/DCAP/DCAPQuote.swift" "$src/DCAP/SignedCollateralJSON.swift"
for f in intel-tdx/dcap-qvl/tdx_quote intel-tdx/dcap-qvl/tdx_quote_outdated intel-sgx/dcap-qvl/sgx_quote \
  intel-tdx/go-tdx-guest/tdx_prod_quote_SPR_E4.dat intel-tdx/go-tdx-guest/quote_v5_sample.dat \
  intel-tdx/trustee/tdx_quote_4.dat intel-tdx/trustee/tdx_quote_5.dat intel-tdx/trustee/tdx_quote_6.dat \
  intel-sgx/trustee/occlum_quote.dat intel-tdx/go-tdx-guest/sample_tcbInfo_response \
  intel-tdx/go-tdx-guest/sample_qeIdentity_response; do
  cp "$vectors/$f" "$out/corpus/$(echo "$f" | tr / _)"
done
exec "$out/fuzz-dcap-quote" -max_total_time="$seconds" -max_len=16384 "$out/corpus"
