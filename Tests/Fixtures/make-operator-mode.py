"""Writes an operator-mode nats-server setup and a user .creds file (tests of JWT auth).

    python3 make-operator-mode.py OUTPUT_DIR ok|expired|revoked

The JWTs are built here from their published format (header {"typ":"JWT","alg":"ed25519-nkey"},
claims with a "nats" section, Ed25519 signature by the issuer's NKey) with Python's nkeys, an
implementation independent of the client under test.
"""
import base64, hashlib, json, os, sys, time
import nkeys

def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

def keypair(prefix):
    seed = nkeys.encode_seed(os.urandom(32), prefix)
    return seed.decode(), nkeys.from_seed(bytearray(seed))

def jwt(claims, signer):
    claims["jti"] = base64.b32encode(hashlib.sha256(json.dumps(claims, sort_keys=True).encode()).digest()).decode().rstrip("=")
    header = b64(json.dumps({"typ": "JWT", "alg": "ed25519-nkey"}).encode())
    body = b64(json.dumps(claims).encode())
    return header + "." + body + "." + b64(signer.sign((header + "." + body).encode()))

out, mode = sys.argv[1], sys.argv[2]
now = int(time.time())
_, operator = keypair(nkeys.PREFIX_BYTE_OPERATOR)
_, account = keypair(nkeys.PREFIX_BYTE_ACCOUNT)
user_seed, user = keypair(nkeys.PREFIX_BYTE_USER)
op_pub, acc_pub, user_pub = (k.public_key.decode() for k in (operator, account, user))
operator_jwt = jwt({"iat": now, "iss": op_pub, "name": "op", "sub": op_pub, "nats": {"type": "operator", "version": 2}}, operator)
limits = {"subs": -1, "data": -1, "payload": -1, "imports": -1, "exports": -1, "wildcards": True, "conn": -1, "leaf": -1}
account_nats = {"limits": limits, "default_permissions": {"pub": {}, "sub": {}}, "type": "account", "version": 2}
if mode == "revoked":
    account_nats["revocations"] = {user_pub: now + 10}
account_jwt = jwt({"iat": now, "iss": op_pub, "name": "acc", "sub": acc_pub, "nats": account_nats}, operator)
user_claims = {"iat": now - 5, "iss": acc_pub, "name": "u", "sub": user_pub,
               "nats": {"pub": {}, "sub": {}, "subs": -1, "data": -1, "payload": -1, "type": "user", "version": 2}}
if mode == "expired":
    user_claims["exp"] = now - 60
user_jwt = jwt(user_claims, account)
with open(os.path.join(out, "operator.jwt"), "w") as f:
    f.write(operator_jwt)
with open(os.path.join(out, "server.conf"), "w") as f:
    f.write("operator: %s\nresolver: MEMORY\nresolver_preload: {\n  %s: %s\n}\n" % (os.path.join(out, "operator.jwt"), acc_pub, account_jwt))
creds = os.path.join(out, "user.creds")
with open(creds, "w") as f:
    f.write("-----BEGIN NATS USER JWT-----\n%s\n------END NATS USER JWT------\n\n"
            "************************* IMPORTANT *************************\n"
            "NKEY Seed printed below can be used to sign and prove identity.\n\n"
            "-----BEGIN USER NKEY SEED-----\n%s\n------END USER NKEY SEED------\n" % (user_jwt, user_seed))
os.chmod(creds, 0o600)
