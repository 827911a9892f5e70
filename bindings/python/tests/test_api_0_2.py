"""The API of LINUXNS_0.2 against the kernel's own view: namespace file
handles, ns_list_ex, the mounts of a mount namespace, pid translation, a
pidfd's status, the kernel features, idmapped mounts and the new spawn
attributes (ids, umask, limits, session, process group, capabilities,
seccomp, no_new_privs), each read back from /proc, stat(2) or the child
itself; and the 7.1 lifecycle flags (autoreap, autokill): the kernel's
behaviour where it has them, EOPNOTSUPP naming 7.1 where it has not."""
from __future__ import annotations

import ctypes
import errno
import os
import platform
import resource
import select
import struct
import subprocess
import sys
import time

import pytest

import linuxns
from conftest import NAMES, ChildError, in_child, proc_id, requires_root


def _needs(feature: linuxns.Feature, what: str) -> None:
    if feature not in linuxns.features():
        pytest.skip(f"{what}: the kernel lacks {feature!r}")


def _status(pid: str = "self") -> dict:
    with open(f"/proc/{pid}/status") as f:
        return dict(l.rstrip("\n").split(":\t", 1) for l in f if ":\t" in l)


def _fields(text: str) -> dict:
    """A /proc/PID/status text as {key: value}."""
    return dict(l.split(":\t", 1) for l in text.splitlines() if ":\t" in l)


def _unescape(field: str) -> str:
    """A mountinfo field with its octal escapes (\\040) undone."""
    return os.fsdecode(field.encode().decode("unicode_escape").encode("latin-1"))


def _mountinfo(pid: str = "self") -> set:
    """{(proc_id, proc_parent_id, mount_point, fs_type)} of /proc/PID/mountinfo."""
    out = set()
    with open(f"/proc/{pid}/mountinfo") as f:
        for line in f:
            left, right = line.split(" - ", 1)
            fields = left.split()
            out.add((int(fields[0]), int(fields[1]), _unescape(fields[4]), right.split()[0]))
    return out


def _wait_exited(pidfd: int, timeout: float = 10.0) -> None:
    """Until the pidfd polls readable (the process has exited), not reaping it."""
    p = select.poll()
    p.register(pidfd, select.POLLIN)
    assert p.poll(int(timeout * 1000)), "the child did not exit"


# --- namespace file handles --------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_handle_round_trip(name: str) -> None:
    _needs(linuxns.Feature.NSFS_HANDLES, "namespace file handles")
    with linuxns.open_pid(0, name) as ns:
        h = ns.handle()                                   # ns_handle_encode
        text = str(h)                                     # ns_handle_format
        assert text == f"{name}:{proc_id(name)}:{ns.unique_id}"
        assert len(text) < linuxns.NS_HANDLE_TEXT_MAX
        parsed = linuxns.NsHandle(text)                   # ns_handle_parse
        assert parsed == h and hash(parsed) == hash(h) and bytes(parsed) == bytes(h)
        assert len(bytes(h)) == 64
        assert (parsed.type, parsed.type_name, parsed.inode, parsed.unique_id) == (
            ns.type, name, proc_id(name), ns.unique_id)
        assert repr(parsed) == f"NsHandle({text!r})"
        with parsed.open() as again:                      # ns_open_handle
            assert again.id == proc_id(name) == ns.id
            assert again == ns and again.type_name == name
            assert not os.get_inheritable(again.fileno())  # O_CLOEXEC
        assert linuxns.NsHandle.from_bytes(bytes(h)) == h
        with linuxns.open_handle(bytes(h)) as b, linuxns.open_handle(text) as t:
            assert b.id == t.id == proc_id(name)
        assert ns.handle() == h  # the same bytes for the same namespace


