#!/usr/bin/env bash
# Regenerates license-samples/ with openssl (keys, RS256/PS256/HS256 signatures) and Python's
# cryptography package (the sample envelope): independent tools, so the samples also prove
# that licenses made outside this project verify here. Test-only keys: never ship them.
#
#   scripts/make-samples.sh            # rewrites license-samples/ (keys included)
set -euo pipefail
cd "$(dirname "$0")/../license-samples"
umask 077

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
json_b64() { printf '%s' "$1" | b64url; }

mkdir -p keys claims licenses envelopes
rm -f keys/* claims/* licenses/* envelopes/*
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out keys/vendor-test-private.pem 2>/dev/null
openssl pkey -in keys/vendor-test-private.pem -pubout -out keys/vendor-test.pem
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out keys/other-vendor-private.pem 2>/dev/null
openssl pkey -in keys/other-vendor-private.pem -pubout -out keys/other-vendor.pem
chmod 644 keys/vendor-test.pem keys/other-vendor.pem
printf 'dk-sample:%s\n' "$(openssl rand 32 | b64url)" > distribution.ring
printf 'dk-other:%s\n' "$(openssl rand 32 | b64url)" > other.ring

ISS='https://vendor.example'
AUD='ai-agent-os'
IAT=1767225600      # 2026-01-01
FAR=4102444800      # 2100-01-01
PAST=1769904000     # 2026-02-01

claims() { # NAME JSON-EXTRA: writes claims/NAME.json
    local name=$1 extra=$2
    printf '{"iss":"%s","aud":"%s","sub":"cust-0042","jti":"lic-%s","iat":%s,"edition":"enterprise","features":["sso","audit-log"],"limits":{"max_instances":50},"customer":"Example Corp"%s}' \
        "$ISS" "$AUD" "$name" "$IAT" "$extra" > "claims/$name.json"
}

sign() { # NAME HEADER-JSON CLAIMS-FILE KEY [extra openssl options...]
    local name=$1 header=$2 claims_file=$3 key=$4; shift 4
    local input
    input="$(json_b64 "$header").$(json_b64 "$(cat "$claims_file")")"
    printf '%s.%s\n' "$input" "$(printf '%s' "$input" | openssl dgst -sha256 -sign "$key" "$@" | b64url)" > "licenses/$name.jwt"
}

RS='{"alg":"RS256","typ":"license+jwt","kid":"vendor-test"}'
PS='{"alg":"PS256","typ":"license+jwt","kid":"vendor-test"}'
KEY=keys/vendor-test-private.pem

claims perpetual-enterprise ''
sign perpetual-enterprise "$RS" claims/perpetual-enterprise.json $KEY
claims perpetual-enterprise-ps256 ''
sign perpetual-enterprise-ps256 "$PS" claims/perpetual-enterprise-ps256.json $KEY \
    -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32
claims ps256-max-salt ''
sign ps256-max-salt "$PS" claims/ps256-max-salt.json $KEY -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:max
claims enterprise-expiring ",\"exp\":$FAR"
sign enterprise-expiring "$RS" claims/enterprise-expiring.json $KEY
claims expired ",\"exp\":$PAST"
sign expired "$RS" claims/expired.json $KEY
claims in-grace ",\"exp\":$PAST,\"grace\":1576800000"
sign in-grace "$RS" claims/in-grace.json $KEY
claims not-yet-valid ",\"nbf\":$FAR"
sign not-yet-valid "$RS" claims/not-yet-valid.json $KEY
claims future-iat ''
sed -i "s/\"iat\":$IAT/\"iat\":$FAR/" claims/future-iat.json
sign future-iat "$RS" claims/future-iat.json $KEY
claims wrong-audience ''
sed -i "s/\"aud\":\"$AUD\"/\"aud\":[\"another-product\"]/" claims/wrong-audience.json
sign wrong-audience "$RS" claims/wrong-audience.json $KEY
claims wrong-issuer ''
sed -i "s#\"iss\":\"$ISS\"#\"iss\":\"https://forger.example\"#" claims/wrong-issuer.json
sign wrong-issuer "$RS" claims/wrong-issuer.json $KEY
claims community ''
sed -i 's/"edition":"enterprise"/"edition":"community"/' claims/community.json
sign community "$RS" claims/community.json $KEY
claims other-vendor ''
sign other-vendor '{"alg":"RS256","typ":"license+jwt","kid":"other-vendor"}' claims/other-vendor.json keys/other-vendor-private.pem
claims forged-with-our-kid ''
sign forged-with-our-kid "$RS" claims/forged-with-our-kid.json keys/other-vendor-private.pem
claims missing-typ ''
sign missing-typ '{"alg":"RS256","kid":"vendor-test"}' claims/missing-typ.json $KEY
claims wrong-typ ''
sign wrong-typ '{"alg":"RS256","typ":"JWT","kid":"vendor-test"}' claims/wrong-typ.json $KEY
claims claim-wrong-type ''
sed -i "s/\"iat\":$IAT/\"iat\":\"$IAT\"/" claims/claim-wrong-type.json
sign claim-wrong-type "$RS" claims/claim-wrong-type.json $KEY

# alg none: an empty signature.
printf '%s.%s.\n' "$(json_b64 '{"alg":"none","typ":"license+jwt"}')" "$(json_b64 "$(cat claims/perpetual-enterprise.json)")" > licenses/alg-none.jwt
# HS256 keyed with the vendor public key's PEM bytes: the classic algorithm-confusion forgery.
input="$(json_b64 '{"alg":"HS256","typ":"license+jwt","kid":"vendor-test"}').$(json_b64 "$(cat claims/perpetual-enterprise.json)")"
printf '%s.%s\n' "$input" "$(printf '%s' "$input" | openssl dgst -sha256 -mac HMAC -macopt "key:$(cat keys/vendor-test.pem)" -binary | b64url)" > licenses/hs256-public-key.jwt
# Tampered payload: the valid license's signature over an edited payload.
IFS=. read -r h _ s < licenses/perpetual-enterprise.jwt
tampered=$(sed 's/"max_instances":50/"max_instances":5000/' claims/perpetual-enterprise.json)
printf '%s.%s.%s\n' "$h" "$(json_b64 "$tampered")" "$s" > licenses/tampered-payload.jwt

# The envelope of the valid license, sealed with Python's cryptography (an independent AES-GCM).
python3 - <<'PY'
import base64, json, os
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
kid, key = open("distribution.ring").read().strip().split(":", 1)
key = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
header = b64(json.dumps({"alg": "dir", "enc": "A256GCM", "kid": kid, "cty": "license+jwt", "typ": "license+jwe"}, separators=(",", ":")).encode())
iv = os.urandom(12)
sealed = AESGCM(key).encrypt(iv, open("licenses/perpetual-enterprise.jwt").read().strip().encode(), header.encode())
open("envelopes/perpetual-enterprise.jwe", "w").write(".".join([header, "", b64(iv), b64(sealed[:-16]), b64(sealed[-16:])]) + "\n")
PY
chmod 644 claims/* licenses/* envelopes/*
echo "samples written to $(pwd)"
