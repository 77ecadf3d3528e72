#!/usr/bin/env bash
# A soak under faults: a broker, two license-server replicas and three instances
# (`license-client watch`), while a random fault strikes every second or two:
#   broker    the broker is killed (SIGKILL) and started again on the same port after up to 2 s;
#   server    a license-server replica is stopped (SIGTERM) and started again after up to 2 s;
#   instance  an instance is killed (SIGKILL) in the middle of whatever it does, and started again;
#   corrupt   an instance is killed, its key file cut in half, and it is started again;
#   license   a newer license (new jti, later iat) is swapped into the servers' file atomically;
#   junk      garbage, a tampered envelope and a replayed older envelope are published on license.key.
# It checks, after every fault, that each instance's key file is whole, mode 0600, and holds a valid
# license (`license-client status`); that no instance ever reports community once it has a license;
# that a restarted instance is enterprise again at once, from its key file, or after a cut key file
# (`cache_invalid`) from the bus, which rewrites the file; and, at the end, that every instance holds
# the newest license within 15 s. Plain TCP and no auth by default; with --secure the broker runs
# config/nats-server.conf (TLS from a fresh private CA, NKey users, permissions), and the junk is
# published as the license-server's user, the only one the broker lets publish there. With
# --cluster the broker is a cluster of three nodes joined by routes: each program is given one node's
# URL (replica a node 1, b node 2, instance N node N) and must find the others from the nodes'
# INFO, and the broker fault kills one node at a time.
# It uses the TEST-ONLY keys of license-samples/ and a temporary folder.
#
#   scripts/soak.sh [SECONDS] [--secure] [--cluster]    default 120 s; exit 0 when every check held, 1 otherwise
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/prerequisites.sh
source scripts/lib/sample-license.sh
ensure_build_tools
ensure_nats_server
ensure_python_test_packages
duration=120
secure=no
nodes=1
for argument in "$@"; do
    case $argument in
    --secure) secure=yes ;;
    --cluster) nodes=3 ;;
    *[!0-9]* | "")
        echo "usage: scripts/soak.sh [SECONDS] [--secure] [--cluster]" >&2
        exit 2
        ;;
    *) duration=$argument ;;
    esac
done

swift build >/dev/null
bin=$(swift build --show-bin-path)
work=$(mktemp -d)
declare -A pid
cleanup() {
    exec 2>/dev/null # bash would report each process killed here as "Killed"
    for name in "${!pid[@]}"; do kill -9 "${pid[$name]}" 2>/dev/null || true; done
    { wait; } 2>/dev/null || true
    [ "$failures" -gt 0 ] || rm -rf "$work"
}
failures=0
trap cleanup EXIT

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}
random() { echo $((RANDOM % $1)); } # 0 ..< N

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
declare -A port route_port
for node in $(seq "$nodes"); do
    port[$node]=$(free_port)
    route_port[$node]=$(free_port)
done
scheme=nats://127.0.0.1
broker_config=()
if [ "$secure" = yes ]; then
    # For localhost only: a program that moves to a node it learned of (an address, no name) must
    # still check the certificate against the name it was given.
    scripts/generate-tls.sh "$work/tls" --host localhost >/dev/null
    LICENSE_SERVER_NKEY=$("$bin/license-tool" nkey --out "$work/license-server.nk")
    INSTANCE_NKEY=$("$bin/license-tool" nkey --out "$work/instance.nk")
    export LICENSE_SERVER_NKEY INSTANCE_NKEY
    export LICENSE_BUS_TLS_CERT=$work/tls/server.pem LICENSE_BUS_TLS_KEY=$work/tls/server-key.pem
    export NATS_CA=$work/tls/ca.pem
    scheme=tls://localhost
    broker_config=(-c config/nats-server.conf)