def test_handle_errors() -> None:
    for bad in ("net:0:1", "net:1:0", "bogus", "net:1", " net:1:2", "net:01:2",
                "net:1:2\n", "network:1:2", "net:4294967296:2"):
        with pytest.raises(OSError) as ei:
            linuxns.NsHandle(bad)
        assert ei.value.errno == errno.EINVAL, bad
        assert ei.value.strerror.startswith("ns_handle_parse"), ei.value.strerror
    with pytest.raises(ValueError):
        linuxns.NsHandle.from_bytes(b"\0" * 3)
    zero = linuxns.NsHandle.from_bytes(bytes(64))
    assert repr(zero).startswith("NsHandle.from_bytes(")
    with pytest.raises(OSError) as ei:
        str(zero)
    assert ei.value.errno == errno.EINVAL and ei.value.strerror.startswith("ns_handle_format")
    with pytest.raises(OSError) as ei:
        zero.open()
    assert ei.value.errno == errno.EINVAL and ei.value.strerror.startswith("ns_open_handle")
    with open(os.devnull) as f, pytest.raises(OSError) as ei:
        linuxns.Namespace(os.dup(f.fileno())).handle()
    assert ei.value.errno in (errno.EINVAL, errno.EOPNOTSUPP)
    assert ei.value.strerror.startswith("ns_handle_encode")


@requires_root
def test_handle_opens_in_another_process_while_alive() -> None:
    _needs(linuxns.Feature.NSFS_HANDLES, "namespace file handles")
    code = ("import linuxns, os, sys\n"
            "ns = linuxns.open_handle(sys.argv[1])\n"
            "print(ns.id, os.readlink(f'/proc/self/fd/{ns.fileno()}'))\n")
    with linuxns.new("uts") as held:  # held only by this descriptor
        text = str(held.handle())
        out = subprocess.run([sys.executable, "-c", code, text], capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        assert out.stdout.split() == [str(held.id), f"uts:[{held.id}]"]
    # Gone with its last descriptor: the handle names nothing any more.
    deadline = time.monotonic() + 5
    while True:
        try:
            linuxns.open_handle(text).close()
        except OSError as e:
            assert e.errno == errno.ESTALE and "gone" in e.strerror, e
            break
        assert time.monotonic() < deadline, "the namespace outlived its last descriptor"
        time.sleep(0.05)


# --- ns_list_ex ---------------------------------------------------------------

def test_list_all_finds_namespace_held_by_fd() -> None:
    if os.geteuid() == 0:
        held, kind = linuxns.new("uts"), "uts"
    else:
        try:
            held = linuxns.new_userns([(0, os.geteuid(), 1)], [(0, os.getegid(), 1)],
                                      linuxns.NS_MAP_DENY_SETGROUPS)
        except OSError as e:
            pytest.skip(f"needs root or user namespaces: {e}")
        kind = "user"
    with held:
        found = [i for i in linuxns.list_namespaces(kind, all=True) if i.id == held.id]
        assert len(found) == 1
        assert (found[0].nprocs, found[0].pid, found[0].type_name) == (0, 0, kind)
        with held.userns() as owner:
            assert found[0].userns_id == owner.id
        assert held.id not in {i.id for i in linuxns.list_namespaces(kind)}  # ns_list: processes only
        everything = linuxns.list_namespaces(all=True)
        assert everything == sorted(everything, key=lambda i: (i.type, i.id))
        for name in NAMES:
            assert (name, proc_id(name)) in {(i.type_name, i.id) for i in everything}

    def stop(info):
        raise KeyError("stop here")

    with pytest.raises(KeyError, match="stop here"):
        linuxns.list_namespaces(0, stop, all=True)
    assert len(linuxns.list_namespaces(0, lambda i: True, all=True)) == 1


# --- mounts -------------------------------------------------------------------

def test_list_mounts_of_own_namespace() -> None:
    # Other processes may mount on this machine meanwhile: the count and the
    # listing agree once nothing changed in between.
    for _ in range(20):
        before = _mountinfo()
        mounts = linuxns.list_mounts()
        count = linuxns.count_mounts()
        if before == _mountinfo() and len(mounts) == count:
            break
        time.sleep(0.1)
    assert len(mounts) == count == len(before)
    assert {(m.proc_id, m.proc_parent_id, m.mount_point, m.fs_type) for m in mounts} == before
    rootfs = [m for m in mounts if m.mount_point == "/"]
    assert rootfs, [m.mount_point for m in mounts]
    if rootfs[-1].fs_type != "btrfs":  # btrfs subvolumes have st_dev of their own
        assert rootfs[-1].dev == os.stat("/").st_dev
    assert all(m.source for m in mounts)
    with linuxns.open_pid(0, "mnt") as mnt:
        assert abs(mnt.mount_count() - count) <= 5
        assert {m.mount_point for m in mnt.mounts()} >= {"/"}
    if linuxns.Feature.LISTMOUNT_NS_FD in linuxns.features():
        assert all(m.id > 0 for m in mounts)
    assert len(linuxns.list_mounts(None, lambda m: True)) == 1

    def boom(m):
        raise LookupError(m.mount_point)

    with pytest.raises(LookupError):
        linuxns.list_mounts(callback=boom)
    with linuxns.open_pid(0, "net") as net:
        for f in (linuxns.list_mounts, linuxns.count_mounts):
            with pytest.raises(OSError) as ei:
                f(net)
            assert ei.value.errno == errno.EINVAL


@requires_root
def test_list_mounts_of_another_namespace() -> None:
    p = linuxns.spawn(["sleep", "30"], namespaces=["mnt", "pid"], mount_proc=True,
                      propagation=linuxns.NS_PROPAGATION_PRIVATE, pdeathsig=9)
    try:
        with linuxns.open_pidfd(p.pidfd, "mnt") as mnt:
            assert mnt.id != proc_id("mnt")
            mounts = linuxns.list_mounts(mnt)
            assert len(mounts) == linuxns.count_mounts(mnt) == mnt.mount_count()
            assert {(m.proc_id, m.proc_parent_id, m.mount_point, m.fs_type)
                    for m in mounts} == _mountinfo(str(p.pid))
            procs = [m for m in mounts if m.mount_point == "/proc"]
            assert procs[-1].fs_type == "proc"
            assert "/" in {m.mount_point for m in mounts}
    finally:
        p.kill()
        p.wait()
        p.close()


def _private_mount_ns() -> None:
    """In a forked child: a mount namespace of its own, private from the host."""
    linuxns.unshare("mnt")
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mount.argtypes = [ctypes.c_char_p] * 3 + [ctypes.c_ulong, ctypes.c_void_p]
    MS_REC, MS_PRIVATE = 0x4000, 1 << 18
    if libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None) != 0:
        raise OSError(ctypes.get_errno(), "mount --make-rprivate /")


