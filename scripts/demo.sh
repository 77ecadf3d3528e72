#!/usr/bin/env bash
# The main job end to end, on a local embedded default:
#   a broker with the shipped configuration (TLS with a fresh private CA, NKey users, permissions),
#   license-server with a freshly signed sample license,
#   an instance (the example host app) turning enterprise, what license-client status shows,
#   a newer license swapped in and taken by the instance; then everything is stopped.
# It uses the TEST-ONLY keys of license-samples/ and a temporary folder; nothing else is touched.
#
#   scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/prerequisites.sh
source scripts/lib/sample-license.sh
ensure_build_tools
ensure_nats_server

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

step "build"
swift build >/dev/null
bin=$(swift build --show-bin-path)

step "broker: a private CA and certificate (scripts/generate-tls.sh), NKey users (license-tool nkey)"
scripts/generate-tls.sh "$work/tls" | sed 's/^/  /'
LICENSE_SERVER_NKEY=$("$bin/license-tool" nkey --out "$work/license-server.nk")
INSTANCE_NKEY=$("$bin/license-tool" nkey --out "$work/instance.nk")
echo "  NKey users: license-server $LICENSE_SERVER_NKEY, instance $INSTANCE_NKEY (seeds in 0600 files)"
export LICENSE_BUS_TLS_CERT=$work/tls/server.pem LICENSE_BUS_TLS_KEY=$work/tls/server-key.pem
export LICENSE_SERVER_NKEY INSTANCE_NKEY

step "broker: nats-server with config/nats-server.conf on a free loopback port"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
nats-server -c config/nats-server.conf -a 127.0.0.1 -p "$port" -l "$work/nats.log" &
pids+=($!)
for _ in $(seq 50); do grep -q "Listening for client connections" "$work/nats.log" 2>/dev/null && break; sleep 0.1; done
grep -o "TLS required for client connections" "$work/nats.log" | sed 's/^/  /'
echo "  listening on localhost:$port"

# A clone gives files mode 0644; license-tool rightly warns about a private key others can read,
# so the demo signs with a 0600 copy of the TEST-ONLY sample key.
install -m 600 license-samples/keys/vendor-test-private.pem "$work/vendor-private.pem"

sign() { sign_sample_license "$bin/license-tool" "$work/vendor-private.pem" "$1"; }

step "vendor: sign license lic-demo-1 (license-tool sign)"
sign lic-demo-1 > "$work/license.jwt"
"$bin/license-tool" verify --key license-samples/keys/vendor-test.pem "$work/license.jwt" | sed -n 1,2p

export LICENSE_VENDOR_PUBLIC_KEY=$PWD/license-samples/keys/vendor-test.pem
export LICENSE_DISTRIBUTION_KEY_FILE=$PWD/license-samples/distribution.ring
export LICENSE_AUDIENCE=ai-agent-os

step "license-server: verifies the file, publishes license.key, answers license.key.get"
export NATS_URL="tls://localhost:$port" NATS_CA=$work/tls/ca.pem
NATS_NKEY_SEED_FILE="$work/license-server.nk" LICENSE_FILE="$work/license.jwt" \
    "$bin/license-server" 2> "$work/server.log" &
pids+=($!)
sleep 0.5
sed 's/^/  server: /' "$work/server.log"

instance_env=(NATS_NKEY_SEED_FILE="$work/instance.nk" LICENSE_KEY_PATH="$work/instance/license.key")

step "instance: the example host app starts with no key file and asks the bus"
start=$(date +%s%N)
env "${instance_env[@]}" "$bin/license-example-app" > "$work/app.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q "enterprise" "$work/app.log" && break; sleep 0.02; done
echo "  (enterprise after $(( ($(date +%s%N) - start) / 1000000 )) ms, process start included)"
sed 's/^/  /' "$work/app.log"

step "license-client status, as an operator on the instance's host sees it"
env "${instance_env[@]}" "$bin/license-client" status --bus || true

step "swap in a newer license (atomic rename, as a deployment would)"
sleep 1   # a newer license needs a later iat (freshness is by iat, SPEC §5)
sign lic-demo-2 > "$work/license.jwt.new"
mv "$work/license.jwt.new" "$work/license.jwt"
for _ in $(seq 100); do grep -q "lic-demo-2" "$work/app.log" && break; sleep 0.1; done
sed 's/^/  /' "$work/app.log"
grep "lic-demo-2" "$work/server.log" | sed 's/^/  server: /'

step "stop everything"
for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
wait 2>/dev/null || true
pids=()
echo "done"
