#!/usr/bin/env bash
# generate-keys.sh: a vendor RSA key pair and a distribution key ring entry, with openssl only.
#
#   scripts/generate-keys.sh [DIR] [--bits N] [--show] [--config] [--all]
#
#   DIR       where to write (default ./keys); created 0700 when missing
#   --bits N  RSA modulus size, 2048 or more (default 3072)
#   --show    print the settings that use the new files
#   --config  write DIR/license-server.env and DIR/instance.env (KEY=VALUE settings files)
#   --all     both --show and --config
#
# Writes DIR/vendor-private.pem (0600, keep it with the vendor), DIR/vendor.pem (public; key id
# "vendor") and DIR/distribution.key (0600, one ring entry KID:KEY). Existing files are never
# overwritten. No secret is printed: settings name the key file, not the key.
# Exit: 0 done, 2 bad usage or a file already there.
set -euo pipefail

usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "generate-keys.sh: error: $*" >&2; exit 2; }

dir=keys
bits=3072
show=0
config=0
dir_given=0
while [ $# -gt 0 ]; do
    case "$1" in
        --show) show=1 ;;
        --config) config=1 ;;
        --all) show=1; config=1 ;;
        --bits) [ $# -ge 2 ] || die "--bits needs a number"; bits=$2; shift ;;
        --bits=*) bits=${1#*=} ;;
        -h|--help) usage; exit 0 ;;
        -*) usage >&2; die "unknown option '$1'" ;;
        *) [ "$dir_given" = 0 ] || die "only one DIR may be given"; dir=$1; dir_given=1 ;;
    esac
    shift
done
case "$bits" in ''|*[!0-9]*) die "--bits must be a number, not '$bits'" ;; esac
[ "$bits" -ge 2048 ] && [ "$bits" -le 16384 ] || die "--bits must be from 2048 to 16384"
command -v openssl >/dev/null || die "openssl is not installed (apt-get install openssl)"

umask 077
mkdir -p "$dir"
private="$dir/vendor-private.pem"
public="$dir/vendor.pem"
ring="$dir/distribution.key"
for file in "$private" "$public" "$ring"; do
    [ ! -e "$file" ] || die "$file already exists; keys are never overwritten (choose another DIR)"
done

openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:$bits" -out "$private" 2>/dev/null
openssl pkey -in "$private" -pubout -out "$public"
chmod 600 "$private"
chmod 644 "$public"
kid="dk-$(date -u +%Y%m%d)-$(openssl rand -hex 3)"
printf '%s:%s\n' "$kid" "$(openssl rand 32 | openssl base64 -A | tr '+/' '-_' | tr -d '=')" > "$ring"
chmod 600 "$ring"

abs() { (cd "$(dirname "$1")" && printf '%s/%s\n' "$(pwd)" "$(basename "$1")"); }
echo "vendor private key: $private (RSA-$bits, 0600; keep it with the vendor, never ship it)"
echo "vendor public key:  $public (key id 'vendor')"
echo "distribution key:   $ring (ring entry '$kid', 0600; a secret shared by servers and instances)"

if [ "$config" = 1 ]; then
    for name in license-server instance; do
        [ ! -e "$dir/$name.env" ] || die "$dir/$name.env already exists"
    done
    cat > "$dir/license-server.env" <<ENV
# license-server settings (see docs/operator-guide.md). Flags beat the environment beat this file.
NATS_URL=nats://127.0.0.1:4222
LICENSE_FILE=$(abs "$dir")/license.jwt
LICENSE_VENDOR_PUBLIC_KEY=$(abs "$public")
LICENSE_DISTRIBUTION_KEY_FILE=$(abs "$ring")
LICENSE_PUBLISH_INTERVAL=300
ENV
    cat > "$dir/instance.env" <<ENV
# license-client settings for an instance (the vendor key itself is compiled into the host app).
NATS_URL=nats://127.0.0.1:4222
LICENSE_VENDOR_PUBLIC_KEY=$(abs "$public")
LICENSE_DISTRIBUTION_KEY_FILE=$(abs "$ring")
LICENSE_WAIT_TIMEOUT=10
ENV
    echo "settings files:     $dir/license-server.env, $dir/instance.env"
fi

if [ "$show" = 1 ]; then
    echo
    echo "# settings for license-server and license-client (no secret is shown: the key stays in its file)"
    echo "LICENSE_VENDOR_PUBLIC_KEY=$(abs "$public")"
    echo "LICENSE_DISTRIBUTION_KEY_FILE=$(abs "$ring")"
    echo "# sign a license with: license-tool sign --key $(abs "$private") --claims claims.json --kid vendor"
fi