@requires_root
def test_mount_idmapped(tmp_path) -> None:
    _needs(linuxns.Feature.IDMAPPED_MOUNTS, "idmapped mounts")
    src, tgt = tmp_path / "src", tmp_path / "tgt"
    src.mkdir()
    tgt.mkdir()
    (src / "file").write_text("x")  # root's
    nobody = [(0, 65534, 1)]

    def child():
        _private_mount_ns()
        with linuxns.new_userns(nobody, nobody) as userns:
            linuxns.mount_idmapped(src, tgt, userns)
        through, at = os.stat(tgt / "file"), os.stat(src / "file")
        mine = [m for m in linuxns.list_mounts() if m.mount_point == str(tgt)]
        return [through.st_uid, through.st_gid, at.st_uid, at.st_gid,
                [(m.idmapped, m.attr & 0x100000) for m in mine]]

    assert in_child(child) == [65534, 65534, 0, 0, [[True, 0x100000]]]
    assert not (tgt / "file").exists()  # the mount stayed in the child's namespace

    def refused():
        _private_mount_ns()
        with linuxns.open_pid(0, "net") as net:
            linuxns.mount_idmapped(src, tgt, net)

    with pytest.raises(ChildError) as ei:
        in_child(refused)
    assert ei.value.info["errno"] == errno.EINVAL


def test_mount_idmapped_unprivileged(tmp_path) -> None:
    if os.geteuid() == 0:
        pytest.skip("checks the refusal to a user that is not root")
    with linuxns.open_pid(0, "user") as u, pytest.raises(PermissionError) as ei:
        linuxns.mount_idmapped(tmp_path, tmp_path, u)
    assert ei.value.strerror.startswith("ns_mount_idmapped")


