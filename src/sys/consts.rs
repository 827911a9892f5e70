//! Kernel constants, defined here rather than taken from the build machine's
//! headers so the library behaves the same wherever it was built.

// Namespace types: the CLONE_NEW* bits.
pub(crate) const CLONE_NEWTIME: i32 = 0x0000_0080;
pub(crate) const CLONE_NEWNS: i32 = 0x0002_0000;
pub(crate) const CLONE_NEWCGROUP: i32 = 0x0200_0000;
pub(crate) const CLONE_NEWUTS: i32 = 0x0400_0000;
pub(crate) const CLONE_NEWIPC: i32 = 0x0800_0000;
pub(crate) const CLONE_NEWUSER: i32 = 0x1000_0000;
pub(crate) const CLONE_NEWPID: i32 = 0x2000_0000;
pub(crate) const CLONE_NEWNET: i32 = 0x4000_0000;

// Other clone/unshare flags.
pub(crate) const CLONE_FS: i32 = 0x0000_0200;
pub(crate) const CLONE_FILES: i32 = 0x0000_0400;
pub(crate) const CLONE_PIDFD: u64 = 0x0000_1000;
pub(crate) const CLONE_SYSVSEM: i32 = 0x0004_0000;

// Syscall numbers of the unified table (the same on every architecture
// since 5.1, alpha aside).
pub(crate) const SYS_PIDFD_SEND_SIGNAL: libc::c_long = 424;
pub(crate) const SYS_PIDFD_OPEN: libc::c_long = 434;
pub(crate) const SYS_CLONE3: libc::c_long = 435;

/// clone_args size of the first published version (no set_tid, no cgroup).
pub(crate) const CLONE_ARGS_SIZE_VER0: usize = 64;
/// clone_args size with set_tid and cgroup (5.7).
pub(crate) const CLONE_ARGS_SIZE_VER2: usize = 88;
// clone3-only flags (linux/sched.h).
pub(crate) const CLONE_CLEAR_SIGHAND: u64 = 0x1_0000_0000;
pub(crate) const CLONE_INTO_CGROUP: u64 = 0x2_0000_0000;
/// close_range(2) flag: mark close-on-exec instead of closing (5.11).
pub(crate) const CLOSE_RANGE_CLOEXEC: usize = 1 << 2;

// statfs magic numbers.
pub(crate) const NSFS_MAGIC: i64 = 0x6e73_6673;
pub(crate) const PROC_SUPER_MAGIC: i64 = 0x9fa0;
pub(crate) const CGROUP2_SUPER_MAGIC: i64 = 0x6367_7270;

// ioctl encoding (asm-generic; x86, arm, riscv...).
const IOC_WRITE: libc::c_ulong = 1;
const IOC_READ: libc::c_ulong = 2;
const fn io(ty: libc::c_ulong, nr: libc::c_ulong) -> libc::c_ulong {
    (ty << 8) | nr
}
const fn ior(ty: libc::c_ulong, nr: libc::c_ulong, size: libc::c_ulong) -> libc::c_ulong {
    (IOC_READ << 30) | (size << 16) | (ty << 8) | nr
}
const fn iowr(ty: libc::c_ulong, nr: libc::c_ulong, size: libc::c_ulong) -> libc::c_ulong {
    ((IOC_READ | IOC_WRITE) << 30) | (size << 16) | (ty << 8) | nr
}

// linux/nsfs.h
const NSIO: libc::c_ulong = 0xb7;
pub(crate) const NS_GET_USERNS: libc::c_ulong = io(NSIO, 0x1);
pub(crate) const NS_GET_PARENT: libc::c_ulong = io(NSIO, 0x2);
pub(crate) const NS_GET_NSTYPE: libc::c_ulong = io(NSIO, 0x3);
pub(crate) const NS_GET_OWNER_UID: libc::c_ulong = io(NSIO, 0x4);
pub(crate) const NS_GET_ID: libc::c_ulong = ior(NSIO, 13, 8);

// linux/pidfd.h: PIDFD_GET_*_NAMESPACE (6.11).
const PIDFS_IOCTL_MAGIC: libc::c_ulong = 0xFF;
pub(crate) const PIDFD_GET_CGROUP_NAMESPACE: libc::c_ulong = io(PIDFS_IOCTL_MAGIC, 1);
pub(crate) const PIDFD_GET_IPC_NAMESPACE: libc::c_ulong = io(PIDFS_IOCTL_MAGIC, 2);
pub(crate) const PIDFD_GET_MNT_NAMESPACE: libc::c_ulong = io(PIDFS_IOCTL_MAGIC, 3);
pub(crate) const PIDFD_GET_NET_NAMESPACE: libc::c_ulong = io(PIDFS_IOCTL_MAGIC, 4);
pub(crate) const PIDFD_GET_PID_NAMESPACE: libc::c_ulong = io(PIDFS_IOCTL_MAGIC, 5);
pub(crate) const PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE: libc::c_ulong = io(PIDFS_IOCTL_MAGIC, 6);
pub(crate) const PIDFD_GET_TIME_NAMESPACE: libc::c_ulong = io(PIDFS_IOCTL_MAGIC, 7);
pub(crate) const PIDFD_GET_TIME_FOR_CHILDREN_NAMESPACE: libc::c_ulong = io(PIDFS_IOCTL_MAGIC, 8);
pub(crate) const PIDFD_GET_USER_NAMESPACE: libc::c_ulong = io(PIDFS_IOCTL_MAGIC, 9);
pub(crate) const PIDFD_GET_UTS_NAMESPACE: libc::c_ulong = io(PIDFS_IOCTL_MAGIC, 10);

// linux/pidfd.h: PIDFD_GET_INFO (6.13) and its PIDFD_INFO_EXIT (6.15).
pub(crate) const PIDFD_GET_INFO: libc::c_ulong = iowr(PIDFS_IOCTL_MAGIC, 11, 64);
pub(crate) const PIDFD_INFO_EXIT: u64 = 1 << 3;

/// capset(2)'s header version with two 32-bit data words (linux/capability.h).
pub(crate) const LINUX_CAPABILITY_VERSION_3: u32 = 0x2008_0522;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ioctl_numbers_match_the_uapi_headers() {
        assert_eq!(NS_GET_USERNS, 0xb701);
        assert_eq!(NS_GET_NSTYPE, 0xb703);
        assert_eq!(NS_GET_ID, 0x8008_b70d);
        assert_eq!(PIDFD_GET_UTS_NAMESPACE, 0xff0a);
        assert_eq!(PIDFD_GET_INFO, 0xc040_ff0b);
    }
}
