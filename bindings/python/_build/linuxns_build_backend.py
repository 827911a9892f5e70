"""PEP 517 backend: setuptools, with a fallback for interpreters without
the ``wheel`` package.

setuptools older than 70.1 needs ``wheel`` to build a wheel (and one
older than 61 cannot read the [project] table at all), and
``pip install --no-build-isolation`` does not install it, so on such an
interpreter (pyenv's, with setuptools 65) the build would fail offline.
This package is pure Python, so then the wheel is written here, from the
static metadata in pyproject.toml; everything else is setuptools'.
"""
from __future__ import annotations

import base64
import hashlib
import os
import zipfile
from typing import Any, Dict, List, Optional

from setuptools import build_meta as _setuptools
from setuptools.build_meta import *  # noqa: F401,F403  (sdist, editable, ...)

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _has_bdist_wheel() -> bool:
    """Whether setuptools can build this wheel itself: the [project] table
    needs setuptools 61, bdist_wheel needs 70.1 or the wheel package."""
    import setuptools
    try:
        major, minor = (int(x) for x in setuptools.__version__.split(".")[:2])
    except ValueError:
        return False
    if (major, minor) < (61, 0):
        return False
    try:
        import setuptools.command.bdist_wheel  # noqa: F401  (setuptools >= 70.1)
        return True
    except ImportError:
        pass
    try:
        import wheel.bdist_wheel  # noqa: F401
        return True
    except ImportError:
        return False


def _toml() -> Dict[str, Any]:
    try:
        import tomllib as toml  # type: ignore[import-not-found]
    except ImportError:
        try:
            import tomli as toml  # type: ignore[no-redef]
        except ImportError:
            try:
                from pip._vendor import tomli as toml  # type: ignore[no-redef]
            except ImportError:
                from setuptools.extern import tomli as toml  # type: ignore[no-redef]
    with open(os.path.join(HERE, "pyproject.toml"), "rb") as f:
        return toml.load(f)


def _metadata() -> str:
    p = _toml()["project"]
    lines = ["Metadata-Version: 2.1", f"Name: {p['name']}", f"Version: {p['version']}",
             f"Summary: {p.get('description', '')}"]
    if "requires-python" in p:
        lines.append(f"Requires-Python: {p['requires-python']}")
    for c in p.get("classifiers", []):
        lines.append(f"Classifier: {c}")
    for extra, reqs in p.get("optional-dependencies", {}).items():
        lines.append(f"Provides-Extra: {extra}")
        lines += [f'Requires-Dist: {r}; extra == "{extra}"' for r in reqs]
    body = ""
    readme = os.path.join(HERE, p.get("readme", "README.md"))
    if os.path.exists(readme):
        lines.append("Description-Content-Type: text/markdown")
        with open(readme, encoding="utf-8") as f:
            body = "\n" + f.read()
    return "\n".join(lines) + "\n" + body


def _dist_info_name() -> str:
    p = _toml()["project"]
    return f"{p['name']}-{p['version']}.dist-info"


def _write_dist_info(directory: str) -> str:
    name = _dist_info_name()
    d = os.path.join(directory, name)
    os.makedirs(d, exist_ok=True)
    files = {
        "METADATA": _metadata(),
        "WHEEL": "Wheel-Version: 1.0\nGenerator: linuxns_build_backend\n"
                 "Root-Is-Purelib: true\nTag: py3-none-any\n",
        "top_level.txt": "linuxns\n",
    }
    for fname, text in files.items():
        with open(os.path.join(d, fname), "w", encoding="utf-8") as f:
            f.write(text)
    return name


def get_requires_for_build_wheel(config_settings: Optional[Dict[str, Any]] = None) -> List[str]:
    if _has_bdist_wheel():
        return _setuptools.get_requires_for_build_wheel(config_settings)
    return []


def prepare_metadata_for_build_wheel(metadata_directory: str,
                                     config_settings: Optional[Dict[str, Any]] = None) -> str:
    if _has_bdist_wheel():
        return _setuptools.prepare_metadata_for_build_wheel(metadata_directory, config_settings)
    return _write_dist_info(metadata_directory)


def _record_line(arcname: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{arcname},sha256={digest},{len(data)}"


def build_wheel(wheel_directory: str, config_settings: Optional[Dict[str, Any]] = None,
                metadata_directory: Optional[str] = None) -> str:
    if _has_bdist_wheel():
        return _setuptools.build_wheel(wheel_directory, config_settings, metadata_directory)
    p = _toml()["project"]
    wheel_name = f"{p['name']}-{p['version']}-py3-none-any.whl"
    src = os.path.join(HERE, "src")
    entries: List[tuple] = []
    for root, dirs, names in os.walk(os.path.join(src, "linuxns")):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for n in sorted(names):
            if n.endswith((".py", ".typed")):
                full = os.path.join(root, n)
                with open(full, "rb") as f:
                    entries.append((os.path.relpath(full, src), f.read()))
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        info = _write_dist_info(tmp)
        for n in sorted(os.listdir(os.path.join(tmp, info))):
            with open(os.path.join(tmp, info, n), "rb") as f:
                entries.append((f"{info}/{n}", f.read()))
    os.makedirs(wheel_directory, exist_ok=True)
    record = [_record_line(a, d) for a, d in entries] + [f"{info}/RECORD,,"]
    with zipfile.ZipFile(os.path.join(wheel_directory, wheel_name), "w",
                         zipfile.ZIP_DEFLATED) as z:
        for arcname, data in entries:
            z.writestr(arcname, data)
        z.writestr(f"{info}/RECORD", "\n".join(record) + "\n")
    return wheel_name