@requires_root
def test_spawn_root_idmap() -> None:
    _needs(linuxns.Feature.IDMAPPED_MOUNTS, "idmapped mounts")
    if os.readlink("/bin") != "usr/bin":
        pytest.skip("needs a merged /usr (/usr as a root with /bin and the libraries)")
    nobody = [(0, 65534, 1)]
    args = ["/bin/stat", "-c", "%u:%g", "/bin/stat"]
    opts = dict(namespaces=["user", "mnt"], uid_map=nobody, gid_map=nobody, root="/usr",
                stdout=linuxns.PIPE, stderr=linuxns.PIPE)
    with linuxns.new_userns(nobody, nobody) as userns:
        p = linuxns.spawn(args, root_idmap=userns, **opts)
        out, err = p.communicate()
        assert (p.returncode, out, err) == (0, b"0:0\n", b"")  # host root's file, the sandbox's root's
        with linuxns.SpawnAttr() as a:
            a.set_root_idmap(userns)
            p = linuxns.spawn(args, attr=a, **opts)
            assert p.communicate()[0] == b"0:0\n"
        with pytest.raises(OSError) as ei:  # no root to idmap
            linuxns.spawn(["true"], namespaces="mnt", root_idmap=userns)
        assert ei.value.errno == errno.EINVAL
    p = linuxns.spawn(args, **opts)  # without: host root is unmapped there
    assert p.communicate()[0] == b"65534:65534\n"
    with linuxns.open_pid(0, "net") as net, linuxns.SpawnAttr() as a, pytest.raises(OSError) as ei:
        a.set_root_idmap(net)
    assert ei.value.errno == errno.EINVAL


# --- pids and pidfds ------------------------------------------------------------

def test_pid_translate_own_pid() -> None:
    me = os.getpid()
    assert linuxns.pid_translate(me) == me
    with linuxns.open_pid(0, "pid") as a, linuxns.open_pid(me, "pid") as b:
        assert linuxns.pid_translate(me, a, b) == me
        assert linuxns.pid_translate(me, a) == linuxns.pid_translate(me, None, b) == me
        with pytest.raises(ProcessLookupError):
            linuxns.pid_translate(2 ** 22 + 12345, a, a)
        with pytest.raises(OSError) as ei:
            linuxns.pid_translate(0, a, a)
        assert ei.value.errno == errno.EINVAL
        with linuxns.open_pid(0, "net") as net, pytest.raises(OSError) as ei:
            linuxns.pid_translate(me, net, a)
        assert ei.value.errno == errno.EINVAL
        assert ei.value.strerror.startswith("ns_pid_translate")


@requires_root
def test_pid_translate_into_child_pidns() -> None:
    p = linuxns.spawn(["sleep", "30"], namespaces="pid", pdeathsig=9)
    try:
        with linuxns.open_pidfd(p.pidfd, "pid") as child:
            assert child.id != proc_id("pid")
            assert linuxns.pid_translate(p.pid, None, child) == 1
            assert linuxns.pid_translate(1, child, None) == p.pid
            with pytest.raises(ProcessLookupError):  # we are not visible down there
                linuxns.pid_translate(os.getpid(), None, child)
    finally:
        p.kill()
        p.wait()
        p.close()


def test_pidfd_status() -> None:
    p = linuxns.spawn(["sh", "-c", "exit 3"])
    _wait_exited(p.pidfd)
    status = linuxns.pidfd_status(p)
    assert status is not None and os.WIFEXITED(status) and os.WEXITSTATUS(status) == 3
    assert linuxns.pidfd_status(p.pidfd) == status  # never reaps: still a zombie
    assert _status(str(p.pid))["State"].startswith("Z")
    assert p.wait() == 3
    try:
        assert linuxns.pidfd_status(p.pidfd) == status  # reaped: PIDFD_INFO_EXIT (6.15)
    except OSError as e:
        assert e.errno == errno.EOPNOTSUPP
        assert linuxns.Feature.PIDFD_INFO_EXIT not in linuxns.features()
    p.close()

    p = linuxns.spawn(["sleep", "30"])
    try:
        assert linuxns.pidfd_status(p) is None  # running (EAGAIN)
        p.kill()
        _wait_exited(p.pidfd)
        status = linuxns.pidfd_status(p)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == 9
    finally:
        p.kill()
        assert p.wait() == -9
        p.close()
    with open(os.devnull) as f, pytest.raises(OSError) as ei:
        linuxns.pidfd_status(f.fileno())
    assert ei.value.errno == errno.EBADF and ei.value.strerror.startswith("ns_pidfd_status")


# --- features -----------------------------------------------------------------------

