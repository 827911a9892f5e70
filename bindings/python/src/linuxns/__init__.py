"""Linux namespaces from Python, over liblinuxns (ctypes).

Namespaces are :class:`Namespace` objects wrapping a namespace descriptor;
failures raise :class:`OSError` subclasses (PermissionError,
FileNotFoundError, ...) whose text is the library's ``ns_last_error()``,
beginning with the C function's name.

>>> import linuxns
>>> with linuxns.open_pid(0, "net") as ns:
...     print(ns.id, ns.type_name)

The functions of LINUXNS_0.2 add namespace file handles
(:class:`NsHandle`), the mounts of any mount namespace
(:func:`list_mounts`), namespaces no process is in
(``list_namespaces(all=True)``), pids across PID namespaces
(:func:`pid_translate`), a pidfd's status (:func:`pidfd_status`), the
kernel features found (:func:`features`), idmapped mounts
(:func:`mount_idmapped`), and spawns with ids, a session or process
group, capabilities, resource limits, a seccomp filter, a umask and
no_new_privs, and (Linux 7.1) children the kernel reaps itself or kills
when their pidfd closes. A :class:`Pool` keeps sets of namespaces made
ahead of time by a background thread, for spawns (``pool=``) and
:meth:`Pool.take`.

``linuxns.namespaces`` is a drop-in for ``lxns.namespaces``.
"""
from __future__ import annotations

import ctypes
import enum
import errno
import os
import select
import signal
import subprocess
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from typing import (IO, Any, Callable, Dict, Iterable, List, Mapping, Optional,
                    Sequence, Tuple, TypeVar, Union)

from . import _lib
from ._lib import lib, last_error

__all__ = [
    "NS_MNT", "NS_CGROUP", "NS_UTS", "NS_IPC", "NS_USER", "NS_PID", "NS_NET", "NS_TIME",
    "NS_ALL", "NS_FOR_CHILDREN", "NS_MAP_DENY_SETGROUPS", "NS_MAP_USE_HELPER",
    "NS_MAP_MAX_RANGES", "NS_PROPAGATION_PRIVATE", "NS_PROPAGATION_SLAVE",
    "NS_PROPAGATION_SHARED", "NS_PROPAGATION_UNCHANGED", "NS_KCMP_FILE", "NS_KCMP_VM",
    "NS_KCMP_FILES", "NS_KCMP_FS", "NS_KCMP_SIGHAND", "NS_KCMP_IO", "NS_KCMP_SYSVSEM",
    "NS_LIST_ALL", "NS_POOL_LO_UP", "NS_CAPS_BOUNDING", "NS_CAPS_PERMITTED", "NS_CAPS_EFFECTIVE",
    "NS_CAPS_INHERITABLE", "NS_CAPS_AMBIENT", "NS_HANDLE_TEXT_MAX",
    "NS_FEATURE_CLONE3", "NS_FEATURE_CLONE_INTO_CGROUP", "NS_FEATURE_SETNS_PIDFD",
    "NS_FEATURE_PIDFD_GET_NAMESPACE", "NS_FEATURE_NS_GET_ID", "NS_FEATURE_NSFS_HANDLES",
    "NS_FEATURE_LISTNS", "NS_FEATURE_MNTNS_IOCTLS", "NS_FEATURE_LISTMOUNT",
    "NS_FEATURE_LISTMOUNT_NS_FD", "NS_FEATURE_PIDFD_INFO_EXIT", "NS_FEATURE_IDMAPPED_MOUNTS",
    "NS_FEATURE_PID_TRANSLATE", "NS_FEATURE_CLONE_NNP", "NS_FEATURE_CLONE_PIDFD_AUTOKILL",
    "NS_FEATURE_CLONE_AUTOREAP", "NS_FEATURE_CLONE_EMPTY_MNTNS",
    "CLONE_FILES", "CLONE_FS", "CLONE_SYSVSEM", "PIPE", "DEVNULL", "STDOUT",
    "Namespace", "NamespaceInfo", "IdMap", "SpawnAttr", "Process",
    "NsHandle", "MountInfo", "Feature", "Pool",
    "version", "last_error", "type_name", "type_from_name",
    "open_pid", "open_pidfd", "open_path", "open_name", "setns", "unshare", "enter_pid",
    "run_in", "list_namespaces", "new", "new_userns", "write_uid_map", "write_gid_map",
    "bind", "unbind", "netns_add", "netns_del", "get_limit", "set_limit",
    "set_time_offset", "pivot_root", "kcmp", "clone", "spawn", "spawn_fn",
    "open_handle", "list_mounts", "count_mounts", "pid_translate", "pidfd_status",
    "features", "mount_idmapped",
]

# Namespace types: the kernel's CLONE_NEW* bits (include/linuxns.h).
NS_MNT = 0x00020000
NS_CGROUP = 0x02000000
NS_UTS = 0x04000000
NS_IPC = 0x08000000
NS_USER = 0x10000000
NS_PID = 0x20000000
NS_NET = 0x40000000
NS_TIME = 0x00000080
NS_ALL = NS_MNT | NS_CGROUP | NS_UTS | NS_IPC | NS_USER | NS_PID | NS_NET | NS_TIME
NS_FOR_CHILDREN = 0x00000001
NS_MAP_DENY_SETGROUPS = 0x1
NS_MAP_USE_HELPER = 0x2
NS_MAP_MAX_RANGES = 340
NS_PROPAGATION_PRIVATE = 0
NS_PROPAGATION_SLAVE = 1
NS_PROPAGATION_SHARED = 2
NS_PROPAGATION_UNCHANGED = 3
NS_KCMP_FILE = 0
NS_KCMP_VM = 1
NS_KCMP_FILES = 2
NS_KCMP_FS = 3
NS_KCMP_SIGHAND = 4
NS_KCMP_IO = 5
NS_KCMP_SYSVSEM = 6
# list_namespaces(all=True): also the namespaces no process is in (ns_list_ex).
NS_LIST_ALL = 0x1
# Pool(flags=...): bring lo up in each pooled network namespace before a set
# is handed out, as `ip link set lo up` would (needs NS_NET; ns_pool_new).
NS_POOL_LO_UP = 0x1
# Capability sets of SpawnAttr.set_caps / spawn(caps=...).
NS_CAPS_BOUNDING = 0x1
NS_CAPS_PERMITTED = 0x2
NS_CAPS_EFFECTIVE = 0x4
NS_CAPS_INHERITABLE = 0x8
NS_CAPS_AMBIENT = 0x10
# Bits of features(): what the running kernel offers (and the library uses).
NS_FEATURE_CLONE3 = 0x1
NS_FEATURE_CLONE_INTO_CGROUP = 0x2
NS_FEATURE_SETNS_PIDFD = 0x4
NS_FEATURE_PIDFD_GET_NAMESPACE = 0x8
NS_FEATURE_NS_GET_ID = 0x10
NS_FEATURE_NSFS_HANDLES = 0x20
NS_FEATURE_LISTNS = 0x40
NS_FEATURE_MNTNS_IOCTLS = 0x80
NS_FEATURE_LISTMOUNT = 0x100
NS_FEATURE_LISTMOUNT_NS_FD = 0x200
NS_FEATURE_PIDFD_INFO_EXIT = 0x400
NS_FEATURE_IDMAPPED_MOUNTS = 0x800
NS_FEATURE_PID_TRANSLATE = 0x1000
NS_FEATURE_CLONE_NNP = 0x2000
NS_FEATURE_CLONE_PIDFD_AUTOKILL = 0x4000
NS_FEATURE_CLONE_AUTOREAP = 0x8000
NS_FEATURE_CLONE_EMPTY_MNTNS = 0x10000
# Room for the text of any NsHandle, with its NUL.
NS_HANDLE_TEXT_MAX = 40
# Other flags ns_unshare takes.
CLONE_FS = 0x00000200
CLONE_FILES = 0x00000400
CLONE_SYSVSEM = 0x00040000

PIPE = subprocess.PIPE
DEVNULL = subprocess.DEVNULL
STDOUT = subprocess.STDOUT

_NAMES = {"mnt": NS_MNT, "cgroup": NS_CGROUP, "uts": NS_UTS, "ipc": NS_IPC,
          "user": NS_USER, "pid": NS_PID, "net": NS_NET, "time": NS_TIME}

#: A namespace type: an NS_* value or its name ("net", "mnt", ...).
NsType = Union[int, str]
#: A mask: an int (OR of NS_* values) or an iterable of types.
NsTypes = Union[int, str, Iterable[NsType]]
#: One uid/gid map range: (inside, outside, count).
IdMap = Tuple[int, int, int]
#: What holds a descriptor: an int or an object with fileno().
FdLike = Union[int, "Namespace", Any]

