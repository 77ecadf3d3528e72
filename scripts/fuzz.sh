#!/usr/bin/env bash
# Coverage-guided fuzzing (libFuzzer, with AddressSanitizer) of the parsers that read what others
# send: the JSON parser (round trip: what parses writes and parses back unchanged), the NATS
# protocol parser (a stream split in two gives the same operations as whole), the license
# payload decoder (one pass gives what parsing, then typing, gives), and the envelope and license
# readers a bus message meets first (only the codes SPEC §5 allows for the step, and what is
# accepted shows the same for display). The harnesses are
# scripts/fuzz/*.swift; each is compiled with its module's sources, the modules it imports built
# as in the package. A crash or a broken property stops the run and leaves its input in the work folder
# (crash-*); run the fuzzer on that file alone to see it again.
#
#   scripts/fuzz.sh [SECONDS [PARSER...]]    default: 120 s for each of json, protocol, claims, token;
#                                            FUZZ_WORK=DIR keeps the corpora
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/prerequisites.sh
ensure_build_tools
seconds=${1:-120}
parsers=("${@:2}")
[ ${#parsers[@]} -gt 0 ] || parsers=(json protocol claims token)
work=${FUZZ_WORK:-$(mktemp -d)}
mkdir -p "$work/json-corpus" "$work/protocol-corpus" "$work/claims-corpus" "$work/token-corpus"
flags=(-O -sanitize=fuzzer,address -parse-as-library -swift-version 6
    -enable-upcoming-feature ExistentialAny -enable-upcoming-feature InternalImportsByDefault
    -enable-upcoming-feature MemberImportVisibility)

# swiftc, without gold's warnings about AddressSanitizer's local symbols.
compile() {
    local log
    log=$(mktemp)
    local status=0
    swiftc "${flags[@]}" "$@" 2>"$log" || status=$?
    grep -v 'Cannot export local symbol' "$log" >&2 || true
    rm -f "$log"
    return "$status"
}

# A module of the package, as a static library the next ones link: library NAME SOURCES...
library() {
    local name=$1
    shift
    compile -module-name "$name" -I "$work" -I Sources/CLicenseBusOpenSSL -emit-module \
        -emit-module-path "$work/$name.swiftmodule" -emit-library -static "$@" -o "$work/lib$name.a"
}
compile -module-name LicenseBusJSON Sources/LicenseBusJSON/*.swift scripts/fuzz/json-round-trip.swift \
    -o "$work/json-fuzz"
library LicenseBusJSON Sources/LicenseBusJSON/*.swift
compile -module-name LicenseBusNATS -I "$work" -L "$work" -lLicenseBusJSON \
    Sources/LicenseBusNATS/Protocol/*.swift Sources/LicenseBusNATS/Connection/NATSError.swift \
    scripts/fuzz/protocol-split.swift -o "$work/protocol-fuzz"
library LicenseBusSync Sources/LicenseBusSync/*.swift
library LicenseBusCrypto Sources/LicenseBusCrypto/*.swift
library LicenseBusCore Sources/LicenseBusCore/*.swift
compile -module-name ClaimsFuzz -I "$work" -I Sources/CLicenseBusOpenSSL -L "$work" \
    -lLicenseBusCore -lLicenseBusCrypto -lLicenseBusSync -lLicenseBusJSON -lswiftSynchronization \
    $(pkg-config --libs openssl) Tests/LicenseBusTestSupport/ClaimsInTwoSteps.swift \
    scripts/fuzz/claims-one-pass.swift -o "$work/claims-fuzz"
compile -module-name TokenFuzz -I "$work" -I Sources/CLicenseBusOpenSSL -L "$work" \
    -lLicenseBusCore -lLicenseBusCrypto -lLicenseBusSync -lLicenseBusJSON -lswiftSynchronization \
    $(pkg-config --libs openssl) scripts/fuzz/token-and-envelope.swift -o "$work/token-fuzz"

printf '{"iss":"https://vendor.example","aud":["a","b"],"iat":1767225600,"x":[1.5e3,true,null,"\\u00e9"]}' \
    >"$work/json-corpus/seed"
printf '\011INFO {"server_id":"a","max_payload":1048576,"headers":true}\r\nMSG s 1 5\r\nhello\r\nHMSG s 2 r 22 27\r\nNATS/1.0\r\nA: b\r\n\r\nhello\r\nPING\r\nPONG\r\n+OK\r\n-ERR %s\r\n' \
    "'Stale Connection'" >"$work/protocol-corpus/seed"

printf '{"iss":"https://vendor.example","aud":"ai-agent-os","sub":"c","jti":"l","iat":1767225600,"exp":4102444800,"grace":86400,"edition":"enterprise","features":["sso"],"limits":{"max_instances":5},"customer":"C","x":{"y":[1]}}' \
    >"$work/claims-corpus/seed"
# A plain payload too, as vendors' tools write them: the fast path's input (LicenseClaims+Plain.swift).
printf '{"iss":"https://vendor.example","aud":["ai-agent-os","x"],"sub":"c","jti":"l","iat":1767225600,"nbf":0,"exp":4102444800,"grace":86400,"edition":"enterprise","features":["sso","audit"],"limits":{"max_instances":5},"customer":"C"}' \
    >"$work/claims-corpus/plain"

cp license-samples/keys/vendor-test.pem license-samples/distribution.ring "$work/"
cp license-samples/envelopes/*.jwe license-samples/licenses/*.jwt "$work/token-corpus/"

for parser in "${parsers[@]}"; do
    echo "fuzz: $parser parser, $seconds s (work folder $work)"
    # The Swift runtime's backtracer is turned off: libFuzzer reports a crash and saves its input.
    (cd "$work" && SWIFT_BACKTRACE=enable=no ./"$parser-fuzz" -max_total_time="$seconds" -max_len=8192 -print_final_stats=1 \
        "$parser-corpus" 2>&1 | grep -E '^(Done|stat::number_of_executed_units|stat::new_units_added)|ERROR|==[0-9]+==|Fatal error|failed:|crash-')
done
