#!/usr/bin/env bash
# The main job end to end, on a local embedded default. Today that is the vendor's side:
# make keys, sign a license, verify it, and see hostile samples refused with their codes.
# (The broker, license-server and an instance turning enterprise join when they land.)
#
#   scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/prerequisites.sh
ensure_build_tools

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "build"
swift build --product license-tool >/dev/null
tool=.build/debug/license-tool
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

step "vendor keys (license-tool keygen) and a distribution key entry"
$tool keygen --out "$work/keys" --bits 2048
$tool distribution-key --kid dk-demo > "$work/distribution.key"
echo "distribution key written to $work/distribution.key (not shown: it is a secret)"

step "sign a license for customer cust-0042"
now=$(date +%s)
cat > "$work/claims.json" <<JSON
{"iss":"https://vendor.example","aud":"ai-agent-os","sub":"cust-0042","jti":"lic-demo-$now","iat":$now,
 "exp":$((now + 365 * 86400)),"grace":1209600,"edition":"enterprise","features":["sso","audit-log"],
 "limits":{"max_instances":50},"customer":"Example Corp"}
JSON
$tool sign --key "$work/keys/vendor-private.pem" --claims "$work/claims.json" --alg PS256 --kid vendor > "$work/license.jwt"
cut -c1-72 "$work/license.jwt" | sed 's/$/.../'

step "verify it (exit 0: valid)"
$tool verify --key "$work/keys/vendor.pem" --audience ai-agent-os "$work/license.jwt"

step "hostile samples are refused with their reason codes (exit 1)"
for sample in tampered-payload alg-none hs256-public-key other-vendor expired; do
    printf '%-18s ' "$sample:"
    $tool verify --key license-samples/keys/vendor-test.pem "license-samples/licenses/$sample.jwt" | head -1 || true
done

step "the sample envelope, opened with the sample distribution key ring"
LICENSE_DISTRIBUTION_KEY=$(cat license-samples/distribution.ring) \
    $tool verify --key license-samples/keys/vendor-test.pem license-samples/envelopes/perpetual-enterprise.jwe | head -3