T = TypeVar("T")


def _type(t: NsType) -> int:
    if isinstance(t, str):
        return int(lib.ns_type_from_name(t.encode()))
    return int(t)


def _types(types: NsTypes) -> int:
    if isinstance(types, (int, str)):
        return _type(types)
    mask = 0
    for t in types:
        mask |= _type(t)
    return mask


def _fd(obj: FdLike) -> int:
    return obj if isinstance(obj, int) else obj.fileno()


def _path(p: Union[str, bytes, "os.PathLike[str]"]) -> bytes:
    return os.fsencode(p)


def version() -> str:
    """The library's version, "MAJOR.MINOR.PATCH"."""
    return str(lib.ns_version().decode())


def type_name(type: int) -> str:
    """The /proc name of an NS_* value: "net", "mnt", ..."""
    return str(lib.ns_type_name(type).decode())


def type_from_name(name: str) -> int:
    """The NS_* value of a name such as "net"."""
    return int(lib.ns_type_from_name(name.encode()))


class Namespace:
    """A namespace, held by a descriptor this object owns (closed by close()
    or at the end of a ``with`` block)."""

    __slots__ = ("_fd",)

    def __init__(self, fd: int) -> None:
        """Take ownership of the namespace descriptor ``fd``."""
        self._fd: Optional[int] = fd

    def fileno(self) -> int:
        if self._fd is None:
            raise ValueError("namespace descriptor is closed")
        return self._fd

    @property
    def closed(self) -> bool:
        return self._fd is None

    def close(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)

    def detach(self) -> int:
        """Give up ownership: return the descriptor, which the caller closes."""
        fd = self.fileno()
        self._fd = None
        return fd

    def __enter__(self) -> "Namespace":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass

    @property
    def id(self) -> int:
        """The inode number: the N of readlink /proc/PID/ns/TYPE."""
        out = ctypes.c_uint64()
        lib.ns_id(self.fileno(), ctypes.byref(out))
        return out.value

    @property
    def unique_id(self) -> int:
        """The kernel's 64-bit id, never reused (kernel 6.18+, else OSError)."""
        out = ctypes.c_uint64()
        lib.ns_unique_id(self.fileno(), ctypes.byref(out))
        return out.value

    @property
    def type(self) -> int:
        """The NS_* value."""
        return int(lib.ns_type(self.fileno()))

    @property
    def type_name(self) -> str:
        """"net", "mnt", ..."""
        return type_name(self.type)

    @property
    def owner_uid(self) -> int:
        """The uid that created this user namespace, or for another type the
        one that created its owning user namespace."""
        uid = _lib.uid_t()
        if self.type == NS_USER:
            lib.ns_owner_uid(self.fileno(), ctypes.byref(uid))
        else:
            with self.userns() as owner:
                lib.ns_owner_uid(owner.fileno(), ctypes.byref(uid))
        return uid.value

    def userns(self) -> "Namespace":
        """The user namespace that owns this one (for a user namespace: its parent)."""
        return Namespace(lib.ns_get_userns(self.fileno()))

    def parent(self) -> "Namespace":
        """The parent of a PID or user namespace."""
        return Namespace(lib.ns_get_parent(self.fileno()))

    def setns(self) -> None:
        """Move the calling thread into this namespace (see :func:`setns`)."""
        lib.ns_setns(self.fileno(), 0)

    def run_in(self, fn: Callable[[], T]) -> T:
        """Run fn() on a new thread inside this namespace (see :func:`run_in`)."""
        return run_in(self, fn)

    def bind(self, path: Union[str, bytes, "os.PathLike[str]"]) -> None:
        """Keep this namespace alive at ``path`` (see :func:`bind`)."""
        bind(self, path)

    def same(self, other: FdLike) -> bool:
        return bool(lib.ns_same(self.fileno(), _fd(other)) == 1)

    def handle(self) -> "NsHandle":
        """A file handle of this namespace (Linux 6.18; OSError EOPNOTSUPP
        before): a token, or text with ``str()``, that reopens it while it
        lives, in this or another process (:meth:`NsHandle.open`)."""
        h = _lib.ns_handle()
        lib.ns_handle_encode(self.fileno(), ctypes.byref(h))
        return NsHandle._of(h)

    def mounts(self, callback: Optional[Callable[["MountInfo"], Optional[bool]]] = None
               ) -> List["MountInfo"]:
        """The mounts of this mount namespace (see :func:`list_mounts`)."""
        return list_mounts(self, callback)

    def mount_count(self) -> int:
        """How many mounts this mount namespace has (see :func:`count_mounts`)."""
        return count_mounts(self)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Namespace):
            return NotImplemented
        if self.closed or other.closed:
            return self is other
        return self.same(other)

    def __hash__(self) -> int:
        st = os.fstat(self.fileno())
        return hash((st.st_dev, st.st_ino))

    def __repr__(self) -> str:
        if self._fd is None:
            return "<Namespace closed>"
        try:
            return f"<Namespace {self.type_name}:[{self.id}] fd={self._fd}>"
        except OSError:
            return f"<Namespace fd={self._fd}>"


def open_pid(pid: int, type: NsType, *, for_children: bool = False) -> Namespace:
    """A namespace of process ``pid`` (0: the calling thread)."""
    return Namespace(lib.ns_open_pid(pid, _type(type) | (NS_FOR_CHILDREN if for_children else 0)))


def open_pidfd(pidfd: int, type: NsType, *, for_children: bool = False) -> Namespace:
    """A namespace of the process behind a pidfd, safe from pid reuse."""
    return Namespace(lib.ns_open_pidfd(pidfd, _type(type) | (NS_FOR_CHILDREN if for_children else 0)))


def open_path(path: Union[str, bytes, "os.PathLike[str]"], type: NsType = 0) -> Namespace:
    """A namespace file by path (/proc/PID/ns/X, a bind mount, /run/netns/NAME);
    ``type`` 0 accepts any."""
    return Namespace(lib.ns_open_path(_path(path), _type(type)))


def open_name(name: str) -> Namespace:
    """A network namespace by its ``ip netns`` name."""
    return Namespace(lib.ns_open_name(name.encode()))


def setns(ns: FdLike, types: NsTypes = 0) -> None:
    """Move the calling thread into a namespace (or a pidfd's ``types``)."""
    lib.ns_setns(_fd(ns), _types(types))


def unshare(flags: NsTypes) -> None:
    """Move the calling thread into new namespaces: unshare(2)."""
    lib.ns_unshare(_types(flags))


def enter_pid(pid: int, types: NsTypes = 0) -> None:
    """Move the calling thread into a process's namespaces, as nsenter -t PID
    (``types`` 0: every one that differs)."""
    lib.ns_enter_pid(pid, _types(types))


def _raise_held(box: dict) -> None:
    """Raise the exception a callback stored in box["error"], if any,
    without keeping a reference cycle through its traceback."""
    err = box.pop("error", None)
    if err is not None:
        try:
            raise err
        finally:
            del err


def run_in(ns: FdLike, fn: Callable[[], T], types: NsTypes = 0) -> T:
    """Run ``fn()`` on a thread of the library's own that has joined ``ns``
    (a namespace, or a pidfd with a ``types`` mask), and return its result.

    The caller never moves. An exception raised by ``fn`` is raised here.
    """
    box: Dict[str, Any] = {}

    def trampoline(_arg: Any) -> int:
        try:
            box["value"] = fn()
            return 0
        except BaseException as e:  # handed back to the caller
            box["error"] = e
            return 1

    cb = _lib.NS_FN(trampoline)
    lib.ns_run_in(_fd(ns), _types(types), cb, None, None)
    _raise_held(box)
    return box.get("value")  # type: ignore[return-value]


@dataclass(frozen=True)
class NamespaceInfo:
    """One namespace as :func:`list_namespaces` reports it (struct ns_info)."""
    id: int
    userns_id: int
    parent_id: int
    type: int
    nprocs: int
    pid: int
    owner_uid: int

    @property
    def type_name(self) -> str:
        return type_name(self.type)


