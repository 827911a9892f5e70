#!/bin/sh
# The ctest entry python_package: pip-install the package from a copy of
# this directory into a --target dir of the build tree (offline, no build
# isolation), then run its pytest suite against that install.
#   sh ctest.sh PYTHON SOURCE_DIR WORK_DIR SKIP_CODE
# SKIP_CODE is 77 (ctest: skipped) or 1 (CI: a missing pytest fails).
set -u
py=$1 src=$2 work=$3 skip=$4

if ! "$py" -c 'import pytest' 2>/dev/null; then
    echo "python_package: pytest not importable by $py (python3 -m pip install pytest)" >&2
    exit "$skip"
fi

rm -rf "$work" && mkdir -p "$work/pkg" || exit 1
# A copy: pip's setuptools build writes build/ and *.egg-info next to the sources.
cp -R "$src/pyproject.toml" "$src/README.md" "$src/_build" "$src/src" "$work/pkg/" || exit 1
export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
"$py" -m pip install -q --no-build-isolation --no-deps --no-index \
    --target "$work/site" "$work/pkg" || { echo "python_package: pip install failed" >&2; exit 1; }

export PYTHONPATH="$work/site${PYTHONPATH:+:$PYTHONPATH}" PYTHONDONTWRITEBYTECODE=1
"$py" -c 'import linuxns, sys; print("linuxns", linuxns.version(), "from", linuxns.__file__)' || exit 1
case $("$py" -c 'import linuxns; print(linuxns.__file__)') in
    "$work/site/"*) ;;
    *) echo "python_package: linuxns not imported from the install in $work/site" >&2; exit 1 ;;
esac

cd "$src" || exit 1
"$py" -m pytest -p no:cacheprovider -q -rs tests
rc=$?
if [ "$rc" = 5 ]; then
    echo "python_package: pytest collected no tests" >&2
    exit 1
fi
exit "$rc"
