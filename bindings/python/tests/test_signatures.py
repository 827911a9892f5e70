"""Every function's ctypes declaration against its prototype in linuxns.h:
the same number of parameters, and each parameter and the result of the
same kind (signed or unsigned integer of the same size, pointer, function
pointer), so a header change that breaks the binding fails here."""

import ctypes
import re
from pathlib import Path
from typing import Any, List, Tuple

from linuxns import _lib

# C type (as the header writes it, without parameter names) -> the kind the
# declaration must have: ("int", size, signed), ("ptr",), ("fn",), ("void",).
C_INT = {
    "int": (4, True), "pid_t": (4, True), "int32_t": (4, True),
    "unsigned int": (4, False), "uint32_t": (4, False), "uid_t": (4, False),
    "gid_t": (4, False), "mode_t": (4, False), "unsigned short": (2, False),
    "int64_t": (8, True), "uint64_t": (8, False),
    "size_t": (ctypes.sizeof(ctypes.c_size_t), False),
    "unsigned long": (ctypes.sizeof(ctypes.c_ulong), False),
}


def c_kind(ctype: str) -> Tuple[Any, ...]:
    t = " ".join(ctype.replace("const", " ").split())
    if "(*" in t or t in ("ns_list_cb", "ns_mount_cb"):
        return ("fn",)
    if "*" in t:
        return ("ptr",)
    if t == "void":
        return ("void",)
    size, signed = C_INT[t]
    return ("int", size, signed)


def py_kind(t: Any) -> Tuple[Any, ...]:
    if t is None:
        return ("void",)
    if isinstance(t, type) and issubclass(t, ctypes._CFuncPtr):  # type: ignore[attr-defined]
        return ("fn",)
    if t in (ctypes.c_char_p, ctypes.c_void_p) or (
            isinstance(t, type) and issubclass(t, ctypes._Pointer)):  # type: ignore[attr-defined]
        return ("ptr",)
    signed = t(-1).value < 0
    return ("int", ctypes.sizeof(t), signed)


def split_params(params: str) -> List[str]:
    out, depth, cur = [], 0, ""
    for ch in params:
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        cur += ch
    if cur.strip():
        out.append(cur)
    return [p.strip() for p in out]


def strip_name(param: str) -> str:
    if "(*" in param:                      # int (*fn)(void *arg)
        return param
    return re.sub(r"\b[a-z_][a-z_0-9]*$", "", param).strip() or param


def prototypes(header: str) -> List[Tuple[str, str, List[str]]]:
    text = re.sub(r"/\*.*?\*/", "", header, flags=re.S)
    found = []
    for m in re.finditer(r"^([a-z][\w \*]*?)\s*\b(ns_\w+)\((.*?)\);", text, re.M | re.S):
        ret, name, params = m.group(1), m.group(2), " ".join(m.group(3).split())
        args = [] if params in ("", "void") else [strip_name(p) for p in split_params(params)]
        found.append((ret.strip(), name, args))
    return found


def test_every_declaration_matches_its_prototype() -> None:
    header = (Path(__file__).resolve().parents[3] / "include" / "linuxns.h").read_text()
    protos = prototypes(header)
    # 53 of LINUXNS_0.1 and 26 of LINUXNS_0.2 (linuxns.map; 4 of them pools)
    assert len(protos) == 79, [p[1] for p in protos]
    assert {p[1] for p in protos} == set(_lib.FUNCTIONS)
    checked = 0
    for ret, name, args in protos:
        f = getattr(_lib.lib, name)
        declared = f.argtypes or []
        assert len(declared) == len(args), (name, args, declared)
        for c, p in zip(args, declared):
            assert c_kind(c) == py_kind(p), (name, c, p)
        assert c_kind(ret) == py_kind(f.restype), (name, ret, f.restype)
        checked += 1
    assert checked == 79