def list_namespaces(types: NsTypes = 0,
                    callback: Optional[Callable[[NamespaceInfo], Optional[bool]]] = None,
                    *, all: bool = False) -> List[NamespaceInfo]:
    """Every namespace on the system, as lsns shows them, ordered by (type, id).

    ``callback``, if given, sees each one as it is found; a true return
    stops the listing, and an exception stops it and is raised here.

    ``all=True`` (ns_list_ex with NS_LIST_ALL) also reports the namespaces
    no process is in: kept alive only by an open descriptor, a bind mount in
    any mount namespace, a thread, a ``*_for_children`` link, or as the
    parent or owner of another; those have ``nprocs`` 0 and ``pid`` 0. An
    unprivileged caller gets what it may inspect.
    """
    out: List[NamespaceInfo] = []
    box: Dict[str, BaseException] = {}

    def each(info_p: Any, _arg: Any) -> int:
        try:
            i = info_p.contents
            info = NamespaceInfo(i.id, i.userns_id, i.parent_id, i.type, i.nprocs, i.pid, i.owner_uid)
            out.append(info)
            if callback is not None and callback(info):
                return 1
            return 0
        except BaseException as e:
            box["error"] = e
            return 1

    cb = _lib.NS_LIST_CB(each)
    if all:
        lib.ns_list_ex(_types(types), NS_LIST_ALL, cb, None)
    else:
        lib.ns_list(_types(types), cb, None)
    _raise_held(box)
    return out


def new(type: NsType) -> Namespace:
    """A new namespace of one type, without moving the caller."""
    return Namespace(lib.ns_new(_type(type)))


def new_userns(uid_map: Optional[Sequence[IdMap]] = None,
               gid_map: Optional[Sequence[IdMap]] = None,
               flags: int = 0) -> Namespace:
    """A new user namespace with these maps (flags: NS_MAP_*)."""
    u, un = _lib.idmap_array(uid_map)
    g, gn = _lib.idmap_array(gid_map)
    return Namespace(lib.ns_new_userns(u, un, g, gn, flags))


def write_uid_map(pid: int, entries: Sequence[IdMap], flags: int = 0) -> None:
    """Write /proc/PID/uid_map (pid 0: the caller) in one write."""
    m, n = _lib.idmap_array(entries)
    lib.ns_write_uid_map(pid, m, n, flags)


def write_gid_map(pid: int, entries: Sequence[IdMap], flags: int = 0) -> None:
    """Write /proc/PID/gid_map; NS_MAP_DENY_SETGROUPS denies setgroups first."""
    m, n = _lib.idmap_array(entries)
    lib.ns_write_gid_map(pid, m, n, flags)


def bind(ns: FdLike, path: Union[str, bytes, "os.PathLike[str]"]) -> None:
    """Keep a namespace alive by bind-mounting it on ``path``."""
    lib.ns_bind(_fd(ns), _path(path))


def unbind(path: Union[str, bytes, "os.PathLike[str]"]) -> None:
    """Undo :func:`bind`: detach the mount and remove the file."""
    lib.ns_unbind(_path(path))


def netns_add(name: str) -> Namespace:
    """A new named network namespace, as ``ip netns add NAME``."""
    return Namespace(lib.ns_netns_add(name.encode()))


def netns_del(name: str) -> None:
    """Delete a named network namespace, as ``ip netns delete NAME``."""
    lib.ns_netns_del(name.encode())


def get_limit(type: NsType) -> int:
    """/proc/sys/user/max_TYPE_namespaces."""
    return int(lib.ns_get_limit(_type(type)))


def set_limit(type: NsType, value: int) -> None:
    """Write /proc/sys/user/max_TYPE_namespaces."""
    lib.ns_set_limit(_type(type), value)


def set_time_offset(clock: int, sec: int, nsec: int = 0, pid: int = 0) -> None:
    """Set a clock offset (time.CLOCK_MONOTONIC or time.CLOCK_BOOTTIME) of the
    time namespace process ``pid``'s children get (0: the caller)."""
    lib.ns_set_time_offset(pid, clock, sec, nsec)


def pivot_root(new_root: Union[str, bytes, "os.PathLike[str]"],
               put_old: Union[str, bytes, "os.PathLike[str]"]) -> None:
    """pivot_root(2) in the caller's mount namespace."""
    lib.ns_pivot_root(_path(new_root), _path(put_old))


def kcmp(pid1: int, pid2: int, type: int, idx1: int = 0, idx2: int = 0) -> int:
    """kcmp(2): 0 equal, 1 less, 2 greater, 3 unordered."""
    return int(lib.ns_kcmp(pid1, pid2, type, idx1, idx2))


# --- namespace file handles (Linux 6.18) ----------------------------------------

class NsHandle:
    """A namespace file handle (struct ns_handle): a token naming one
    namespace by its type, inode number and the kernel's 64-bit id (never
    reused), which reopens it while it lives, in this or another process,
    without a bind mount. It keeps nothing alive.

    ``ns.handle()`` makes one (ns_handle_encode, Linux 6.18);
    ``str(h)`` is its text "TYPE:INODE:ID" (ns_handle_format), and
    ``NsHandle(text)`` parses it back (ns_handle_parse); ``bytes(h)`` and
    :meth:`from_bytes` are its 64 raw bytes, the same for the same
    namespace in any process. Handles compare and hash by their bytes.

    >>> h = linuxns.open_pid(0, "net").handle()
    >>> with linuxns.NsHandle(str(h)).open() as ns:
    ...     print(ns.id == h.inode)
    """

    __slots__ = ("_h",)

    def __init__(self, text: str) -> None:
        """Parse the text form "TYPE:INODE:ID" (exactly as ``str()`` writes
        it: no spaces, newline, signs or leading zeros); OSError EINVAL
        for anything else."""
        h = _lib.ns_handle()
        lib.ns_handle_parse(text.encode(), ctypes.byref(h))
        self._h = h

    @classmethod
    def _of(cls, h: Any) -> "NsHandle":
        obj = cls.__new__(cls)
        obj._h = h
        return obj

    @classmethod
    def from_bytes(cls, data: bytes) -> "NsHandle":
        """A handle from its 64 raw bytes (``bytes(h)``), checked when used."""
        data = bytes(data)
        if len(data) != ctypes.sizeof(_lib.ns_handle):
            raise ValueError(f"a namespace handle has {ctypes.sizeof(_lib.ns_handle)} bytes, "
                             f"not {len(data)}")
        return cls._of(_lib.ns_handle.from_buffer_copy(data))

    def __bytes__(self) -> bytes:
        return bytes(self._h)

    def __str__(self) -> str:
        buf = ctypes.create_string_buffer(NS_HANDLE_TEXT_MAX)
        lib.ns_handle_format(ctypes.byref(self._h), buf, len(buf))
        return str(buf.value.decode())

    def __repr__(self) -> str:
        try:
            return f"NsHandle({str(self)!r})"
        except OSError:
            return f"NsHandle.from_bytes({bytes(self)!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, NsHandle):
            return NotImplemented
        return bytes(self) == bytes(other)

    def __hash__(self) -> int:
        return hash(bytes(self))

    @property
    def type(self) -> int:
        """The NS_* value of the namespace."""
        return int(self._h.type)

    @property
    def type_name(self) -> str:
        """"net", "mnt", ..."""
        return type_name(self.type)

    @property
    def inode(self) -> int:
        """The inode number: :attr:`Namespace.id`, the N of "net:[N]"."""
        return int(self._h.inode)

    @property
    def unique_id(self) -> int:
        """The kernel's 64-bit id: :attr:`Namespace.unique_id`."""
        return int(self._h.unique_id)

    def open(self) -> Namespace:
        """Open the namespace (see :func:`open_handle`)."""
        return Namespace(lib.ns_open_handle(ctypes.byref(self._h), 0))


def open_handle(handle: Union[NsHandle, str, bytes]) -> Namespace:
    """Open the namespace a handle names (ns_open_handle, Linux 6.18): an
    :class:`NsHandle`, its text, or its 64 raw bytes. The descriptor is
    close-on-exec.

    The kernel opens it for a caller in the namespace or with CAP_SYS_ADMIN
    over its owning user namespace. OSError ESTALE when the namespace is
    gone (or, the kernel not saying which, the caller may not open it; the
    text tells them apart where it can), PermissionError when it lives but
    is refused, EOPNOTSUPP before 6.18.
    """
    if isinstance(handle, str):
        handle = NsHandle(handle)
    elif not isinstance(handle, NsHandle):
        handle = NsHandle.from_bytes(handle)
    return handle.open()


# --- mounts of a mount namespace ----------------------------------------------

