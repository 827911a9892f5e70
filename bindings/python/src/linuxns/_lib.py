"""Loading liblinuxns and declaring its 79 functions for ctypes.

The library is found, in this order, at:

1. the path in the environment variable LINUXNS_LIBRARY, when it is set
   (then nothing else is tried);
2. "liblinuxns.so.0" through the dynamic loader's own search
   (LD_LIBRARY_PATH, the rpath of the interpreter, /etc/ld.so.cache, the
   default directories);
3. whatever ctypes.util.find_library("linuxns") names.

A failure raises ImportError listing every place that was tried.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
from typing import Any, Callable, List, Optional

SONAME = "liblinuxns.so.0"
ENV_VAR = "LINUXNS_LIBRARY"


def _load() -> ctypes.CDLL:
    explicit = os.environ.get(ENV_VAR)
    if explicit:
        try:
            return ctypes.CDLL(explicit, use_errno=True)
        except OSError as e:
            raise ImportError(
                f"linuxns: cannot load liblinuxns from {ENV_VAR}={explicit!r}: {e}"
            ) from None
    tried: List[str] = []
    try:
        return ctypes.CDLL(SONAME, use_errno=True)
    except OSError as e:
        tried.append(f"{SONAME} through the dynamic loader "
                     f"(LD_LIBRARY_PATH={os.environ.get('LD_LIBRARY_PATH', '')!r}, "
                     f"ld.so.cache, default directories): {e}")
    found = ctypes.util.find_library("linuxns")
    if found:
        try:
            return ctypes.CDLL(found, use_errno=True)
        except OSError as e:
            tried.append(f"ctypes.util.find_library('linuxns') = {found!r}: {e}")
    else:
        tried.append("ctypes.util.find_library('linuxns'): not found")
    raise ImportError(
        "linuxns: liblinuxns.so.0 not found; tried " + "; ".join(tried)
        + f". Install liblinuxns, set LD_LIBRARY_PATH to its directory, "
        f"or set {ENV_VAR} to the library's path."
    )


lib = _load()

c_int, c_uint, c_int64, c_uint32, c_uint64 = (
    ctypes.c_int, ctypes.c_uint, ctypes.c_int64, ctypes.c_uint32, ctypes.c_uint64)
c_size_t, c_ulong, c_char_p, c_void_p = ctypes.c_size_t, ctypes.c_ulong, ctypes.c_char_p, ctypes.c_void_p
pid_t = ctypes.c_int
uid_t = ctypes.c_uint32
gid_t = ctypes.c_uint32
mode_t = ctypes.c_uint32
c_ushort = ctypes.c_ushort


class ns_idmap(ctypes.Structure):
    """struct ns_idmap: `count` ids from `inside` are ids from `outside`."""
    _fields_ = [("inside", c_uint32), ("outside", c_uint32), ("count", c_uint32)]


class ns_info(ctypes.Structure):
    """struct ns_info, as ns_list reports it."""
    _fields_ = [
        ("id", c_uint64),
        ("userns_id", c_uint64),
        ("parent_id", c_uint64),
        ("type", ctypes.c_int32),
        ("nprocs", c_uint32),
        ("pid", ctypes.c_int32),
        ("owner_uid", c_uint32),
    ]


class ns_mount_info(ctypes.Structure):
    """struct ns_mount_info, as ns_mount_list reports it (the library fills
    `size` bytes of it: a field past that is absent in an older library)."""
    _fields_ = [
        ("size", c_uint32),
        ("propagation", c_uint32),
        ("id", c_uint64),
        ("parent_id", c_uint64),
        ("proc_id", c_uint32),
        ("proc_parent_id", c_uint32),
        ("dev_major", c_uint32),
        ("dev_minor", c_uint32),
        ("peer_group", c_uint64),
        ("master", c_uint64),
        ("attr", c_uint64),
        ("mount_point", c_char_p),
        ("root", c_char_p),
        ("fs_type", c_char_p),
        ("source", c_char_p),
        ("idmapped", c_uint32),
    ]


class ns_handle(ctypes.Structure):
    """struct ns_handle: 64 bytes naming one namespace (ns_handle_encode)."""
    _fields_ = [
        ("size", c_uint32),
        ("type", ctypes.c_int32),
        ("unique_id", c_uint64),
        ("inode", c_uint32),
        ("reserved", c_uint32 * 11),
    ]


class rlimit(ctypes.Structure):
    """struct rlimit of sys/resource.h (rlim_t is unsigned long on Linux)."""
    _fields_ = [("rlim_cur", c_ulong), ("rlim_max", c_ulong)]


class sock_filter(ctypes.Structure):
    """struct sock_filter of linux/filter.h: one classic BPF instruction."""
    _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8),
                ("k", c_uint32)]


NS_FN = ctypes.CFUNCTYPE(c_int, c_void_p)
NS_LIST_CB = ctypes.CFUNCTYPE(c_int, ctypes.POINTER(ns_info), c_void_p)
NS_MOUNT_CB = ctypes.CFUNCTYPE(c_int, ctypes.POINTER(ns_mount_info), c_void_p)
P_idmap = ctypes.POINTER(ns_idmap)
P_handle = ctypes.POINTER(ns_handle)
P_int = ctypes.POINTER(c_int)
P_char_p = ctypes.POINTER(c_char_p)

lib.ns_last_error.argtypes = []
lib.ns_last_error.restype = c_char_p
lib.ns_version.argtypes = []
lib.ns_version.restype = c_char_p


def last_error() -> str:
    """The calling thread's most recent failure, as the library words it."""
    raw = lib.ns_last_error()
    return raw.decode(errors="replace") if raw else ""


