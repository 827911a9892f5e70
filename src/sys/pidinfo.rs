//! Pids across PID namespaces and the state of a process behind a pidfd:
//! the nsfs pid translation ioctls (6.11), waitid(P_PIDFD) without reaping
//! (5.4), PIDFD_GET_INFO's exit status (6.15). Each call wrapped once.
//!
//! Sources of the numbers (include/uapi/linux/nsfs.h, pidfd.h, wait.h):
//! NS_GET_PID_FROM_PIDNS = _IOR(NSIO, 0x6, int), NS_GET_PID_IN_PIDNS =
//! _IOR(NSIO, 0x8, int) with NSIO 0xb7, added by "nsfs: add pid
//! translation ioctls" (ca567df74a28, v6.11-rc1). Both take the pid by
//! value and return the translated pid; fs/nsfs.c: FROM looks the pid up
//! in the namespace of the fd and answers in the caller's PID namespace,
//! IN looks it up in the caller's and answers in the fd's, -ESRCH when the
//! process is not there or not visible in the namespace answered in. The
//! TGID variants (0x7, 0x9) answer the thread-group leader's id instead;
//! a translation keeps the task it was given, so they are not used.

use std::io;
use std::os::fd::RawFd;

use super::consts::{PIDFD_GET_INFO, PIDFD_INFO_EXIT};

/// _IOR(0xb7, 0x6, int): a pid of the fd's namespace, in the caller's.
const NS_GET_PID_FROM_PIDNS: libc::c_ulong = 0x8004_b706;
/// _IOR(0xb7, 0x8, int): a pid of the caller's namespace, in the fd's.
const NS_GET_PID_IN_PIDNS: libc::c_ulong = 0x8004_b708;
/// idtype_t P_PIDFD of waitid(2) (include/uapi/linux/wait.h, 5.4).
const P_PIDFD: libc::idtype_t = 3;

fn pid_ioctl(nsfd: RawFd, request: libc::c_ulong, pid: libc::pid_t) -> io::Result<libc::pid_t> {
    // SAFETY: these requests take the pid by value and write nothing.
    let r = unsafe { libc::ioctl(nsfd, request as _, pid as libc::c_ulong) };
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(r)
    }
}

/// NS_GET_PID_FROM_PIDNS: `pid` as numbered in the PID namespace `nsfd`,
/// as numbered in the caller's PID namespace.
pub(crate) fn pid_from_pidns(nsfd: RawFd, pid: libc::pid_t) -> io::Result<libc::pid_t> {
    pid_ioctl(nsfd, NS_GET_PID_FROM_PIDNS, pid)
}

/// NS_GET_PID_IN_PIDNS: `pid` of the caller's PID namespace, as numbered
/// in the PID namespace `nsfd`.
pub(crate) fn pid_in_pidns(nsfd: RawFd, pid: libc::pid_t) -> io::Result<libc::pid_t> {
    pid_ioctl(nsfd, NS_GET_PID_IN_PIDNS, pid)
}

/// A waitpid(2)-style status from a waitid(2) record.
fn status_of(info: &libc::siginfo_t) -> libc::c_int {
    // SAFETY: waitid filled a CLD_* record.
    let st = unsafe { info.si_status() };
    match info.si_code {
        libc::CLD_EXITED => (st & 0xff) << 8,
        libc::CLD_DUMPED => (st & 0x7f) | 0x80,
        _ => st & 0x7f,
    }
}

/// waitid(P_PIDFD, WEXITED | WNOHANG | WNOWAIT | __WALL): the wait status
/// of the pidfd's process if it is our child and has exited, left
/// waitable; Ok(None) while our child runs. ECHILD when it is not our
/// child (or was reaped), EBADF when fd is no pidfd, EINVAL before 5.4.
pub(crate) fn peek_child(pidfd: RawFd) -> io::Result<Option<libc::c_int>> {
    loop {
        // SAFETY: a zeroed siginfo_t is valid for waitid to fill.
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        // SAFETY: plain system call; info is valid for writing.
        let r = unsafe {
            libc::waitid(
                P_PIDFD,
                pidfd as libc::id_t,
                &mut info,
                libc::WEXITED | libc::WNOHANG | libc::WNOWAIT | libc::__WALL,
            )
        };
        if r == 0 {
            // SAFETY: waitid wrote the record, or left si_pid 0 (running).
            if unsafe { info.si_pid() } == 0 {
                return Ok(None);
            }
            return Ok(Some(status_of(&info)));
        }
        let e = io::Error::last_os_error();
        if e.raw_os_error() != Some(libc::EINTR) {
            return Err(e);
        }
    }
}

/// struct pidfd_info as of 6.15 (PIDFD_INFO_SIZE_VER0, 64 bytes): mask,
/// cgroupid, eleven u32 ids (pid ... fsgid), exit_code.
#[repr(C)]
#[derive(Default)]
struct PidfdInfo {
    mask: u64,
    cgroupid: u64,
    ids: [u32; 11],
    exit_code: i32,
}

const _: () = assert!(std::mem::size_of::<PidfdInfo>() == 64);

/// PIDFD_GET_INFO (6.13) asking for PIDFD_INFO_EXIT (6.15): the wait
/// status the kernel recorded when the process was reaped, by anyone;
/// Ok(None) before that (running, or a zombie) and on 6.13/6.14. ENOTTY
/// before 6.13, ESRCH (EREMOTE on newer kernels) for a process outside
/// the caller's PID namespace.
pub(crate) fn pidfd_exit_code(pidfd: RawFd) -> io::Result<Option<libc::c_int>> {
    let mut info = PidfdInfo {
        mask: PIDFD_INFO_EXIT,
        ..Default::default()
    };
    // SAFETY: the request reads and writes one struct pidfd_info.
    let r = unsafe { libc::ioctl(pidfd, PIDFD_GET_INFO as _, &mut info as *mut PidfdInfo) };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok((info.mask & PIDFD_INFO_EXIT != 0).then_some(info.exit_code))
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn ior(nr: libc::c_ulong, size: libc::c_ulong) -> libc::c_ulong {
        (2 << 30) | (size << 16) | (0xb7 << 8) | nr
    }

    #[test]
    fn ioctl_numbers_match_nsfs_h() {
        assert_eq!(NS_GET_PID_FROM_PIDNS, ior(0x6, 4));
        assert_eq!(NS_GET_PID_IN_PIDNS, ior(0x8, 4));
    }
}