@dataclass(frozen=True)
class MountInfo:
    """One mount of a mount namespace, as :func:`list_mounts` reports it
    (struct ns_mount_info). Paths are str, decoded as ``os.fsdecode`` does."""
    #: Where it is mounted, from the namespace's root (findmnt's TARGET).
    mount_point: str
    #: The directory of its filesystem that is mounted (findmnt's FSROOT).
    root: str
    #: The filesystem type ("type.subtype" for fuse).
    fs_type: str
    #: The mount source; "none" when it has none.
    source: str
    #: The unique 64-bit mount id (statmount); 0 on the /proc fallback.
    id: int
    #: The unique id of the parent mount; 0 on the /proc fallback.
    parent_id: int
    #: The id of /proc/PID/mountinfo (findmnt's ID), reused after an unmount.
    proc_id: int
    #: The parent's id in /proc/PID/mountinfo.
    proc_parent_id: int
    #: The filesystem's device numbers (st_dev).
    dev_major: int
    dev_minor: int
    #: MS_SHARED, MS_SLAVE, MS_UNBINDABLE bits, or MS_PRIVATE alone.
    propagation: int
    #: The peer group of a shared mount; 0 if not shared.
    peer_group: int
    #: The peer group a slave receives propagation from; 0 if not a slave.
    master: int
    #: MOUNT_ATTR_* bits of linux/mount.h (RDONLY 0x1, NOSUID 0x2, ...).
    attr: int
    #: Whether the mount is idmapped (MOUNT_ATTR_IDMAP).
    idmapped: bool

    @property
    def dev(self) -> int:
        """The device number, as os.stat's st_dev."""
        return os.makedev(self.dev_major, self.dev_minor)


def _mount_info(m: Any) -> MountInfo:
    size = int(m.size)

    def field(name: str, default: Any) -> Any:
        # The library fills `size` bytes: a field past them is not there.
        f = getattr(_lib.ns_mount_info, name)
        return getattr(m, name) if f.offset + f.size <= size else default

    def text(name: str) -> str:
        raw = field(name, None)
        return os.fsdecode(raw) if raw is not None else ""

    return MountInfo(
        mount_point=text("mount_point"), root=text("root"), fs_type=text("fs_type"),
        source=text("source"), id=field("id", 0), parent_id=field("parent_id", 0),
        proc_id=field("proc_id", 0), proc_parent_id=field("proc_parent_id", 0),
        dev_major=field("dev_major", 0), dev_minor=field("dev_minor", 0),
        propagation=field("propagation", 0), peer_group=field("peer_group", 0),
        master=field("master", 0), attr=field("attr", 0),
        idmapped=bool(field("idmapped", 0)))


def _own(type: int, ns: Optional[FdLike]) -> Tuple[int, Optional[Namespace]]:
    """(descriptor, namespace to close after) for ``ns``, or for the calling
    thread's namespace of this type when ``ns`` is None."""
    if ns is None:
        mine = open_pid(0, type)
        return mine.fileno(), mine
    return _fd(ns), None


def list_mounts(ns: Optional[FdLike] = None,
                callback: Optional[Callable[[MountInfo], Optional[bool]]] = None
                ) -> List[MountInfo]:
    """The mounts of a mount namespace (None: the caller's), as
    /proc/PID/mountinfo of a process in it (findmnt -N PID) shows them, in
    the kernel's order, without entering it.

    Mount points are as seen from the namespace's root (for the caller's
    own namespace, from the caller's root). ``callback``, if given, sees
    each one; a true return stops the listing, and an exception stops it
    and is raised here. Any user may list its own namespace; another needs
    privilege over it on some kernels (PermissionError).
    """
    out: List[MountInfo] = []
    box: Dict[str, BaseException] = {}

    def each(info_p: Any, _arg: Any) -> int:
        try:
            info = _mount_info(info_p.contents)
            out.append(info)
            if callback is not None and callback(info):
                return 1
            return 0
        except BaseException as e:
            box["error"] = e
            return 1

    fd, mine = _own(NS_MNT, ns)
    try:
        cb = _lib.NS_MOUNT_CB(each)
        lib.ns_mount_list(fd, cb, None)
    finally:
        if mine is not None:
            mine.close()
    _raise_held(box)
    return out


def count_mounts(ns: Optional[FdLike] = None) -> int:
    """How many mounts a mount namespace (None: the caller's) has: the
    number :func:`list_mounts` reports, barring mounts made or removed in
    between (under a chroot, for the caller's own namespace, the count also
    has the mounts outside its root)."""
    fd, mine = _own(NS_MNT, ns)
    try:
        return int(lib.ns_mount_count(fd))
    finally:
        if mine is not None:
            mine.close()


def mount_idmapped(source: Union[str, bytes, "os.PathLike[str]"],
                   target: Union[str, bytes, "os.PathLike[str]"],
                   userns: FdLike, flags: int = 0) -> None:
    """Bind-mount ``source`` (with every mount below it) on ``target``,
    idmapped through the user namespace ``userns`` (mount_setattr
    MOUNT_ATTR_IDMAP, Linux 5.12): an owner id N on disk shows through
    ``target`` as what N inside ``userns`` maps to outside (with a map
    (0, 65534, 1), root's files show as uid 65534), and writes are mapped
    back. In the calling thread's mount namespace; needs root for a host
    filesystem and one that supports idmapped mounts (ext4, xfs, btrfs,
    tmpfs from 6.3...). Undo with umount(2) on ``target``."""
    lib.ns_mount_idmapped(_path(source), _path(target), _fd(userns), flags)


# --- pids and pidfds --------------------------------------------------------------

def pid_translate(pid: int, from_ns: Optional[FdLike] = None,
                  to_ns: Optional[FdLike] = None) -> int:
    """The pid PID namespace ``to_ns`` shows for the process that
    ``from_ns`` numbers ``pid`` (None: the caller's PID namespace): for a
    child in a new PID namespace, its 1 there is its pid in ours, and back.
    The same namespace twice checks that the pid exists there.
    ProcessLookupError when ``to_ns`` cannot see the process."""
    from_fd, a = _own(NS_PID, from_ns)
    try:
        to_fd, b = _own(NS_PID, to_ns)
        try:
            return int(lib.ns_pid_translate(pid, from_fd, to_fd))
        finally:
            if b is not None:
                b.close()
    finally:
        if a is not None:
            a.close()


def pidfd_status(pidfd: Union[int, "Process", Any]) -> Optional[int]:
    """The wait status of the process behind a pidfd (an int, a
    :class:`Process`, or an object with fileno()), as os.waitpid gives it
    (``os.waitstatus_to_exitcode``, ``os.WEXITSTATUS``...), or None while it
    runs. Never blocks and never reaps: an exited child stays a zombie for
    ``wait()``. Works for any process, reaped or not (a reaped one needs
    Linux 6.15, else OSError EOPNOTSUPP)."""
    fd = pidfd.pidfd if isinstance(pidfd, Process) else _fd(pidfd)
    status = ctypes.c_int()
    try:
        lib.ns_pidfd_status(fd, ctypes.byref(status))
    except BlockingIOError:  # EAGAIN: still running
        return None
    return status.value


# --- kernel features ----------------------------------------------------------------

class Feature(enum.IntFlag):
    """The NS_FEATURE_* bits of :func:`features`."""
    CLONE3 = NS_FEATURE_CLONE3
    CLONE_INTO_CGROUP = NS_FEATURE_CLONE_INTO_CGROUP
    SETNS_PIDFD = NS_FEATURE_SETNS_PIDFD
    PIDFD_GET_NAMESPACE = NS_FEATURE_PIDFD_GET_NAMESPACE
    NS_GET_ID = NS_FEATURE_NS_GET_ID
    NSFS_HANDLES = NS_FEATURE_NSFS_HANDLES
    LISTNS = NS_FEATURE_LISTNS
    MNTNS_IOCTLS = NS_FEATURE_MNTNS_IOCTLS
    LISTMOUNT = NS_FEATURE_LISTMOUNT
    LISTMOUNT_NS_FD = NS_FEATURE_LISTMOUNT_NS_FD
    PIDFD_INFO_EXIT = NS_FEATURE_PIDFD_INFO_EXIT
    IDMAPPED_MOUNTS = NS_FEATURE_IDMAPPED_MOUNTS
    PID_TRANSLATE = NS_FEATURE_PID_TRANSLATE
    CLONE_NNP = NS_FEATURE_CLONE_NNP
    CLONE_PIDFD_AUTOKILL = NS_FEATURE_CLONE_PIDFD_AUTOKILL
    CLONE_AUTOREAP = NS_FEATURE_CLONE_AUTOREAP
    CLONE_EMPTY_MNTNS = NS_FEATURE_CLONE_EMPTY_MNTNS