def error(code: int, func: str = "") -> OSError:
    """OSError(code, ns_last_error()): PermissionError, FileNotFoundError..."""
    text = last_error() or (f"{func}: {os.strerror(code)}" if func else os.strerror(code))
    return OSError(code, text)


def _check_int(result: int, func: Any, args: Any) -> int:
    if result < 0:
        raise error(-result, func.__name__)
    return result


def _check_ptr(result: Any, func: Any, args: Any) -> Any:
    if not result:
        code = ctypes.get_errno() or 12  # ENOMEM
        raise error(code, func.__name__)
    return result


_SIGNATURES = {
    # name: (argtypes, restype, errcheck)
    "ns_type_name": ([c_int], c_char_p, _check_ptr),
    "ns_type_from_name": ([c_char_p], c_int, _check_int),
    "ns_unshare": ([c_int], c_int, _check_int),
    "ns_setns": ([c_int, c_int], c_int, _check_int),
    "ns_open_pid": ([pid_t, c_int], c_int, _check_int),
    "ns_id": ([c_int, ctypes.POINTER(c_uint64)], c_int, _check_int),
    "ns_write_uid_map": ([pid_t, P_idmap, c_size_t, c_uint], c_int, _check_int),
    "ns_write_gid_map": ([pid_t, P_idmap, c_size_t, c_uint], c_int, _check_int),
    "ns_clone": ([c_int, NS_FN, c_void_p, P_int], pid_t, _check_int),
    "ns_enter_pid": ([pid_t, c_int], c_int, _check_int),
    "ns_run_in": ([c_int, c_int, NS_FN, c_void_p, P_int], c_int, _check_int),
    "ns_new": ([c_int], c_int, _check_int),
    "ns_new_userns": ([P_idmap, c_size_t, P_idmap, c_size_t, c_uint], c_int, _check_int),
    "ns_open_pidfd": ([c_int, c_int], c_int, _check_int),
    "ns_open_path": ([c_char_p, c_int], c_int, _check_int),
    "ns_open_name": ([c_char_p], c_int, _check_int),
    "ns_type": ([c_int], c_int, _check_int),
    "ns_get_userns": ([c_int], c_int, _check_int),
    "ns_get_parent": ([c_int], c_int, _check_int),
    "ns_owner_uid": ([c_int, ctypes.POINTER(uid_t)], c_int, _check_int),
    "ns_same": ([c_int, c_int], c_int, _check_int),
    "ns_unique_id": ([c_int, ctypes.POINTER(c_uint64)], c_int, _check_int),
    "ns_bind": ([c_int, c_char_p], c_int, _check_int),
    "ns_unbind": ([c_char_p], c_int, _check_int),
    "ns_netns_add": ([c_char_p], c_int, _check_int),
    "ns_netns_del": ([c_char_p], c_int, _check_int),
    "ns_spawn": ([c_char_p, P_char_p, P_char_p, c_void_p, P_int], pid_t, _check_int),
    "ns_spawn_fn": ([c_void_p, NS_FN, c_void_p, P_int], pid_t, _check_int),
    "ns_spawn_attr_new": ([], c_void_p, _check_ptr),
    "ns_spawn_attr_free": ([c_void_p], None, None),
    "ns_spawn_attr_set_namespaces": ([c_void_p, c_int], c_int, _check_int),
    "ns_spawn_attr_join": ([c_void_p, c_int, c_int], c_int, _check_int),
    "ns_spawn_attr_map_root": ([c_void_p], c_int, _check_int),
    "ns_spawn_attr_set_uid_map": ([c_void_p, P_idmap, c_size_t, c_uint], c_int, _check_int),
    "ns_spawn_attr_set_gid_map": ([c_void_p, P_idmap, c_size_t, c_uint], c_int, _check_int),
    "ns_spawn_attr_set_hostname": ([c_void_p, c_char_p], c_int, _check_int),
    "ns_spawn_attr_set_root": ([c_void_p, c_char_p], c_int, _check_int),
    "ns_spawn_attr_set_mount_proc": ([c_void_p, c_int], c_int, _check_int),
    "ns_spawn_attr_set_propagation": ([c_void_p, c_int], c_int, _check_int),
    "ns_spawn_attr_set_cwd": ([c_void_p, c_char_p], c_int, _check_int),
    "ns_spawn_attr_set_fd": ([c_void_p, c_int, c_int], c_int, _check_int),
    "ns_spawn_attr_set_close_fds": ([c_void_p, c_int], c_int, _check_int),
    "ns_spawn_attr_set_pdeathsig": ([c_void_p, c_int], c_int, _check_int),
    "ns_spawn_attr_set_cgroup": ([c_void_p, c_int], c_int, _check_int),
    "ns_spawn_attr_set_time_offset": ([c_void_p, c_int, c_int64, c_int64], c_int, _check_int),
    "ns_list": ([c_int, NS_LIST_CB, c_void_p], c_int, _check_int),
    "ns_get_limit": ([c_int], c_int64, _check_int),
    "ns_set_limit": ([c_int, c_int64], c_int, _check_int),
    "ns_set_time_offset": ([pid_t, c_int, c_int64, c_int64], c_int, _check_int),
    "ns_pivot_root": ([c_char_p, c_char_p], c_int, _check_int),
    "ns_kcmp": ([pid_t, pid_t, c_int, c_ulong, c_ulong], c_int, _check_int),
    # LINUXNS_0.2
    "ns_list_ex": ([c_int, c_uint, NS_LIST_CB, c_void_p], c_int, _check_int),
    "ns_mount_list": ([c_int, NS_MOUNT_CB, c_void_p], c_int, _check_int),
    "ns_mount_count": ([c_int], c_int, _check_int),
    "ns_handle_encode": ([c_int, P_handle], c_int, _check_int),
    "ns_open_handle": ([P_handle, c_int], c_int, _check_int),
    "ns_handle_format": ([P_handle, c_char_p, c_size_t], c_int, _check_int),
    "ns_handle_parse": ([c_char_p, P_handle], c_int, _check_int),
    "ns_mount_idmapped": ([c_char_p, c_char_p, c_int, c_uint], c_int, _check_int),
    "ns_spawn_attr_set_root_idmap": ([c_void_p, c_int], c_int, _check_int),
    "ns_pid_translate": ([pid_t, c_int, c_int], pid_t, _check_int),
    "ns_pidfd_status": ([c_int, P_int], c_int, _check_int),
    "ns_features": ([], c_uint64, None),
    "ns_spawn_attr_set_ids": ([c_void_p, uid_t, gid_t, ctypes.POINTER(gid_t), c_size_t], c_int,
                              _check_int),
    "ns_spawn_attr_set_setsid": ([c_void_p, c_int], c_int, _check_int),
    "ns_spawn_attr_set_pgid": ([c_void_p, pid_t], c_int, _check_int),
    "ns_spawn_attr_set_caps": ([c_void_p, c_uint, c_uint64], c_int, _check_int),
    "ns_spawn_attr_set_rlimit": ([c_void_p, c_int, ctypes.POINTER(rlimit)], c_int, _check_int),
    "ns_spawn_attr_set_seccomp": ([c_void_p, ctypes.POINTER(sock_filter), c_ushort], c_int,
                                  _check_int),
    "ns_spawn_attr_set_umask": ([c_void_p, mode_t], c_int, _check_int),
    "ns_spawn_attr_set_no_new_privs": ([c_void_p, c_int], c_int, _check_int),
    "ns_spawn_attr_set_autoreap": ([c_void_p, c_int], c_int, _check_int),
    "ns_spawn_attr_set_autokill": ([c_void_p, c_int], c_int, _check_int),
    # namespace pools (LINUXNS_0.2)
    "ns_pool_new": ([c_int, c_uint, c_uint], c_void_p, _check_ptr),
    "ns_pool_free": ([c_void_p], None, None),
    "ns_pool_take": ([c_void_p, P_int], c_int, _check_int),
    "ns_spawn_attr_use_pool": ([c_void_p, c_void_p], c_int, _check_int),
}

for _name, (_argtypes, _restype, _errcheck) in _SIGNATURES.items():
    _f = getattr(lib, _name)
    _f.argtypes = _argtypes
    _f.restype = _restype
    if _errcheck is not None:
        _f.errcheck = _errcheck

#: Every function of the library this module declares (all 79).
FUNCTIONS = ("ns_version", "ns_last_error") + tuple(_SIGNATURES)


def idmap_array(entries: Optional[Any]) -> "tuple[Any, int]":
    """(ns_idmap array or None, count) from (inside, outside, count) triples."""
    if not entries:
        return None, 0
    items = [e if isinstance(e, ns_idmap) else ns_idmap(*e) for e in entries]
    return (ns_idmap * len(items))(*items), len(items)


Callback = Callable[[], Any]
