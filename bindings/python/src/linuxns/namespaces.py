"""The API of ``lxns.namespaces`` (PyPI's lxns), over liblinuxns.

A program written for lxns changes only its import::

    from lxns.namespaces import NetworkNamespace      # before
    from linuxns.namespaces import NetworkNamespace   # after

Same classes, methods, constants and errors. One difference, where the
library is kinder than the bare syscall: ``setns()`` of the user namespace
the caller is already in succeeds (setns(2) itself refuses it with
EINVAL). A descriptor that is no namespace at all gives OSError(EINVAL)
where lxns gives OSError(ENOTTY).
"""
from __future__ import annotations

import ctypes
import os
from typing import TYPE_CHECKING, Any, ClassVar, Tuple, Type, TypeVar, Union
from warnings import warn

from ._lib import lib

if TYPE_CHECKING:
    from typing import Literal

CLONE_NEWNS = 0x00020000
CLONE_NEWCGROUP = 0x02000000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
CLONE_NEWTIME = 0x00000080
CLONE_FS = 0x00000200
CLONE_FILES = 0x00000400
CLONE_SYSVSEM = 0x00040000

Self = TypeVar("Self", bound="BaseNamespace")


class BaseNamespace:
    """Base namespace class for all namespaces.

    Should not be used directly.
    """

    NAMESPACE_CONSTANT: ClassVar[int] = -1
    NAMESPACE_PROC_NAME: ClassVar[str] = "\0"

    def __init__(self, fd: int, closefd: bool = True):
        """Wrap an existing namespace descriptor.

        :param int fd: File descriptor that references the namespace.
        :param bool closefd: Close underlying file descriptor or not.
        :raises ValueError: the descriptor is a namespace of another type.
        """
        self._fd: Union[int, None] = None
        self._closefd = closefd
        if lib.ns_type(fd) != self.NAMESPACE_CONSTANT:
            raise ValueError(
                f"File descriptor {fd!r} does not reference "
                f"the {self.__class__.__name__} namespace."
            )
        self._fd = fd

    def __del__(self) -> None:
        if getattr(self, "_fd", None) is not None and self._closefd:
            warn(f"unclosed namespace {self}", ResourceWarning)
            self.close()

    def fileno(self) -> int:
        """Return namespace underlying file descriptor.

        :raises ValueError: Namespace was already closed.
        """
        fd = self._fd
        if fd is not None:
            return fd
        raise ValueError("Namespace file descriptor is already closed.")

    def setns(self: Self) -> None:
        """Enter namespace.

        :raises OSError: Errors returned by the library.
        """
        if self._fd is None:
            raise ValueError("Trying switch to closed namespace.")
        lib.ns_setns(self._fd, self.NAMESPACE_CONSTANT)

    def get_user_namespace(self: Self) -> "UserNamespace":
        """Open user namespace that owns this namespace."""
        if self._fd is None:
            raise ValueError("Namespace closed. Cannot get user namespace.")
        return UserNamespace(lib.ns_get_userns(self._fd))

    def close(self: Self) -> None:
        """Close namespace file descriptor.

        Can be called multiple times in which case only first call
        will close the namespace and subsequent calls will be ignored.
        """
        if self._fd is not None:
            if self._closefd:
                os.close(self._fd)
            self._fd = None

    def __enter__(self: Self) -> Self:
        return self

    def __exit__(self: Self, *args: Any, **kwargs: Any) -> None:
        self.close()

    @classmethod
    def from_pid(cls: Type[Self], pid: "Union[int, Literal['self']]") -> Self:
        """Open namespace from a process id."""
        path = f"/proc/{pid}/ns/{cls.NAMESPACE_PROC_NAME}".encode()
        return cls(lib.ns_open_path(path, cls.NAMESPACE_CONSTANT))

    @classmethod
    def from_self(cls: Type[Self]) -> Self:
        """Open caller current namespace."""
        return cls.from_pid("self")

    @classmethod
    def get_current_ns_id(cls) -> int:
        """Return the current namespace of this type unique identifier.

        This is a class method that works without opening a namespace file.
        """
        return os.stat(f"/proc/self/ns/{cls.NAMESPACE_PROC_NAME}").st_ino

    @classmethod
    def unshare(cls) -> None:
        """Create and switch to the new namespace of this type."""
        lib.ns_unshare(cls.NAMESPACE_CONSTANT)

    @property
    def ns_id(self) -> int:
        """Return the namespace unique identifier."""
        if self._fd is None:
            raise ValueError("Namespace already closed")
        out = ctypes.c_uint64()
        lib.ns_id(self._fd, ctypes.byref(out))
        return out.value

    def __repr__(self) -> str:
        try:
            ns_id = str(self.ns_id)
        except ValueError:
            ns_id = "closed"
        return f"<{self.__class__.__name__} id={ns_id}>"

    @classmethod
    def get_current_limit(cls) -> int:
        """Get the current limit for this type of namespace.

        The limits are unique per user namespace and are propagated to the child
        namespaces.
        """
        return int(lib.ns_get_limit(cls.NAMESPACE_CONSTANT))

    @classmethod
    def set_current_limit(cls, new_limit: int) -> None:
        """Set the current limit for this type of namespace.

        The limits are unique per user namespace and are propagated to the child
        namespaces.
        """
        lib.ns_set_limit(cls.NAMESPACE_CONSTANT, int(new_limit))