def features() -> Feature:
    """The kernel features the library found and uses, as a :class:`Feature`
    mask (an int of NS_FEATURE_* bits): ``Feature.CLONE3 in features()``.
    Probed once per process; a seccomp filter refusing a call counts as the
    feature missing; 0 under LINUXNS_FORCE_FALLBACK=1."""
    return Feature(int(lib.ns_features()))


# --- namespace pools ------------------------------------------------------

class Pool:
    """A pool of namespace sets made ahead of time (ns_pool_new): a
    background thread of the library keeps ``size`` (1 to 1024) sets of
    never-used namespaces of ``types`` ready, so that a spawn with
    ``pool=`` (:meth:`SpawnAttr.use_pool`) or :meth:`take` gets one
    without the cost of creating it.

    ``types``: user, net, uts, ipc, cgroup, pid (names, a list, or an
    NS_* mask; mnt and time cannot be pooled). A pooled user namespace
    maps the caller's euid and egid to root and owns the set's other
    namespaces. ``flags``: 0 or NS_POOL_LO_UP (with net: lo is up in each
    pooled network namespace).

    OSError EINVAL for types 0 or with other bits, a size out of range,
    unknown flags or NS_POOL_LO_UP without net. The errors of making the
    sets (EPERM, ENOSPC at a max_*_namespaces limit) come from the next
    :meth:`take`.

    Freed by :meth:`close`, at the end of a ``with`` block, or when
    collected; spawn attributes that use it stay valid (their spawns then
    create every namespace themselves). While it exists the process has
    one more thread: unshare(CLONE_NEWUSER) and setns into a user
    namespace from the caller itself fail with EINVAL."""

    def __init__(self, types: NsTypes, size: int = 1, flags: int = 0) -> None:
        self._pool: Optional[int] = None
        self._lock = threading.Lock()  # ns_pool_free must not run with ns_pool_take
        self._types = _types(types)
        size = min(max(int(size), 0), 1 << 20)  # out of range: EINVAL from the library
        self._pool = lib.ns_pool_new(self._types, size, int(flags))

    @property
    def _as_parameter_(self) -> Any:
        if self._pool is None:
            raise ValueError("namespace pool is closed")
        return ctypes.c_void_p(self._pool)

    @property
    def types(self) -> int:
        """The NS_* mask of each set's namespaces."""
        return self._types

    @property
    def closed(self) -> bool:
        return self._pool is None

    def take(self) -> List[Namespace]:
        """Take a ready set for the caller's own use (ns_pool_take), without
        waiting: one :class:`Namespace` per type of the pool, in ascending
        order of the NS_* bits (cgroup, uts, ipc, user, pid, net), each
        the caller's to close. BlockingIOError (EAGAIN) when no set is
        ready (the pool is refilling); the error of the refill thread's
        last failed attempt ("refill the pool: ..."), once, after which it
        tries again; ValueError once closed."""
        fds = (ctypes.c_int * 8)(*([-1] * 8))
        with self._lock:
            if self._pool is None:
                raise ValueError("namespace pool is closed")
            n = lib.ns_pool_take(ctypes.c_void_p(self._pool), fds)
        return [Namespace(fds[i]) for i in range(n)]

    def close(self) -> None:
        """Free the pool (ns_pool_free): stop the refill thread, close every
        ready set. Sets already taken stay the caller's."""
        lock = getattr(self, "_lock", None)
        if lock is None or getattr(self, "_pool", None) is None:
            return
        with lock:
            if self._pool is not None:
                pool, self._pool = self._pool, None
                lib.ns_pool_free(ctypes.c_void_p(pool))

    def __enter__(self) -> "Pool":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass

    def __repr__(self) -> str:
        names = "|".join(n for n, b in _NAMES.items() if self._types & b)
        return f"<linuxns.Pool {names or hex(self._types)}{' closed' if self.closed else ''}>"


# --- spawning -------------------------------------------------------------

