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

// The mount API (5.2) and mount_setattr (5.12), for idmapped mounts.
// Numbers: include/uapi/asm-generic/unistd.h (__NR_open_tree 428,
// __NR_move_mount 429, __NR_mount_setattr 442, the same in x86_64's
// syscall_64.tbl); flags and struct mount_attr: include/uapi/linux/mount.h;
// AT_RECURSIVE: include/uapi/linux/fcntl.h.
pub(crate) const SYS_OPEN_TREE: libc::c_long = 428;
pub(crate) const SYS_MOVE_MOUNT: libc::c_long = 429;
pub(crate) const SYS_MOUNT_SETATTR: libc::c_long = 442;
/// open_tree: clone the tree (a detached copy) instead of opening it.
pub(crate) const OPEN_TREE_CLONE: u32 = 1;
/// open_tree: close the new descriptor on exec (= O_CLOEXEC).
pub(crate) const OPEN_TREE_CLOEXEC: u32 = libc::O_CLOEXEC as u32;
/// The whole subtree (open_tree, mount_setattr).
pub(crate) const AT_RECURSIVE: u32 = 0x8000;
/// move_mount: the "from" path is empty, from_dfd is the mount.
pub(crate) const MOVE_MOUNT_F_EMPTY_PATH: u32 = 0x0000_0004;
/// mount_setattr: idmap the mount to struct mount_attr's userns_fd.
pub(crate) const MOUNT_ATTR_IDMAP: u64 = 0x0010_0000;
/// sizeof(struct mount_attr) as first published (MOUNT_ATTR_SIZE_VER0).
pub(crate) const MOUNT_ATTR_SIZE_VER0: usize = 32;

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
/// struct mnt_ns_info (u32 size, u32 nr_mounts, u64 mnt_ns_id: 16 bytes) of a
/// mount namespace (6.12).
pub(crate) const NS_MNT_GET_INFO: libc::c_ulong = ior(NSIO, 10, 16);

// Namespace file handles (6.18). FILEID_NSFS: include/linux/exportfs.h
// (enum fid_type); NSFS_FILE_HANDLE_SIZE_VER0 and struct nsfs_file_handle
// (u64 ns_id, u32 ns_type, u32 ns_inum): include/uapi/linux/nsfs.h;
// FD_NSFS_ROOT: include/uapi/linux/fcntl.h; MAX_HANDLE_SZ:
// include/linux/exportfs.h (and glibc's fcntl.h).
pub(crate) const FILEID_NSFS: i32 = 0xf1;
pub(crate) const NSFS_FILE_HANDLE_SIZE_VER0: usize = 16;
pub(crate) const FD_NSFS_ROOT: libc::c_int = -10003;
pub(crate) const MAX_HANDLE_SZ: usize = 128;
// The initial namespaces' fixed inode numbers: enum init_ns_ino of
// include/uapi/linux/nsfs.h (uapi since 6.17; the values since 3.8).
pub(crate) const USER_NS_INIT_INO: u64 = 0xEFFF_FFFD;
pub(crate) const PID_NS_INIT_INO: u64 = 0xEFFF_FFFC;
/// CAP_SYS_ADMIN (include/uapi/linux/capability.h).
pub(crate) const CAP_SYS_ADMIN: u32 = 21;

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
