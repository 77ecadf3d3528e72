# Signs a sample enterprise license with a TEST-ONLY vendor key; sourced by scripts that run the
# system end to end (demo.sh, soak.sh).
#
#   sign_sample_license LICENSE_TOOL PRIVATE_KEY_PEM JTI    prints the license file, iat = now

sign_sample_license() {
    local tool=$1 key=$2 jti=$3
    local now claims
    now=$(date +%s)
    claims=$(mktemp)
    cat >"$claims" <<JSON
{"iss":"https://vendor.example","aud":"ai-agent-os","sub":"cust-0042","jti":"$jti","iat":$now,
 "exp":$((now + 365 * 86400)),"grace":1209600,"edition":"enterprise","features":["sso","audit-log"],
 "limits":{"max_instances":50},"customer":"Example Corp"}
JSON
    local status=0
    "$tool" sign --key "$key" --claims "$claims" --kid vendor-test || status=$?
    rm -f "$claims"
    return "$status"
}
