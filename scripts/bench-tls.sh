#!/usr/bin/env bash
# bench-tls.sh: what TLS costs our NATS client and the official C client (libnats), each against
# its own clear-text figures, from two runs of ../shared/natsbench/run.sh on the same nats-server:
# one in clear text, one requiring TLS (a certificate from scripts/generate-tls.sh, EC P-256,
# trusted by both clients through SSL_CERT_FILE; both upgrade after INFO and verify it).
#
#   scripts/bench-tls.sh [RUNS] [PORT]     (defaults: 5 runs, port 14242)
#
# Prints the natsbench tables of both runs, then per client and mode: clear, TLS, TLS/clear.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/prerequisites.sh
runs=${1:-5}
port=${2:-14242}
natsbench=$(cd ../shared/natsbench && pwd)
state=${NATSBENCH_STATE:-$HOME/.cache/natsbench}

swift build -c release --product license-bench >/dev/null
bench=$(swift build -c release --show-bin-path)/license-bench
ensure_bench_c "$state" "$natsbench" || exit 2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
scripts/generate-tls.sh "$work/tls" >/dev/null
cat > "$work/tls.conf" <<CONF
tls {
  cert_file: "$work/tls/server.pem"
  key_file: "$work/tls/server-key.pem"
}
CONF
server=$(command -v nats-server)
printf '#!/bin/sh\nexec %s -c %s "$@"\n' "$server" "$work/tls.conf" > "$work/nats-server-tls"
chmod +x "$work/nats-server-tls"

common=(--no-default-clients --client "c=$state/bench_c" --client "swift=$bench" --runs "$runs" --modes pub,reqrep)
echo "== clear text" >&2
"$natsbench/run.sh" "$port" "${common[@]}" --out "$work/clear"
echo "== TLS" >&2
SSL_CERT_FILE=$work/tls/ca.pem "$natsbench/run.sh" "$port" --server "$work/nats-server-tls" "${common[@]}" --out "$work/tls-run"

python3 - "$work/clear/raw.txt" "$work/tls-run/raw.txt" <<'PY'
import re, statistics, sys
def medians(path):
    values = {}
    for line in open(path):
        m = re.match(r"(\S+) (pub|reqrep) .*?(msgs_per_s|p50_us)=([\d.]+)", line)
        if m:
            values.setdefault((m[1], m[2]), []).append(float(m[4]))
    return {key: statistics.median(v) for key, v in values.items()}
clear, tls = medians(sys.argv[1]), medians(sys.argv[2])
print("\n| client | mode | clear | TLS | TLS / clear |\n|---|---|---|---|---|")
for key in sorted(clear):
    if key in tls:
        unit = "msgs/s" if key[1] == "pub" else "µs p50"
        print(f"| {key[0]} | {key[1]} | {clear[key]:,.1f} {unit} | {tls[key]:,.1f} {unit} | {tls[key] / clear[key]:.2f} |")
PY