class SpawnAttr:
    """An ns_spawn_attr: what a spawned child gets. :func:`spawn` builds one
    from keyword arguments; use this for reuse across spawns."""

    def __init__(self) -> None:
        self._attr: Optional[int] = lib.ns_spawn_attr_new()
        # The kernel reaps the program (set_autoreap, set_autokill): its
        # Process waits on the pidfd and reads the status there.
        self._autoreap = False

    @property
    def _as_parameter_(self) -> Any:
        if self._attr is None:
            raise ValueError("spawn attribute is freed")
        return ctypes.c_void_p(self._attr)

    def free(self) -> None:
        if getattr(self, "_attr", None) is not None:
            attr, self._attr = self._attr, None
            lib.ns_spawn_attr_free(ctypes.c_void_p(attr))

    def __enter__(self) -> "SpawnAttr":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.free()

    def __del__(self) -> None:
        self.free()

    def set_namespaces(self, types: NsTypes) -> None:
        lib.ns_spawn_attr_set_namespaces(self, _types(types))

    def join(self, ns: FdLike, types: NsTypes = 0) -> None:
        lib.ns_spawn_attr_join(self, _fd(ns), _types(types))

    def map_root(self) -> None:
        lib.ns_spawn_attr_map_root(self)

    def set_uid_map(self, entries: Sequence[IdMap], flags: int = 0) -> None:
        m, n = _lib.idmap_array(entries)
        lib.ns_spawn_attr_set_uid_map(self, m, n, flags)

    def set_gid_map(self, entries: Sequence[IdMap], flags: int = 0) -> None:
        m, n = _lib.idmap_array(entries)
        lib.ns_spawn_attr_set_gid_map(self, m, n, flags)

    def set_hostname(self, name: str) -> None:
        lib.ns_spawn_attr_set_hostname(self, name.encode())

    def set_root(self, path: Union[str, bytes, "os.PathLike[str]"]) -> None:
        lib.ns_spawn_attr_set_root(self, _path(path))

    def set_mount_proc(self, on: bool = True) -> None:
        lib.ns_spawn_attr_set_mount_proc(self, int(bool(on)))

    def set_propagation(self, mode: int) -> None:
        lib.ns_spawn_attr_set_propagation(self, mode)

    def set_cwd(self, path: Union[str, bytes, "os.PathLike[str]"]) -> None:
        lib.ns_spawn_attr_set_cwd(self, _path(path))

    def set_fd(self, child_fd: int, parent_fd: int) -> None:
        lib.ns_spawn_attr_set_fd(self, child_fd, parent_fd)

    def set_close_fds(self, on: bool = True) -> None:
        lib.ns_spawn_attr_set_close_fds(self, int(bool(on)))

    def set_pdeathsig(self, sig: int) -> None:
        lib.ns_spawn_attr_set_pdeathsig(self, int(sig))

    def set_cgroup(self, cgroup: Union[int, str, "os.PathLike[str]"]) -> None:
        if isinstance(cgroup, int):
            lib.ns_spawn_attr_set_cgroup(self, cgroup)
            return
        fd = os.open(cgroup, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            lib.ns_spawn_attr_set_cgroup(self, fd)
        finally:
            os.close(fd)

    def set_time_offset(self, clock: int, sec: int, nsec: int = 0) -> None:
        lib.ns_spawn_attr_set_time_offset(self, clock, sec, nsec)

    def use_pool(self, pool: Optional["Pool"]) -> None:
        """Let spawns with this attribute take their namespaces from
        ``pool`` (ns_spawn_attr_use_pool; None stops using one). With a
        set ready a spawn joins it and creates the attribute's other types
        (owned by the pooled user namespace, when the pool has one); with
        the pool empty or closed it creates every type itself, as without
        a pool; it never waits for the refill thread. Checked by the
        spawn (OSError EINVAL): the pool's types must all be among
        :meth:`set_namespaces`' and none joined; with user in the pool,
        the maps must be none or :meth:`map_root`'s. The attribute keeps
        the pool's sets, not the :class:`Pool`: closing the pool afterwards
        is safe, and a pool already closed is not used at all (as None)."""
        handle = None if pool is None else pool._pool
        lib.ns_spawn_attr_use_pool(self, None if handle is None else ctypes.c_void_p(handle))

    def set_root_idmap(self, userns: FdLike) -> None:
        """Mount the root (:meth:`set_root`) idmapped through the user
        namespace ``userns`` instead of bind-mounting it (see
        :func:`mount_idmapped`; the attribute keeps its own copy of the
        descriptor). For a privileged caller starting a sandbox in a new
        user namespace on a tree of host ids: with ``userns`` mapping as
        the sandbox's maps do, the sandbox's root owns host root's files."""
        lib.ns_spawn_attr_set_root_idmap(self, _fd(userns))

    def set_ids(self, uid: Optional[int] = None, gid: Optional[int] = None,
                groups: Optional[Iterable[int]] = None) -> None:
        """The uid, gid and supplementary groups the program runs with, in
        its final namespaces (inside a new user namespace, ids of its maps).
        None leaves one as set before (by default, the caller's); ``groups``
        ``[]`` means none (and must stay None where setgroups is denied,
        as with map_root)."""
        u = _NO_ID if uid is None else int(uid)
        g = _NO_ID if gid is None else int(gid)
        if groups is None:
            lib.ns_spawn_attr_set_ids(self, u, g, None, 0)
            return
        gs = [int(x) for x in groups]
        arr = (_lib.gid_t * max(1, len(gs)))(*gs)  # never NULL: [] is "none"
        lib.ns_spawn_attr_set_ids(self, u, g, arr, len(gs))

    def set_setsid(self, on: bool = True) -> None:
        """Start the program in a new session (setsid), without a
        controlling terminal. Not with :meth:`set_pgid`."""
        lib.ns_spawn_attr_set_setsid(self, int(bool(on)))

    def set_pgid(self, pgid: int = 0) -> None:
        """Put the program into process group ``pgid`` (0: a new one whose
        id is its pid; only 0 in a new PID namespace)."""
        lib.ns_spawn_attr_set_pgid(self, pgid)

    def set_caps(self, which: int, caps: "Caps") -> None:
        """Set the capability sets named in ``which`` (an OR of NS_CAPS_*)
        to ``caps``: a mask (bit n for capability n) or an iterable of
        capability numbers (CAP_NET_BIND_SERVICE is 10). A root program is
        limited to C by NS_CAPS_BOUNDING; a non-root one keeps C with
        PERMITTED | EFFECTIVE | INHERITABLE | AMBIENT."""
        lib.ns_spawn_attr_set_caps(self, which, _cap_mask(caps))

    def set_rlimit(self, resource: int, limits: Tuple[int, int]) -> None:
        """A resource limit of the program, as ``resource.setrlimit``:
        ``resource`` a ``resource.RLIMIT_*``, ``limits`` (soft, hard) with
        ``resource.RLIM_INFINITY`` for none. Once per resource."""
        soft, hard = limits
        rl = _lib.rlimit(_rlim(soft), _rlim(hard))
        lib.ns_spawn_attr_set_rlimit(self, resource, ctypes.byref(rl))

    def set_seccomp(self, program: "BpfProgram") -> None:
        """A seccomp filter, installed (with no_new_privs) right before the
        program is executed: classic BPF over struct seccomp_data, as the
        packed bytes of struct sock_filter[] or (code, jt, jf, k) tuples;
        checked now as the kernel will check it (OSError EINVAL naming the
        instruction)."""
        arr, n = _bpf(program)
        lib.ns_spawn_attr_set_seccomp(self, arr, n)

    def set_umask(self, mask: int) -> None:
        """The program's umask (0 to 0o777)."""
        lib.ns_spawn_attr_set_umask(self, mask)

    def set_no_new_privs(self, on: bool = True) -> None:
        """Start the program with no_new_privs set: execve never grants it
        privileges (set-user-ID and set-group-ID bits and file capabilities
        are ignored), for it and everything it runs, and it cannot be
        cleared. A seccomp filter sets it too. Any kernel (CLONE_NNP from
        7.1, else prctl in the child right before the filter and exec)."""
        lib.ns_spawn_attr_set_no_new_privs(self, int(bool(on)))

    def set_autoreap(self, on: bool = True) -> None:
        """Let the kernel reap the program when it exits (CLONE_AUTOREAP,
        Linux 7.1): no zombie, no SIGCHLD, and waitpid cannot wait for it;
        its :class:`Process` waits until the pidfd polls readable and reads
        the status there (:func:`pidfd_status`). Not with joins or time
        offsets (then spawn raises OSError EOPNOTSUPP). ``False`` also
        clears :meth:`set_autokill`. OSError EOPNOTSUPP, naming 7.1, where
        the kernel lacks it (``Feature.CLONE_AUTOREAP not in features()``):
        wait for the program as usual instead."""
        lib.ns_spawn_attr_set_autoreap(self, int(bool(on)))
        self._autoreap = bool(on)

    def set_autokill(self, on: bool = True) -> None:
        """Kill the program (SIGKILL) when the last descriptor of its pidfd
        closes (CLONE_PIDFD_AUTOKILL, Linux 7.1): :meth:`Process.close`
        before it has exited, or the caller's exit or exec, however it
        ends. Implies :meth:`set_autoreap` and :meth:`set_no_new_privs`.
        OSError EOPNOTSUPP, naming 7.1, where the kernel lacks it
        (``Feature.CLONE_PIDFD_AUTOKILL not in features()``): end the
        program yourself (:meth:`set_pdeathsig` ties it to the calling
        thread)."""
        lib.ns_spawn_attr_set_autokill(self, int(bool(on)))
        if on:
            self._autoreap = True


#: (uid_t)-1 / (gid_t)-1: leave the id as it is.
_NO_ID = 0xFFFFFFFF
#: Capabilities: a mask (bit n for capability n) or capability numbers.
Caps = Union[int, Iterable[int]]
#: A classic BPF program: packed struct sock_filter[], or (code, jt, jf, k).
BpfProgram = Union[bytes, bytearray, memoryview, Sequence[Any]]


def _cap_mask(caps: Caps) -> int:
    if isinstance(caps, int):
        return caps
    mask = 0
    for c in caps:
        if not 0 <= int(c) < 64:
            raise ValueError(f"capability {c} out of range")
        mask |= 1 << int(c)
    return mask


def _rlim(v: int) -> int:
    if v == -1:  # resource.RLIM_INFINITY
        return ctypes.c_ulong(-1).value
    if v < 0:
        raise ValueError(f"resource limit {v} is negative")
    return int(v)


def _bpf(program: BpfProgram) -> Tuple[Any, int]:
    size = ctypes.sizeof(_lib.sock_filter)
    if isinstance(program, (bytes, bytearray, memoryview)):
        data = bytes(program)
        if len(data) % size:
            raise ValueError(f"a BPF program is {size}-byte instructions, not {len(data)} bytes")
        n = len(data) // size
        arr = (_lib.sock_filter * max(1, n)).from_buffer_copy(data + bytes(size * (n == 0)))
    else:
        items = [i if isinstance(i, _lib.sock_filter) else _lib.sock_filter(*i) for i in program]
        n = len(items)
        arr = (_lib.sock_filter * max(1, n))(*items)
    if n > 0xFFFF:
        raise ValueError(f"a BPF program has at most 4096 instructions, not {n}")
    return arr, n


def _wait_status(pidfd: int, pid: int, nohang: bool) -> Optional[int]:
    """Reap the child through its pidfd (waitid P_PIDFD); a Popen-style
    return code (-N: killed by signal N), or None while it runs."""
    if hasattr(os, "P_PIDFD") and pidfd >= 0:
        info = os.waitid(os.P_PIDFD, pidfd, os.WEXITED | (os.WNOHANG if nohang else 0))
        if info is None:
            return None
        return info.si_status if info.si_code == os.CLD_EXITED else -info.si_status
    wpid, status = os.waitpid(pid, os.WNOHANG if nohang else 0)
    if wpid == 0:
        return None
    return os.waitstatus_to_exitcode(status)


def _reaped_status(pidfd: int) -> int:
    """The status of a process the kernel reaps itself, once its pidfd has
    polled readable: the kernel may record it a moment after the exit."""
    deadline = time.monotonic() + 10
    while True:
        status = pidfd_status(pidfd)
        if status is not None:
            return status
        if time.monotonic() >= deadline:
            raise OSError(errno.EAGAIN, f"pidfd {pidfd} polls readable but has no exit status")
        time.sleep(0.001)


class Process:
    """A spawned child, Popen-like: pid, pidfd, wait(), kill(), returncode,
    communicate(); stdin/stdout/stderr are file objects for PIPEs.

    ``autoreap`` is true for a child the kernel reaps itself
    (:meth:`SpawnAttr.set_autoreap`, :meth:`SpawnAttr.set_autokill`):
    poll() and wait() then read its status from the pidfd
    (:func:`pidfd_status`) instead of waiting for it with waitid."""

    def __init__(self, pid: int, pidfd: int, args: Sequence[Any],
                 stdin: Optional[IO[bytes]] = None, stdout: Optional[IO[bytes]] = None,
                 stderr: Optional[IO[bytes]] = None, autoreap: bool = False) -> None:
        self.pid = pid
        self.pidfd = pidfd
        self.args = args
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        self.autoreap = autoreap
        self.returncode: Optional[int] = None

    def poll(self) -> Optional[int]:
        if self.returncode is None:
            if self.autoreap:
                status = pidfd_status(self.pidfd)
                if status is not None:
                    self.returncode = os.waitstatus_to_exitcode(status)
            else:
                self.returncode = _wait_status(self.pidfd, self.pid, nohang=True)
        return self.returncode

    def wait(self, timeout: Optional[float] = None) -> int:
        """Wait for the child through its pidfd; its return code (-N: signal N)."""
        if self.returncode is not None:
            return self.returncode
        if self.autoreap:
            if self.pidfd < 0:
                raise ValueError("the pidfd is closed: a child the kernel reaps has its "
                                 "status only there")
            p = select.poll()
            p.register(self.pidfd, select.POLLIN)  # readable once it has exited
            while not p.poll(None if timeout is None else max(0, int(timeout * 1000))):
                if timeout is not None:
                    raise subprocess.TimeoutExpired(list(map(str, self.args)), timeout)
            self.returncode = os.waitstatus_to_exitcode(_reaped_status(self.pidfd))
            return self.returncode
        if timeout is not None and self.pidfd >= 0:
            p = select.poll()
            p.register(self.pidfd, select.POLLIN)  # readable once it has exited
            if not p.poll(max(0, int(timeout * 1000))):
                raise subprocess.TimeoutExpired(list(map(str, self.args)), timeout)
        elif timeout is not None:
            deadline = time.monotonic() + timeout
            while self.poll() is None:
                if time.monotonic() >= deadline:
                    raise subprocess.TimeoutExpired(list(map(str, self.args)), timeout)
                time.sleep(0.01)
            assert self.returncode is not None
            return self.returncode
        code = _wait_status(self.pidfd, self.pid, nohang=False)
        assert code is not None
        self.returncode = code
        return code

    def send_signal(self, sig: int) -> None:
        if self.returncode is None:
            signal.pidfd_send_signal(self.pidfd, sig)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def communicate(self, input: Optional[bytes] = None,
                    timeout: Optional[float] = None) -> Tuple[Optional[bytes], Optional[bytes]]:
        """Send ``input`` to a stdin PIPE, read stdout/stderr PIPEs to the end,
        wait; (stdout, stderr) with None for those not PIPEs."""
        results: Dict[str, bytes] = {}

        def reader(name: str, f: IO[bytes]) -> None:
            results[name] = f.read()

        threads = []
        for name, f in (("out", self.stdout), ("err", self.stderr)):
            if f is not None:
                t = threading.Thread(target=reader, args=(name, f), daemon=True)
                t.start()
                threads.append(t)
        if self.stdin is not None:
            try:
                if input:
                    self.stdin.write(input)
                self.stdin.close()
            except BrokenPipeError:
                pass
        for t in threads:
            t.join(timeout)
            if t.is_alive():
                raise subprocess.TimeoutExpired(list(map(str, self.args)), timeout or 0)
        for f in (self.stdout, self.stderr):
            if f is not None:
                f.close()
        self.wait(timeout)
        return (results.get("out") if self.stdout is not None else None,
                results.get("err") if self.stderr is not None else None)

    def close(self) -> None:
        """Close the pipes and the pidfd (after wait()). With
        :meth:`SpawnAttr.set_autokill`, closing the pidfd of a child still
        running kills it."""
        for f in (self.stdin, self.stdout, self.stderr):
            if f is not None:
                f.close()
        if self.pidfd >= 0:
            fd, self.pidfd = self.pidfd, -1
            os.close(fd)

    def __enter__(self) -> "Process":
        return self

    def __exit__(self, *exc: Any) -> None:
        try:
            if self.stdin is not None:
                self.stdin.close()
            if self.pidfd >= 0:
                self.wait()
        finally:
            self.close()

    def __repr__(self) -> str:
        return f"<linuxns.Process pid={self.pid} returncode={self.returncode}>"


Stream = Union[None, int, IO[Any]]


def _uid(user: Union[int, str]) -> int:
    if isinstance(user, str):
        import pwd
        return pwd.getpwnam(user).pw_uid
    return int(user)


def _gid(group: Union[int, str]) -> int:
    if isinstance(group, str):
        import grp
        return grp.getgrnam(group).gr_gid
    return int(group)


#: The keyword arguments spawn_fn takes (those of spawn that set the attribute).
_ATTR_OPTIONS = ("namespaces", "map_root", "uid_map", "gid_map", "map_flags", "hostname",
                 "root", "mount_proc", "propagation", "cwd", "pdeathsig", "join", "close_fds",
                 "cgroup", "time_offsets", "pass_fds", "root_idmap", "user", "group",
                 "extra_groups", "umask", "start_new_session", "process_group", "rlimits",
                 "caps", "seccomp", "no_new_privs", "autoreap", "autokill", "pool")


def _build_attr(attr: SpawnAttr, *, namespaces: NsTypes = 0, map_root: bool = False,
                uid_map: Optional[Sequence[IdMap]] = None,
                gid_map: Optional[Sequence[IdMap]] = None,
                map_flags: int = 0, hostname: Optional[str] = None, root: Any = None,
                mount_proc: bool = False, propagation: Optional[int] = None, cwd: Any = None,
                pdeathsig: int = 0, join: Iterable[Any] = (), close_fds: bool = False,
                cgroup: Any = None, time_offsets: Optional[Mapping[int, Any]] = None,
                pass_fds: Optional[Mapping[int, int]] = None,
                root_idmap: Optional[FdLike] = None,
                user: Optional[Union[int, str]] = None, group: Optional[Union[int, str]] = None,
                extra_groups: Optional[Iterable[Union[int, str]]] = None,
                umask: Optional[int] = None, start_new_session: bool = False,
                process_group: Optional[int] = None,
                rlimits: Optional[Mapping[int, Tuple[int, int]]] = None,
                caps: Optional[Mapping[int, Caps]] = None,
                seccomp: Optional[BpfProgram] = None, no_new_privs: bool = False,
                autoreap: bool = False, autokill: bool = False,
                pool: Optional[Pool] = None) -> None:
    for j in join:
        if isinstance(j, tuple):
            attr.join(j[0], j[1])
        else:
            attr.join(j)
    mask = _types(namespaces)
    if mask:
        attr.set_namespaces(mask)
    if map_root:
        attr.map_root()
    if pool is not None:
        attr.use_pool(pool)
    if uid_map:
        attr.set_uid_map(uid_map, map_flags & NS_MAP_USE_HELPER)
    if gid_map:
        attr.set_gid_map(gid_map, map_flags)
    if hostname is not None:
        attr.set_hostname(hostname)
    if propagation is not None:
        attr.set_propagation(propagation)
    if root is not None:
        attr.set_root(root)
    if mount_proc:
        attr.set_mount_proc(True)
    if cwd is not None:
        attr.set_cwd(cwd)
    if pdeathsig:
        attr.set_pdeathsig(pdeathsig)
    if close_fds:
        attr.set_close_fds(True)
    if cgroup is not None:
        attr.set_cgroup(cgroup)
    for clock, off in (time_offsets or {}).items():
        sec, nsec = off if isinstance(off, tuple) else (off, 0)
        attr.set_time_offset(clock, sec, nsec)
    for child_fd, parent_fd in (pass_fds or {}).items():
        attr.set_fd(child_fd, parent_fd)
    if root_idmap is not None:
        attr.set_root_idmap(root_idmap)
    if user is not None or group is not None or extra_groups is not None:
        attr.set_ids(None if user is None else _uid(user), None if group is None else _gid(group),
                     None if extra_groups is None else [_gid(g) for g in extra_groups])
    if umask is not None:
        attr.set_umask(umask)
    if start_new_session:
        attr.set_setsid(True)
    if process_group is not None:
        attr.set_pgid(process_group)
    for res, limits in (rlimits or {}).items():
        attr.set_rlimit(res, limits)
    for which, c in (caps or {}).items():
        attr.set_caps(which, c)
    if seccomp is not None:
        attr.set_seccomp(seccomp)
    if no_new_privs:
        attr.set_no_new_privs(True)
    if autoreap:
        attr.set_autoreap(True)
    if autokill:
        attr.set_autokill(True)


def _streams(attr: SpawnAttr, stdin: Stream, stdout: Stream, stderr: Stream
             ) -> Tuple[List[int], List[Optional[IO[bytes]]]]:
    """Set fds 0-2 in the attribute; (descriptors to close after the spawn,
    the parent's ends of PIPEs)."""
    to_close: List[int] = []
    ours: List[Optional[IO[bytes]]] = [None, None, None]
    src: Dict[int, int] = {}
    for child_fd, spec in enumerate((stdin, stdout, stderr)):
        if spec is None or (child_fd == 2 and spec == STDOUT):
            continue
        if spec == PIPE:
            r, w = os.pipe()  # both close-on-exec
            theirs, mine = (r, w) if child_fd == 0 else (w, r)
            to_close.append(theirs)
            ours[child_fd] = os.fdopen(mine, "wb" if child_fd == 0 else "rb")
        elif spec == DEVNULL:
            theirs = os.open(os.devnull, os.O_RDWR | os.O_CLOEXEC)
            to_close.append(theirs)
        else:
            theirs = _fd(spec)
        attr.set_fd(child_fd, theirs)
        src[child_fd] = theirs
    if stderr == STDOUT:
        # All copies are made as if at once: name stdout's source again.
        attr.set_fd(2, src.get(1, 1))
    return to_close, ours


def _env(env: Optional[Mapping[str, str]]) -> Any:
    if env is None:
        return None
    items = [os.fsencode(k) + b"=" + os.fsencode(v) for k, v in env.items()]
    return (ctypes.c_char_p * (len(items) + 1))(*items, None)


def spawn(args: Sequence[Union[str, bytes, "os.PathLike[str]"]], *,
          executable: Optional[Union[str, bytes, "os.PathLike[str]"]] = None,
          namespaces: NsTypes = 0, map_root: bool = False,
          uid_map: Optional[Sequence[IdMap]] = None, gid_map: Optional[Sequence[IdMap]] = None,
          map_flags: int = 0, hostname: Optional[str] = None, root: Any = None,
          mount_proc: bool = False, propagation: Optional[int] = None, cwd: Any = None,
          pdeathsig: int = 0, join: Iterable[Any] = (), env: Optional[Mapping[str, str]] = None,
          stdin: Stream = None, stdout: Stream = None, stderr: Stream = None,
          close_fds: bool = False, pass_fds: Optional[Mapping[int, int]] = None,
          cgroup: Any = None, time_offsets: Optional[Mapping[int, Any]] = None,
          root_idmap: Optional[FdLike] = None,
          user: Optional[Union[int, str]] = None, group: Optional[Union[int, str]] = None,
          extra_groups: Optional[Iterable[Union[int, str]]] = None,
          umask: Optional[int] = None, start_new_session: bool = False,
          process_group: Optional[int] = None,
          rlimits: Optional[Mapping[int, Tuple[int, int]]] = None,
          caps: Optional[Mapping[int, Caps]] = None, seccomp: Optional[BpfProgram] = None,
          no_new_privs: bool = False, autoreap: bool = False, autokill: bool = False,
          pool: Optional[Pool] = None, attr: Optional[SpawnAttr] = None) -> Process:
    """Start a program in new or existing namespaces, as a direct child.

    ``namespaces`` are created ("net", ["user", "pid"] or an NS_* mask);
    ``join`` lists namespaces (or (pidfd, types) pairs) entered first;
    ``map_root`` maps the caller to root as ``unshare -r``; ``uid_map``,
    ``gid_map`` take (inside, outside, count) triples; stdin/stdout/stderr
    take None (inherit), PIPE, DEVNULL, STDOUT (stderr), a descriptor or a
    file object. ``pass_fds`` maps child descriptors to the caller's
    (-1 closes). ``attr`` starts from an existing :class:`SpawnAttr`
    (which is then changed). Returns a :class:`Process`.

    As subprocess.Popen's: ``user``, ``group``, ``extra_groups`` (ids or
    names; in the child's final namespaces), ``umask``,
    ``start_new_session``, ``process_group``. Also ``rlimits``
    ({resource.RLIMIT_*: (soft, hard)}), ``caps`` ({NS_CAPS_* mask:
    capabilities}, see :meth:`SpawnAttr.set_caps`), ``seccomp`` (a BPF
    program, see :meth:`SpawnAttr.set_seccomp`), ``root_idmap`` (a user
    namespace through which ``root`` is mounted idmapped) and
    ``no_new_privs``. Linux 7.1: ``autoreap`` (the kernel reaps the child;
    the Process reads its status from the pidfd) and ``autokill`` (the
    child is killed when its pidfd closes), OSError EOPNOTSUPP before; see
    :meth:`SpawnAttr.set_autoreap`, :meth:`SpawnAttr.set_autokill`.
    ``pool`` (a :class:`Pool` whose types are all in ``namespaces``): take
    the namespaces from a set made ahead of time when one is ready, see
    :meth:`SpawnAttr.use_pool`.
    """
    argv_b = [os.fsencode(a) for a in args]
    if not argv_b:
        raise ValueError("args is empty")
    path = os.fsencode(executable) if executable is not None else argv_b[0]
    argv = (ctypes.c_char_p * (len(argv_b) + 1))(*argv_b, None)
    envp = _env(env)
    own_attr = attr is None
    a = SpawnAttr() if attr is None else attr
    to_close: List[int] = []
    ours: List[Optional[IO[bytes]]] = [None, None, None]
    try:
        _build_attr(a, namespaces=namespaces, map_root=map_root, uid_map=uid_map,
                    gid_map=gid_map, map_flags=map_flags, hostname=hostname, root=root,
                    mount_proc=mount_proc, propagation=propagation, cwd=cwd,
                    pdeathsig=pdeathsig, join=join, close_fds=close_fds, cgroup=cgroup,
                    time_offsets=time_offsets, pass_fds=pass_fds, root_idmap=root_idmap,
                    user=user, group=group, extra_groups=extra_groups, umask=umask,
                    start_new_session=start_new_session, process_group=process_group,
                    rlimits=rlimits, caps=caps, seccomp=seccomp, no_new_privs=no_new_privs,
                    autoreap=autoreap, autokill=autokill, pool=pool)
        to_close, ours = _streams(a, stdin, stdout, stderr)
        pidfd = ctypes.c_int(-1)
        pid = lib.ns_spawn(path, argv, envp, a, ctypes.byref(pidfd))
        reaped = a._autoreap
    except BaseException:
        for f in ours:
            if f is not None:
                f.close()
        raise
    finally:
        for fd in to_close:
            os.close(fd)
        if own_attr:
            a.free()
    return Process(pid, pidfd.value, list(args), ours[0], ours[1], ours[2], autoreap=reaped)


def _child_trampoline(fn: Callable[[], Any]) -> Any:
    def run(_arg: Any) -> int:
        code = 1
        try:
            r = fn()
            code = 0 if r is None else int(r)
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        except BaseException:
            traceback.print_exc()
        finally:
            for f in (sys.stdout, sys.stderr):
                try:
                    f.flush()
                except Exception:
                    pass
        return code
    return _lib.NS_FN(run)


def spawn_fn(fn: Callable[[], Optional[int]], **kwargs: Any) -> Process:
    """Run ``fn()`` in a child set up as :func:`spawn` sets it up (same keyword
    arguments, without args/executable/env/stdin/stdout/stderr); the child's
    exit status is fn's return value (None: 0; an exception: 1, traceback on
    stderr). The child is a copy of the caller (fork-like); call it from a
    single-threaded program."""
    unexpected = sorted(set(kwargs) - set(_ATTR_OPTIONS))
    if unexpected:
        raise TypeError(f"spawn_fn: unexpected arguments {unexpected}")
    a = SpawnAttr()
    try:
        _build_attr(a, **kwargs)
        cb = _child_trampoline(fn)
        pidfd = ctypes.c_int(-1)
        pid = lib.ns_spawn_fn(a, cb, None, ctypes.byref(pidfd))
        reaped = a._autoreap
    finally:
        a.free()
    return Process(pid, pidfd.value, [fn], autoreap=reaped)


def clone(fn: Callable[[], Optional[int]], namespaces: NsTypes = 0) -> Process:
    """Run ``fn()`` in a child with new ``namespaces`` (ns_clone); as
    :func:`spawn_fn` for the exit status."""
    cb = _child_trampoline(fn)
    pidfd = ctypes.c_int(-1)
    pid = lib.ns_clone(_types(namespaces), cb, None, ctypes.byref(pidfd))
    return Process(pid, pidfd.value, [fn])
