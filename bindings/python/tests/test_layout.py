"""The package's constants and ctypes structs against include/linuxns.h.

The header is compiled into a tiny C program printing every #define and the
sizeof/offsetof of the structs the package declares (ns_idmap, ns_info,
ns_mount_info, ns_handle, and the system's rlimit and sock_filter) (cc); without a C
compiler the #defines are read from the header text instead.
"""
from __future__ import annotations

import ctypes
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Dict

import pytest

import linuxns
import linuxns.namespaces as lns
from linuxns import _lib

HERE = Path(__file__).resolve().parent
HEADER = Path(os.environ.get("LINUXNS_HEADER", HERE.parents[2] / "include" / "linuxns.h"))

STRUCTS = {"ns_idmap": _lib.ns_idmap, "ns_info": _lib.ns_info,
           "ns_mount_info": _lib.ns_mount_info, "ns_handle": _lib.ns_handle,
           "rlimit": _lib.rlimit, "sock_filter": _lib.sock_filter}


@pytest.fixture(scope="module")
def header() -> str:
    if not HEADER.exists():
        pytest.skip(f"{HEADER} not found (set LINUXNS_HEADER)")
    return HEADER.read_text()


def _define_names(text: str) -> list:
    return [m for m in re.findall(r"^#define\s+((?:NS|LINUXNS)_[A-Z0-9_]+)[ \t]+\S", text, re.M)
            if m not in ("LINUXNS_VERSION_STRING",)]


@pytest.fixture(scope="module")
def compiled(header: str, tmp_path_factory) -> Dict[str, int]:
    cc = shutil.which("cc") or shutil.which("gcc")
    if not cc:
        pytest.skip("no C compiler")
    lines = ['#include "linuxns.h"', "#include <stdio.h>", "#include <stddef.h>", "int main(void) {"]
    for name in _define_names(header):
        lines.append(f'  printf("{name} %lld\\n", (long long)({name}));')
    for sname, cls in STRUCTS.items():
        lines.append(f'  printf("sizeof.{sname} %zu\\n", sizeof(struct {sname}));')
        lines.append(f'  printf("alignof.{sname} %zu\\n", _Alignof(struct {sname}));')
        for field, _ in cls._fields_:
            lines.append(f'  printf("offsetof.{sname}.{field} %zu\\n", offsetof(struct {sname}, {field}));')
            lines.append(f'  printf("sizeof.{sname}.{field} %zu\\n", sizeof(((struct {sname} *)0)->{field}));')
    lines += ["  return 0;", "}"]
    d = tmp_path_factory.mktemp("layout")
    (d / "layout.c").write_text("\n".join(lines) + "\n")
    subprocess.run([cc, "-std=c11", "-I", str(HEADER.parent), "-o", str(d / "layout"), str(d / "layout.c")],
                   check=True)
    out = subprocess.run([str(d / "layout")], check=True, capture_output=True, text=True).stdout
    return {k: int(v) for k, v in (l.split() for l in out.splitlines())}


def test_struct_layouts(compiled: Dict[str, int]) -> None:
    for sname, cls in STRUCTS.items():
        assert ctypes.sizeof(cls) == compiled[f"sizeof.{sname}"], sname
        assert ctypes.alignment(cls) == compiled[f"alignof.{sname}"], sname
        assert [f for f, _ in cls._fields_] == [k.split(".")[2] for k in compiled
                                                 if k.startswith(f"offsetof.{sname}.")]
        for field, ctype in cls._fields_:
            assert getattr(cls, field).offset == compiled[f"offsetof.{sname}.{field}"], field
            assert ctypes.sizeof(ctype) == compiled[f"sizeof.{sname}.{field}"], field
    assert ctypes.sizeof(_lib.ns_info) == 40 and ctypes.sizeof(_lib.ns_idmap) == 12
    assert ctypes.sizeof(_lib.ns_handle) == 64  # "64 bytes with no padding"


def test_constants_compiled(compiled: Dict[str, int]) -> None:
    checked = 0
    for name, value in compiled.items():
        if name.startswith("NS_"):
            assert getattr(linuxns, name) == value, name
            checked += 1
    assert checked == len([n for n in _define_names(HEADER.read_text()) if n.startswith("NS_")])
    # 24 of 0.1, NS_LIST_ALL, NS_POOL_LO_UP, 5 NS_CAPS_*, 17 NS_FEATURE_*, NS_HANDLE_TEXT_MAX
    assert checked >= 49
    version = f"{compiled['LINUXNS_VERSION_MAJOR']}.{compiled['LINUXNS_VERSION_MINOR']}." \
              f"{compiled['LINUXNS_VERSION_PATCH']}"
    assert linuxns.version() == version


def test_constants_from_header_text(header: str) -> None:
    simple = dict(re.findall(r"^#define\s+(NS_[A-Z0-9_]+)\s+(0x[0-9a-fA-F]+|\d+)\s*$", header, re.M))
    assert len(simple) >= 48  # with NS_POOL_LO_UP
    for name, value in simple.items():
        assert getattr(linuxns, name) == int(value, 0), name
    # every NS_* the header defines is in the package
    assert set(_define_names(header)) - {"LINUXNS_VERSION_MAJOR", "LINUXNS_VERSION_MINOR",
                                         "LINUXNS_VERSION_PATCH"} <= set(dir(linuxns))
    # the lxns-style names are the kernel's CLONE_NEW* bits, the same as NS_*
    assert (lns.CLONE_NEWNS, lns.CLONE_NEWCGROUP, lns.CLONE_NEWUTS, lns.CLONE_NEWIPC, lns.CLONE_NEWUSER,
            lns.CLONE_NEWPID, lns.CLONE_NEWNET, lns.CLONE_NEWTIME) == (
        linuxns.NS_MNT, linuxns.NS_CGROUP, linuxns.NS_UTS, linuxns.NS_IPC, linuxns.NS_USER,
        linuxns.NS_PID, linuxns.NS_NET, linuxns.NS_TIME)


def test_function_prototypes_declared(header: str) -> None:
    protos = re.findall(r"^[a-z][\w \*]*?\b(ns_\w+)\(", header, re.M)
    assert len(set(protos)) == 79  # 53 of LINUXNS_0.1, 26 of LINUXNS_0.2 (4 of pools)
    assert set(protos) == set(_lib.FUNCTIONS)