class CgroupNamespace(BaseNamespace):
    """Cgroups namespace."""

    NAMESPACE_CONSTANT = CLONE_NEWCGROUP
    NAMESPACE_PROC_NAME = "cgroup"


class IpcNamespace(BaseNamespace):
    """IPC namespace."""

    NAMESPACE_CONSTANT = CLONE_NEWIPC
    NAMESPACE_PROC_NAME = "ipc"


class NetworkNamespace(BaseNamespace):
    """Network namespace."""

    NAMESPACE_CONSTANT = CLONE_NEWNET
    NAMESPACE_PROC_NAME = "net"


class MountNamespace(BaseNamespace):
    """Mount namespace."""

    NAMESPACE_CONSTANT = CLONE_NEWNS
    NAMESPACE_PROC_NAME = "mnt"


class PidNamespace(BaseNamespace):
    """PID namespace."""

    NAMESPACE_CONSTANT = CLONE_NEWPID
    NAMESPACE_PROC_NAME = "pid"


class TimeNamespace(BaseNamespace):
    """Time namespace."""

    NAMESPACE_CONSTANT = CLONE_NEWTIME
    NAMESPACE_PROC_NAME = "time"


class UserNamespace(BaseNamespace):
    """User namespace."""

    NAMESPACE_CONSTANT = CLONE_NEWUSER
    NAMESPACE_PROC_NAME = "user"


class UtsNamespace(BaseNamespace):
    """UTS namespace.

    Provides isolation of system identifiers: hostname and NIS domain name.
    """

    NAMESPACE_CONSTANT = CLONE_NEWUTS
    NAMESPACE_PROC_NAME = "uts"


def unshare_namespaces(
    *,
    cgroup: bool = False,
    ipc: bool = False,
    network: bool = False,
    mount: bool = False,
    pid: bool = False,
    time: bool = False,
    user: bool = False,
    uts: bool = False,
) -> None:
    """Unshare multiple namespaces indicated by the boolean arguments."""
    flags = 0
    if cgroup:
        flags |= CLONE_NEWCGROUP
    if ipc:
        flags |= CLONE_NEWIPC
    if network:
        flags |= CLONE_NEWNET
    if mount:
        flags |= CLONE_NEWNS
    if pid:
        flags |= CLONE_NEWPID
    if time:
        flags |= CLONE_NEWTIME
    if user:
        flags |= CLONE_NEWUSER
    if uts:
        flags |= CLONE_NEWUTS
    lib.ns_unshare(flags)


# The same tuple as lxns, user namespace listed first and again later.
ALL_NAMESPACE_CLASSES: Tuple[Type[BaseNamespace], ...] = (
    UserNamespace,
    CgroupNamespace,
    IpcNamespace,
    NetworkNamespace,
    MountNamespace,
    PidNamespace,
    TimeNamespace,
    UserNamespace,
    UtsNamespace,
)
"""All Namespace classes arranged in order suited for joining."""


__all__ = (
    "CgroupNamespace",
    "IpcNamespace",
    "NetworkNamespace",
    "MountNamespace",
    "PidNamespace",
    "TimeNamespace",
    "UserNamespace",
    "UtsNamespace",
    "unshare_namespaces",
)
