# bindings/python: what the ctest python_package needs, sourced by .ci/deps
# (POSIX sh; need_cmd and $mode come from there): python3 with pip, and
# pytest and lxns (PyPI) for the python3 on PATH, installed as root when
# missing (with --break-system-packages where the interpreter is Debian's).
need_cmd python3 python3
if [ "$mode" = all ] && command -v python3 >/dev/null 2>&1 &&
    ! python3 -c 'import pytest, lxns' >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
        if ! python3 -m pip --version >/dev/null 2>&1 && command -v apt-get >/dev/null; then
            echo "installing: python3-pip"
            apt-get update -qq &&
                DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-pip >/dev/null ||
                { echo "apt-get install python3-pip failed" >&2; exit 1; }
        fi
        echo "installing: pytest lxns (PyPI)"
        python3 -m pip install -q pytest lxns ||
            python3 -m pip install -q --break-system-packages pytest lxns ||
            { echo "pip install pytest lxns failed" >&2; exit 1; }
    else
        echo "missing: python3 -m pip install --user pytest lxns" >&2
        exit 1
    fi
fi
