#!/usr/bin/env bash
# generate-tls.sh: a private CA and a certificate for the NATS broker, with openssl only;
# optionally client certificates for mutual TLS.
#
#   scripts/generate-tls.sh [DIR] [--host NAME]... [--client NAME]...
#
#   DIR            where to write (default ./tls); created 0700 when missing
#   --host NAME    a DNS name or IP address clients use to reach the broker (repeatable;
#                  default localhost and 127.0.0.1)
#   --client NAME  also make NAME.pem and NAME-key.pem, a client certificate (repeatable)
#
# Writes DIR/ca.pem (give it to every program as NATS_CA), DIR/ca-key.pem (0600; keep it
# offline), DIR/server.pem and DIR/server-key.pem (0600; the broker's LICENSE_BUS_TLS_CERT and
# LICENSE_BUS_TLS_KEY). Keys are EC P-256; the CA lasts 10 years, the others 1 year.
# Existing files are never overwritten. Exit: 0 done, 2 bad usage or a file already there.
set -euo pipefail

usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "generate-tls.sh: error: $*" >&2; exit 2; }

dir=tls
dir_given=0
hosts=()
clients=()
while [ $# -gt 0 ]; do
    case "$1" in
        --host) [ $# -ge 2 ] || die "--host needs a name"; hosts+=("$2"); shift ;;
        --client) [ $# -ge 2 ] || die "--client needs a name"; clients+=("$2"); shift ;;
        -h|--help) usage; exit 0 ;;
        -*) usage >&2; die "unknown option '$1'" ;;
        *) [ "$dir_given" = 0 ] || die "only one DIR may be given"; dir=$1; dir_given=1 ;;
    esac
    shift
done
[ ${#hosts[@]} -gt 0 ] || hosts=(localhost 127.0.0.1)
for client in "${clients[@]}"; do
    case "$client" in ''|*[!A-Za-z0-9._-]*) die "--client name '$client' must be letters, digits, . _ -" ;; esac
done
command -v openssl >/dev/null || die "openssl is not installed (apt-get install openssl)"

umask 077
mkdir -p "$dir"
for file in ca.pem ca-key.pem server.pem server-key.pem; do
    [ ! -e "$dir/$file" ] || die "$dir/$file already exists; nothing is overwritten (choose another DIR)"
done

names=()
for host in "${hosts[@]}"; do
    if [[ "$host" =~ ^[0-9.]+$ || "$host" == *:* ]]; then names+=("IP:$host"); else names+=("DNS:$host"); fi
done
san=$(IFS=,; echo "${names[*]}")

ec=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
openssl req -x509 "${ec[@]}" -keyout "$dir/ca-key.pem" -out "$dir/ca.pem" -days 3650 \
    -subj "/CN=license-bus NATS CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

# leaf NAME SUBJECT EXTENSIONS: a key and a certificate signed by the CA.
leaf() {
    local csr
    csr=$(mktemp)
    openssl req -new "${ec[@]}" -keyout "$dir/$1-key.pem" -out "$csr" -subj "/CN=$2" 2>/dev/null
    openssl x509 -req -in "$csr" -CA "$dir/ca.pem" -CAkey "$dir/ca-key.pem" -CAcreateserial -days 365 \
        -sha256 -out "$dir/$1.pem" -extfile <(printf '%b\n' "$3") 2>/dev/null
    rm -f "$csr"
    chmod 644 "$dir/$1.pem"
}
leaf server "${hosts[0]}" "subjectAltName=$san\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature"
for client in "${clients[@]}"; do
    leaf "$client" "$client" "extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature"
done
rm -f "$dir/ca.srl"
chmod 644 "$dir/ca.pem"

echo "CA certificate:     $dir/ca.pem (NATS_CA for every program)"
echo "CA key:             $dir/ca-key.pem (0600; keep it offline)"
echo "broker certificate: $dir/server.pem, key $dir/server-key.pem (0600), for: ${hosts[*]}"
for client in "${clients[@]}"; do
    echo "client certificate: $dir/$client.pem, key $dir/$client-key.pem (0600): NATS_CERT and NATS_KEY"
done
