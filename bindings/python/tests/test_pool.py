"""Namespace pools (Pool, SpawnAttr.use_pool, spawn(pool=...)) by their
effects: the namespaces a set holds and who owns them, as the kernel
reports them, and lo in a pooled network namespace as ip shows it."""
from __future__ import annotations

import errno
import os
import shutil
import time
from typing import List

import pytest

import linuxns
from conftest import proc_id

IP = shutil.which("ip")


def take_set(pool: linuxns.Pool, timeout: float = 5.0) -> List[linuxns.Namespace]:
    """pool.take(), retried while no set is ready (EAGAIN)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return pool.take()
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def test_take_types_order_and_owner(root: None) -> None:
    with linuxns.Pool(["user", "net", "uts"], 2) as pool:
        assert pool.types == linuxns.NS_USER | linuxns.NS_NET | linuxns.NS_UTS
        assert "user" in repr(pool) and not pool.closed
        ns = take_set(pool)
        other = take_set(pool)
    assert pool.closed
    try:
        # one per type, in ascending order of the NS_* bits
        assert [n.type for n in ns] == [linuxns.NS_UTS, linuxns.NS_USER, linuxns.NS_NET]
        assert [n.type_name for n in ns] == ["uts", "user", "net"]
        uts, user, net = ns
        # the pooled user namespace owns the others
        for n in (net, uts):
            with n.userns() as owner:
                assert owner.unique_id == user.unique_id
                assert owner == user
        # new namespaces, the user namespace a child of ours, made by us
        assert net.id != proc_id("net") and uts.id != proc_id("uts")
        with user.parent() as parent:
            assert parent.id == proc_id("user")
        assert user.owner_uid == os.geteuid()
        # each set to one taker
        assert other[2] != net and other[1] != user
        # the sets taken outlive the pool
        assert net.type == linuxns.NS_NET
    finally:
        for n in ns + other:
            n.close()
    with pytest.raises(ValueError):
        pool.take()
    pool.close()  # again: nothing happens


def _lo_program() -> List[str]:
    script = "id -u; hostname"
    if IP:
        script += f"; {IP} -o link show lo"
    return ["sh", "-c", script]


def _run(attr: linuxns.SpawnAttr) -> str:
    p = linuxns.spawn(_lo_program(), attr=attr, stdout=linuxns.PIPE)
    out, _ = p.communicate()
    assert p.returncode == 0, out
    text = out.decode()
    assert text.startswith("0\npooled\n"), text
    return text


def test_spawn_with_pool_lo_up_then_freed(root: None) -> None:
    pool = linuxns.Pool(linuxns.NS_USER | linuxns.NS_NET, 1, linuxns.NS_POOL_LO_UP)
    with linuxns.SpawnAttr() as attr:
        attr.set_namespaces(["user", "net", "uts", "pid"])
        attr.map_root()
        attr.set_hostname("pooled")
        attr.use_pool(pool)
        try:
            # A spawn that finds the set ready joins it (lo up); one that
            # finds the pool still empty creates everything (lo down).
            deadline = time.monotonic() + 5
            while True:
                text = _run(attr)
                if not IP or ",UP" in text:
                    break
                assert time.monotonic() < deadline, f"lo never up in a pooled netns: {text!r}"
                time.sleep(0.05)
            if IP:
                assert " lo:" in text
        finally:
            pool.close()
        # the same attr after the pool is freed: everything created anew
        text = _run(attr)
        if IP:
            assert ",UP" not in text, text
        # and with the pool no longer used
        attr.use_pool(None)
        _run(attr)


def test_spawn_keyword_and_type_check(root: None) -> None:
    with linuxns.Pool("net", 1, linuxns.NS_POOL_LO_UP) as pool:
        p = linuxns.spawn(["true"], namespaces=["net", "user"], map_root=True, pool=pool)
        assert p.wait() == 0
        # the pool's types must be among the spawn's namespaces
        with pytest.raises(OSError) as e:
            linuxns.spawn(["true"], namespaces=["uts"], pool=pool)
        assert e.value.errno == errno.EINVAL
    # closed, the pool is not used: the spawn creates its namespaces
    p = linuxns.spawn(["true"], namespaces=["uts"], pool=pool)
    assert p.wait() == 0


@pytest.mark.parametrize("types,size,flags", [
    (0, 1, 0),
    (linuxns.NS_MNT, 1, 0),
    ("time", 1, 0),
    ("net", 0, 0),
    ("net", 1025, 0),
    ("net", -1, 0),
    ("uts", 1, linuxns.NS_POOL_LO_UP),
    ("net", 1, 0x2),
])
def test_bad_input(types: object, size: int, flags: int) -> None:
    with pytest.raises(OSError) as e:
        linuxns.Pool(types, size, flags)  # type: ignore[arg-type]
    assert e.value.errno == errno.EINVAL
    assert str(e.value.strerror).startswith("ns_pool_new")