def test_features() -> None:
    mask = linuxns.features()
    assert isinstance(mask, linuxns.Feature) and isinstance(mask, int)
    if os.environ.get("LINUXNS_FORCE_FALLBACK") == "1":  # the library avoids every feature
        assert mask == 0
        with linuxns.open_pid(0, "net") as ns, pytest.raises(OSError) as ei:
            ns.handle()
        assert ei.value.errno == errno.EOPNOTSUPP
        return
    assert linuxns.Feature.CLONE3 in mask and mask & linuxns.NS_FEATURE_CLONE3
    known = 0
    for f in linuxns.Feature:
        assert getattr(linuxns, f"NS_FEATURE_{f.name}") == f.value
        known |= f.value
    assert int(mask) & ~known == 0
    release = tuple(int(x) for x in os.uname().release.split("-")[0].split(".")[:2])
    if release >= (6, 18):
        assert {linuxns.Feature.NS_GET_ID, linuxns.Feature.NSFS_HANDLES,
                linuxns.Feature.PID_TRANSLATE, linuxns.Feature.PIDFD_INFO_EXIT} <= set(
                    f for f in linuxns.Feature if f in mask)
    code = "import linuxns; print(int(linuxns.features()))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=dict(os.environ, LINUXNS_FORCE_FALLBACK="1"))
    assert (out.returncode, out.stdout) == (0, "0\n"), out.stderr


# --- spawn attributes -------------------------------------------------------------

def _limits(text: str) -> dict:
    """/proc/PID/limits as {name: (soft, hard)}."""
    out = {}
    for line in text.splitlines()[1:]:
        name, rest = line[:26].strip(), line[26:].split()
        if name and len(rest) >= 2:
            out[name] = (rest[0], rest[1])
    return out


STATUS_AND_LIMITS = ["sh", "-c", "cat /proc/self/status; echo ---; cat /proc/self/limits"]


def _read_back(**kwargs) -> tuple:
    p = linuxns.spawn(STATUS_AND_LIMITS, stdout=linuxns.PIPE, **kwargs)
    out = p.communicate()[0].decode()
    assert p.returncode == 0, out
    status, limits = out.split("---\n")
    return _fields(status), _limits(limits)


def test_spawn_umask_and_rlimit() -> None:
    core_hard = resource.getrlimit(resource.RLIMIT_CORE)[1]  # often RLIM_INFINITY
    status, limits = _read_back(umask=0o027, rlimits={resource.RLIMIT_NOFILE: (100, 200),
                                                      resource.RLIMIT_CORE: (0, core_hard)})
    assert status["Umask"] == "0027"
    assert limits["Max open files"] == ("100", "200")
    assert limits["Max core file size"] == (
        "0", "unlimited" if core_hard == resource.RLIM_INFINITY else str(core_hard))
    with linuxns.SpawnAttr() as a:
        a.set_umask(0o077)
        a.set_rlimit(resource.RLIMIT_NOFILE, (64, 64))
        a.set_rlimit(resource.RLIMIT_NOFILE, (50, 64))  # replaces
        for _ in range(2):  # reusable
            p = linuxns.spawn(STATUS_AND_LIMITS, attr=a, stdout=linuxns.PIPE)
            status, limits = (lambda o: (_fields(o[0]), _limits(o[1])))(
                p.communicate()[0].decode().split("---\n"))
            assert (status["Umask"], limits["Max open files"]) == ("0077", ("50", "64"))
        for call, args in ((a.set_umask, (0o1000,)),
                           (a.set_rlimit, (resource.RLIMIT_NOFILE, (200, 100))),
                           (a.set_rlimit, (99, (1, 1)))):
            with pytest.raises(OSError) as ei:
                call(*args)
            assert ei.value.errno == errno.EINVAL