fi
# The URL of node N, the node program PROGRAM is given (server-a, server-b, instance-N), every URL.
node_url() { echo "$scheme:${port[$1]}"; }
url_for() {
    case $1 in
    server-a) node_url 1 ;;
    server-b) node_url $((nodes > 1 ? 2 : 1)) ;;
    instance-*) node_url $(((${1#instance-} - 1) % nodes + 1)) ;;
    esac
}
all_urls() { for node in $(seq "$nodes"); do node_url "$node"; done | paste -sd,; }
# The NKey seed file of a role (license-server, instance), when the broker asks for one.
seed() { if [ "$secure" = yes ]; then echo "$work/$1.nk"; fi; }
export LICENSE_VENDOR_PUBLIC_KEY=$PWD/license-samples/keys/vendor-test.pem
export LICENSE_DISTRIBUTION_KEY_FILE=$PWD/license-samples/distribution.ring
export LICENSE_AUDIENCE=ai-agent-os LICENSE_PUBLISH_INTERVAL=3
install -m 600 license-samples/keys/vendor-test-private.pem "$work/vendor-private.pem"

start_broker() { # NODE
    local cluster=()
    if [ "$nodes" -gt 1 ]; then
        local routes
        routes=$(for node in $(seq "$nodes"); do
            [ "$node" = "$1" ] || echo "nats://127.0.0.1:${route_port[$node]}"
        done | paste -sd,)
        cluster=(-n "soak-$1" --cluster_name soak --cluster "nats://127.0.0.1:${route_port[$1]}" --routes "$routes")
    fi
    nats-server "${broker_config[@]}" "${cluster[@]}" -a 127.0.0.1 -p "${port[$1]}" >>"$work/nats-$1.log" 2>&1 &
    pid[broker-$1]=$!
    for _ in $(seq 50); do
        python3 -c "import socket; socket.create_connection(('127.0.0.1', ${port[$1]}), 0.1)" 2>/dev/null && return
        sleep 0.1
    done
}
start_server() { # REPLICA
    NATS_URL=$(url_for "server-$1") NATS_NKEY_SEED_FILE=$(seed license-server) LICENSE_FILE=$work/license.jwt \
        "$bin/license-server" >>"$work/server-$1.log" 2>&1 &
    pid[server-$1]=$!
}
start_instance() { # N
    NATS_URL=$(url_for "instance-$1") NATS_NKEY_SEED_FILE=$(seed instance) \
        LICENSE_KEY_PATH=$work/instance-$1/license.key "$bin/license-client" watch \
        >>"$work/instance-$1.out" 2>>"$work/instance-$1.err" &
    pid[instance-$1]=$!
}
# The line count of an instance's watch output, and its last jti.
lines() { wc -l <"$work/instance-$1.out"; }
last_jti() { tail -n 1 "$work/instance-$1.out" | sed -n 's/.* jti=//p'; }

serial=1
newest=lic-soak-1
sign_sample_license "$bin/license-tool" "$work/vendor-private.pem" "$newest" >"$work/license.jwt"
last_sign=$(date +%s)
for node in $(seq "$nodes"); do start_broker "$node"; done
start_server a
start_server b
for n in 1 2 3; do
    mkdir -p "$work/instance-$n"
    touch "$work/instance-$n.out"
    start_instance "$n"
done
for _ in $(seq 100); do
    [ -s "$work/instance-1/license.key" ] && [ -s "$work/instance-2/license.key" ] &&
        [ -s "$work/instance-3/license.key" ] && break
    sleep 0.1
done
cp "$work/instance-1/license.key" "$work/old-envelope"

# Kills instance N (SIGKILL), with `cut` halves its key file, starts it again, and sets `first` to
# the first line it writes (waiting up to 2.5 s). Not run in a subshell: it records the new pid.
restart_instance() {
    kill -9 "${pid[instance-$1]}"
    { wait "${pid[instance-$1]}"; } 2>/dev/null || true
    if [ "${2:-}" = cut ]; then
        local file=$work/instance-$1/license.key
        truncate -s $(($(stat -c %s "$file") / 2)) "$file"
    fi
    local before
    before=$(lines "$1")
    start_instance "$1"
    for _ in $(seq 50); do [ "$(lines "$1")" -gt "$before" ] && break; sleep 0.05; done
    first=$(sed -n "$((before + 1))p" "$work/instance-$1.out")
}

declare -A reported  # instances already reported for a community line
declare -A repairing # instances restarted on a cut key file, until they hold a license again
check_instances() {
    for n in 1 2 3; do
        if [ -n "${repairing[$n]:-}" ]; then
            [[ $(tail -n 1 "$work/instance-$n.out") == *" enterprise "* ]] || continue
            unset "repairing[$n]"
        fi
        local file=$work/instance-$n/license.key
        local mode
        mode=$(stat -c %a "$file" 2>/dev/null || echo missing)
        [ "$mode" = 600 ] || fail "instance $n key file mode $mode"
        local state
        state=$(LICENSE_KEY_PATH=$file "$bin/license-client" status --json 2>/dev/null |
            python3 -c 'import json, sys; print(json.load(sys.stdin)["state"])' 2>/dev/null || echo unreadable)
        [ "$state" = enterprise ] || fail "instance $n key file gives state $state"
        local dropped
        # Restarted on a cut key file, an instance holds no license (community [cache_invalid], then
        # the code of any envelope it refuses) until the bus gives it one.
        dropped=$(awk '/ (enterprise|grace) / { held = 1 } /reason=cache_invalid/ { held = 0 }
            held && / community / { print; exit }' "$work/instance-$n.out")
        if [ -n "$dropped" ] && [ -z "${reported[$n]:-}" ]; then
            fail "instance $n reported community after holding a license: $dropped"
            reported[$n]=yes
        fi
    done
}

publish_junk() {
    python3 - "$(all_urls)" "$work/old-envelope" "$work/instance-1/license.key" "$(seed license-server)" \
        "${NATS_CA:-}" 2>/dev/null <<'PY'
import asyncio, ssl, sys
import nats

async def main():
    url, old, current = sys.argv[1], open(sys.argv[2], "rb").read().strip(), open(sys.argv[3], "rb").read().strip()
    seed, ca = sys.argv[4] or None, sys.argv[5]
    tampered = bytearray(current)
    tampered[-30] = ord("A") if tampered[-30] != ord("A") else ord("B")
    tls = ssl.create_default_context(cafile=ca) if ca else None
    nc = await nats.connect(url.split(","), connect_timeout=1, max_reconnect_attempts=0, nkeys_seed=seed, tls=tls)
    for payload in (b"\x00\xffgarbage", b"a.b.c.d.e", bytes(tampered), old, b"." * 10000):
        await nc.publish("license.key", payload)
    await nc.flush()
    await nc.close()

try:
    asyncio.run(main())
except Exception as error:  # the broker may be down at that moment: nothing to publish to
    print(f"  junk not published: {error}")
PY
}

declare -A count
deadline=$(($(date +%s) + duration))
while [ "$(date +%s)" -lt "$deadline" ]; do
    faults=(broker server instance corrupt license junk)
    fault=${faults[$(random ${#faults[@]})]}
    count[$fault]=$((${count[$fault]:-0} + 1))
    case $fault in
    broker)
        node=$(($(random "$nodes") + 1))
        kill -9 "${pid[broker-$node]}"
        { wait "${pid[broker-$node]}"; } 2>/dev/null || true
        sleep "0.$(random 10)$(random 10)"
        sleep "$(random 2)"
        start_broker "$node"
        ;;
    server)
        replica=$([ "$(random 2)" = 0 ] && echo a || echo b)
        kill -TERM "${pid[server-$replica]}"
        { wait "${pid[server-$replica]}"; } 2>/dev/null || true
        sleep "$(random 3)"
        start_server "$replica"
        ;;
    instance)
        n=$(($(random 3) + 1))
        [ -z "${repairing[$n]:-}" ] || continue # its key file is still cut: the corrupt fault's case
        restart_instance "$n"
        # Enterprise again from the key file, whatever the broker is doing.
        [[ $first == *" enterprise "* ]] || fail "instance $n restarted as: ${first:-nothing within 2.5 s}"
        ;;
    corrupt)
        n=$(($(random 3) + 1))
        repairing[$n]=yes
        restart_instance "$n" cut
        [[ $first == *" community reason=cache_invalid "* ]] || fail "instance $n restarted on a cut key file as: ${first:-nothing}"
        ;;
    license)
        if [ "$(date +%s)" -gt "$last_sign" ]; then # freshness is by iat: one license per second at most
            serial=$((serial + 1))
            newest=lic-soak-$serial
            sign_sample_license "$bin/license-tool" "$work/vendor-private.pem" "$newest" >"$work/license.jwt.new"
            mv "$work/license.jwt.new" "$work/license.jwt"
            last_sign=$(date +%s)
        fi
        ;;
    junk) publish_junk ;;
    esac
    check_instances
    sleep "0.$(random 10)"
done

# Everything running again: every instance must come to the newest license.
for node in $(seq "$nodes"); do kill -0 "${pid[broker-$node]}" 2>/dev/null || start_broker "$node"; done
for replica in a b; do kill -0 "${pid[server-$replica]}" 2>/dev/null || start_server "$replica"; done
settled=no
for _ in $(seq 150); do
    if [ "$(last_jti 1)" = "$newest" ] && [ "$(last_jti 2)" = "$newest" ] && [ "$(last_jti 3)" = "$newest" ]; then
        settled=yes
        break
    fi
    sleep 0.1
done
[ "$settled" = yes ] || fail "instances hold $(last_jti 1), $(last_jti 2), $(last_jti 3), not $newest, 15 s after the faults"
check_instances
cut=$(cat "$work"/instance-*.out | grep -c 'reason=cache_invalid' || true)
[ "$cut" -eq "${count[corrupt]:-0}" ] || fail "$cut cache_invalid reports for ${count[corrupt]:-0} cut key files"

faults_done=""
for fault in "${!count[@]}"; do faults_done+=" $fault=${count[$fault]}"; done
rejected=$(cat "$work"/instance-*.err | grep -o 'code=[a-z_]*\|malformed\|decrypt_failed\|stale' | sort | uniq -c | tr -s ' ' | tr '\n' ',' || true)
echo "soak: ${duration} s, faults:${faults_done}; newest license $newest; instances logged: ${rejected:-nothing}"
if [ "$failures" -gt 0 ]; then
    echo "soak: $failures check(s) failed; logs were in $work"
    exit 1
fi
echo "soak: every check held"