@requires_root
def test_spawn_ids_umask_rlimit_as_root() -> None:
    status, limits = _read_back(user=65534, group=65534, extra_groups=[65533, 100],
                                umask=0o007, rlimits={resource.RLIMIT_NOFILE: (128, 256)})
    assert status["Uid"].split() == ["65534"] * 4
    assert status["Gid"].split() == ["65534"] * 4
    assert sorted(status["Groups"].split()) == ["100", "65533"]
    assert status["Umask"] == "0007"
    assert limits["Max open files"] == ("128", "256")
    assert status["CapEff"] == "0000000000000000"  # leaving uid 0 drops them
    # names, and groups=[] for none
    status, _ = _read_back(user="nobody", extra_groups=[])
    assert status["Uid"].split()[0] == str(__import__("pwd").getpwnam("nobody").pw_uid)
    assert status["Gid"].split()[0] == str(os.getgid()) and status["Groups"].strip() == ""
    with linuxns.SpawnAttr() as a, pytest.raises(OSError) as ei:
        a.set_ids(0, 0, [0xFFFFFFFF])
    assert ei.value.errno == errno.EINVAL
    # in a new user namespace the ids are its own: 0 is mapped there
    status, _ = _read_back(namespaces="user", uid_map=[(0, 100000, 10)],
                           gid_map=[(0, 100000, 10)], user=5, group=6, extra_groups=[7])
    assert (status["Uid"].split()[0], status["Gid"].split()[0], status["Groups"].split()) == (
        "5", "6", ["7"])  # as the child itself sees them


def test_spawn_session_and_process_group() -> None:
    def stat(**kw):
        p = linuxns.spawn(["cat", "/proc/self/stat"], stdout=linuxns.PIPE, **kw)
        out = p.communicate()[0].decode()
        f = out[out.rindex(")") + 2:].split()
        return p.pid, int(f[2]), int(f[3])  # pid, pgrp, session

    pid, pgrp, sid = stat(start_new_session=True)
    assert pgrp == sid == pid
    pid, pgrp, sid = stat(process_group=0)
    assert pgrp == pid and sid == os.getsid(0)
    pid, pgrp, sid = stat()
    assert (pgrp, sid) == (os.getpgrp(), os.getsid(0))
    with pytest.raises(OSError) as ei:
        stat(start_new_session=True, process_group=0)
    assert ei.value.errno == errno.EINVAL and ei.value.strerror.startswith("ns_spawn")
    with linuxns.SpawnAttr() as a, pytest.raises(OSError) as ei:
        a.set_pgid(-1)
    assert ei.value.errno == errno.EINVAL


@requires_root
def test_spawn_caps() -> None:
    CAP_CHOWN, CAP_NET_BIND_SERVICE = 0, 10
    # a root program: limited by the bounding set
    status, _ = _read_back(caps={linuxns.NS_CAPS_BOUNDING: [CAP_CHOWN, CAP_NET_BIND_SERVICE]})
    assert int(status["CapBnd"], 16) == 0x401
    assert int(status["CapEff"], 16) == int(status["CapPrm"], 16) == 0x401
    # a non-root program keeps one through the ambient set
    keep = (linuxns.NS_CAPS_PERMITTED | linuxns.NS_CAPS_EFFECTIVE | linuxns.NS_CAPS_INHERITABLE
            | linuxns.NS_CAPS_AMBIENT)
    status, _ = _read_back(user=65534, group=65534, caps={keep: 1 << CAP_NET_BIND_SERVICE})
    assert status["Uid"].split()[0] == "65534"
    assert [int(status[k], 16) for k in ("CapAmb", "CapEff", "CapPrm")] == [0x400] * 3
    with linuxns.SpawnAttr() as a:
        for which, caps in ((0, 0), (0x20, 0), (linuxns.NS_CAPS_BOUNDING, 1 << 63)):
            with pytest.raises(OSError) as ei:
                a.set_caps(which, caps)
            assert ei.value.errno == errno.EINVAL


SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO = 0x7FFF0000, 0x00050000
BPF_LD_W_ABS, BPF_JEQ_K, BPF_RET_K = 0x20, 0x15, 0x06


def test_spawn_seccomp() -> None:
    allow = [(BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW)]
    for program in (allow, struct.pack("=HBBI", *allow[0])):
        status, _ = _read_back(seccomp=program)
        assert (status["Seccomp"], status["NoNewPrivs"]) == ("2", "1")
    assert _status()["Seccomp"] == "0"  # the caller has none
    with linuxns.SpawnAttr() as a:
        for bad in ([], [(BPF_LD_W_ABS, 0, 0, 0)], [(BPF_LD_W_ABS, 0, 0, 1000), allow[0]], b"123"):
            with pytest.raises((OSError, ValueError)) as ei:
                a.set_seccomp(bad)
            if isinstance(ei.value, OSError):
                assert ei.value.errno == errno.EINVAL
                assert ei.value.strerror.startswith("ns_spawn_attr_set_seccomp")
    if platform.machine() != "x86_64":
        return
    # uname(2) (63 on x86_64) fails with EPERM, everything else is allowed
    deny_uname = [
        (BPF_LD_W_ABS, 0, 0, 4),               # arch
        (BPF_JEQ_K, 0, 3, 0xC000003E),         # AUDIT_ARCH_X86_64, else allow
        (BPF_LD_W_ABS, 0, 0, 0),               # nr
        (BPF_JEQ_K, 0, 1, 63),                 # __NR_uname
        (BPF_RET_K, 0, 0, SECCOMP_RET_ERRNO | errno.EPERM),
        (BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW),
    ]
    p = linuxns.spawn(["uname", "-n"], seccomp=deny_uname, stdout=linuxns.PIPE,
                      stderr=linuxns.PIPE)
    out, err = p.communicate()
    assert p.returncode != 0 and out == b"" and b"not permitted" in err, err
    p = linuxns.spawn(["true"], seccomp=deny_uname)
    assert p.wait() == 0


def test_spawn_fn_takes_the_new_options() -> None:
    r, w = os.pipe()

    def fn():
        os.write(w, f"{os.umask(0)} {resource.getrlimit(resource.RLIMIT_NOFILE)[0]}".encode())
        return 0

    p = linuxns.spawn_fn(fn, umask=0o017, rlimits={resource.RLIMIT_NOFILE: (77, 77)},
                         start_new_session=True)
    os.close(w)
    assert p.wait() == 0
    with os.fdopen(r) as f:
        assert f.read() == f"{0o017} 77"
    with pytest.raises(TypeError):
        linuxns.spawn_fn(fn, no_such_option=1)


# --- no_new_privs, autoreap, autokill -----------------------------------------------

def test_spawn_no_new_privs() -> None:
    assert _status()["NoNewPrivs"] == "0"  # the caller, before and after
    status, _ = _read_back()
    assert status["NoNewPrivs"] == "0"
    status, _ = _read_back(no_new_privs=True)
    assert status["NoNewPrivs"] == "1"
    with linuxns.SpawnAttr() as a:
        a.set_no_new_privs()
        for _ in range(2):  # reusable
            p = linuxns.spawn(["cat", "/proc/self/status"], attr=a, stdout=linuxns.PIPE)
            assert _fields(p.communicate()[0].decode())["NoNewPrivs"] == "1"
        a.set_no_new_privs(False)
        p = linuxns.spawn(["cat", "/proc/self/status"], attr=a, stdout=linuxns.PIPE)
        assert _fields(p.communicate()[0].decode())["NoNewPrivs"] == "0"
    assert _status()["NoNewPrivs"] == "0"

    r, w = os.pipe()

    def fn():
        with open("/proc/self/status") as f:
            os.write(w, _fields(f.read())["NoNewPrivs"].encode())
        return 0

    p = linuxns.spawn_fn(fn, no_new_privs=True)
    os.close(w)
    assert p.wait() == 0
    with os.fdopen(r) as f:
        assert f.read() == "1"


@requires_root
def test_spawn_no_new_privs_in_namespaces() -> None:
    # new namespaces, and a join (through the library's intermediate process)
    status, _ = _read_back(no_new_privs=True, namespaces=["user", "pid", "mnt", "uts"],
                           map_root=True)
    assert (status["NoNewPrivs"], status["Uid"].split()[0]) == ("1", "0")
    with linuxns.open_pid(0, "uts") as uts:
        status, _ = _read_back(no_new_privs=True, join=[uts])
    assert status["NoNewPrivs"] == "1"


def _refused(call, name: str, flag: str) -> None:
    """The setter's OSError where the kernel lacks the flag: EOPNOTSUPP,
    ns_last_error naming the function, the clone3 flag and 7.1."""
    with pytest.raises(OSError) as ei:
        call()
    assert ei.value.errno == errno.EOPNOTSUPP
    for word in (name, flag, "7.1"):
        assert word in ei.value.strerror, ei.value.strerror


def test_spawn_autoreap() -> None:
    if linuxns.Feature.CLONE_AUTOREAP not in linuxns.features():
        with linuxns.SpawnAttr() as a:
            _refused(a.set_autoreap, "ns_spawn_attr_set_autoreap", "CLONE_AUTOREAP")
            a.set_autoreap(False)  # off: always fine
            p = linuxns.spawn(["sh", "-c", "exit 7"], attr=a)
            assert not p.autoreap and p.wait() == 7
            p.close()
        _refused(lambda: linuxns.spawn(["true"], autoreap=True), "ns_spawn_attr_set_autoreap",
                 "CLONE_AUTOREAP")
        return
    p = linuxns.spawn(["sh", "-c", "exit 7"], autoreap=True)
    assert p.autoreap
    _wait_exited(p.pidfd)
    status = linuxns.pidfd_status(p)
    for _ in range(1000):  # recorded as the kernel reaps it, a moment after the exit
        if status is not None:
            break
        time.sleep(0.001)
        status = linuxns.pidfd_status(p)
    assert status is not None and os.WIFEXITED(status) and os.WEXITSTATUS(status) == 7
    # neither a zombie nor waitable (0x40000000: __WALL, whatever the exit signal)
    with pytest.raises(ChildProcessError):
        os.waitpid(p.pid, os.WNOHANG | 0x40000000)
    assert p.wait() == 7
    p.close()
    # a signal; wait's timeout
    with linuxns.spawn(["sleep", "60"], autoreap=True) as p:
        assert p.poll() is None
        with pytest.raises(subprocess.TimeoutExpired):
            p.wait(timeout=0.05)
        p.kill()
        assert p.wait() == -9
    # through a SpawnAttr: set_autoreap(False) turns it off again
    with linuxns.SpawnAttr() as a:
        a.set_autoreap()
        p = linuxns.spawn(["true"], attr=a)
        assert p.autoreap and p.wait() == 0
        p.close()
        a.set_autoreap(False)
        p = linuxns.spawn(["true"], attr=a)
        assert not p.autoreap and p.wait() == 0
        p.close()
    # a join needs the intermediate process: refused before anything starts
    with linuxns.open_pid(0, "uts") as uts, pytest.raises(OSError) as ei:
        linuxns.spawn(["true"], autoreap=True, join=[uts])
    assert ei.value.errno == errno.EOPNOTSUPP


def test_spawn_autokill() -> None:
    if linuxns.Feature.CLONE_PIDFD_AUTOKILL not in linuxns.features():
        with linuxns.SpawnAttr() as a:
            _refused(a.set_autokill, "ns_spawn_attr_set_autokill", "CLONE_PIDFD_AUTOKILL")
            a.set_autokill(False)  # off: always fine
            p = linuxns.spawn(["sh", "-c", "exit 3"], attr=a)
            assert not p.autoreap and p.wait() == 3
            p.close()
        _refused(lambda: linuxns.spawn(["true"], autokill=True), "ns_spawn_attr_set_autokill",
                 "CLONE_PIDFD_AUTOKILL")
        return
    p = linuxns.spawn(["sleep", "60"], autokill=True)
    assert p.autoreap  # implied
    assert _status(str(p.pid))["NoNewPrivs"] == "1"  # implied
    os.kill(p.pid, 0)
    p.close()  # the last descriptor of its pidfd: SIGKILL, and the kernel reaps it
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(p.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.01)
    with pytest.raises(ProcessLookupError):
        os.kill(p.pid, 0)
    # with the pidfd kept open, a normal exit and its status
    with linuxns.spawn(["sh", "-c", "exit 3"], autokill=True) as p:
        assert p.wait() == 3


def test_process_autoreap_path_on_any_child() -> None:
    """The wait of a child the kernel reaps (poll the pidfd, then its
    status) works on any child, which it leaves a zombie for waitid."""
    p = linuxns.spawn(["sh", "-c", "read x; exit 5"], stdin=linuxns.PIPE)
    q = linuxns.Process(p.pid, p.pidfd, p.args, autoreap=True)
    assert q.poll() is None
    with pytest.raises(subprocess.TimeoutExpired):
        q.wait(timeout=0.05)
    assert p.stdin is not None
    p.stdin.close()
    assert q.wait() == 5
    assert p.wait() == 5  # still there to reap
    p.close()
