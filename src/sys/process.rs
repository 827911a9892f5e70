//! The process and its threads: ids, signals, children, limits, memory.
//! Each system call wrapped once.

use std::ffi::c_void;
use std::io;
use std::os::fd::{FromRawFd, OwnedFd};

pub(crate) fn getpid() -> libc::pid_t {
    // SAFETY: no memory effects.
    unsafe { libc::getpid() }
}

pub(crate) fn geteuid() -> libc::uid_t {
    // SAFETY: no memory effects.
    unsafe { libc::geteuid() }
}

pub(crate) fn getegid() -> libc::gid_t {
    // SAFETY: no memory effects.
    unsafe { libc::getegid() }
}

/// Is thread `tid` of process `pid` still there? (tgkill with signal 0)
pub(crate) fn thread_exists(pid: libc::pid_t, tid: libc::pid_t) -> bool {
    // SAFETY: signal 0 only checks existence.
    unsafe { libc::syscall(libc::SYS_tgkill, pid, tid, 0) == 0 }
}

/// pidfd_open(tid, PIDFD_THREAD) (6.9): a pidfd of one thread.
pub(crate) fn pidfd_open_thread(tid: libc::pid_t) -> io::Result<OwnedFd> {
    const PIDFD_THREAD: libc::c_int = libc::O_EXCL;
    // SAFETY: plain system call; the result is a new O_CLOEXEC descriptor.
    let r = unsafe { libc::syscall(super::consts::SYS_PIDFD_OPEN, tid, PIDFD_THREAD) };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a new descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(r as libc::c_int) })
}

/// kcmp(KCMP_FS): 0 when both tasks share their filesystem context.
pub(crate) fn kcmp_fs(a: libc::pid_t, b: libc::pid_t) -> io::Result<libc::c_long> {
    const KCMP_FS: libc::c_long = 3;
    // SAFETY: kcmp with integer arguments only.
    let r = unsafe { libc::syscall(libc::SYS_kcmp, a, b, KCMP_FS, 0, 0) };
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(r)
    }
}

/// kcmp(2) of any type: 0 equal, 1 less, 2 greater, 3 not equal.
pub(crate) fn kcmp(
    a: libc::pid_t,
    b: libc::pid_t,
    ty: libc::c_int,
    idx1: libc::c_ulong,
    idx2: libc::c_ulong,
) -> io::Result<libc::c_int> {
    // SAFETY: kcmp with integer arguments only.
    let r = unsafe { libc::syscall(libc::SYS_kcmp, a, b, ty, idx1, idx2) };
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(r as libc::c_int)
    }
}

/// kill(2).
pub(crate) fn kill(pid: libc::pid_t, sig: libc::c_int) -> io::Result<()> {
    // SAFETY: plain system call.
    if unsafe { libc::kill(pid, sig) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// waitpid(pid, __WALL), the status discarded; EINTR is retried.
pub(crate) fn reap(pid: libc::pid_t) {
    loop {
        // SAFETY: a NULL status is allowed.
        let r = unsafe { libc::waitpid(pid, std::ptr::null_mut(), libc::__WALL) };
        if r >= 0 || io::Error::last_os_error().raw_os_error() != Some(libc::EINTR) {
            return;
        }
    }
}

/// The soft RLIMIT_NOFILE (at most 65536, for loops over descriptors).
pub(crate) fn nofile_limit() -> libc::c_int {
    let mut rl = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: rl is valid for writing.
    unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut rl) };
    rl.rlim_cur.min(65536) as libc::c_int
}

/// The page size (4096 when the C library cannot say).
pub(crate) fn page_size() -> usize {
    // SAFETY: sysconf has no memory effects.
    let p = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if p > 0 {
        p as usize
    } else {
        4096
    }
}

/// An empty signal set.
pub(crate) fn empty_sigset() -> libc::sigset_t {
    // SAFETY: an all-zero sigset_t is a valid empty set.
    unsafe { std::mem::zeroed() }
}

/// Blocks every signal of the calling thread; returns the old mask.
pub(crate) fn block_all_signals() -> libc::sigset_t {
    let mut all = empty_sigset();
    let mut old = empty_sigset();
    // SAFETY: sigset operations on local values.
    unsafe {
        libc::sigfillset(&mut all);
        libc::pthread_sigmask(libc::SIG_SETMASK, &all, &mut old);
    }
    old
}

/// Blocks every signal of the calling thread until dropped, then restores
/// its mask. Around a clone, so that no handler of the caller runs in the
/// child before it resets them; around the start of a library thread,
/// which inherits the mask, so that the caller's process-directed signals
/// are never delivered to it (a caller blocking a signal in its own
/// threads to read it with sigwait or a signalfd must get every one; a
/// handler must not run in a thread that has entered other namespaces).
pub(crate) struct SignalsBlocked(pub libc::sigset_t);

impl SignalsBlocked {
    pub(crate) fn new() -> SignalsBlocked {
        SignalsBlocked(block_all_signals())
    }
}

impl Drop for SignalsBlocked {
    fn drop(&mut self) {
        set_signal_mask(&self.0);
    }
}

extern "C" {
    fn pthread_setcancelstate(state: libc::c_int, old: *mut libc::c_int) -> libc::c_int;
}

/// PTHREAD_CANCEL_DISABLE, the same in glibc and musl.
const PTHREAD_CANCEL_DISABLE: libc::c_int = 1;

/// Holds off cancellation of the calling thread (pthread_cancel) until
/// dropped, then restores its cancelability state; a cancellation that
/// was asked for meanwhile takes effect at the thread's next cancellation
/// point after the call. The C library's read, close, waitid, poll and
/// pthread_join that a call makes are cancellation points: acted on
/// there, a cancellation would unwind through the library's frames (which
/// cannot be unwound from C: the process aborts) and leave a call half
/// done (a child unreaped, a thread in other namespaces).
pub(crate) struct NoCancel(libc::c_int);

impl NoCancel {
    pub(crate) fn new() -> NoCancel {
        let mut old = 0;
        // SAFETY: a valid state and a local for the old one.
        unsafe { pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &mut old) };
        NoCancel(old)
    }
}

impl Drop for NoCancel {
    fn drop(&mut self) {
        let mut old = 0;
        // SAFETY: the state read in new, a local for the old one.
        unsafe { pthread_setcancelstate(self.0, &mut old) };
    }
}

/// The kernel's 64-bit signal set within a C library sigset_t (its first
/// word), as rt_sigprocmask takes it with a size of 8.
pub(crate) fn kernel_sigset(set: &libc::sigset_t) -> u64 {
    // SAFETY: a sigset_t is at least 8 bytes, its first word the
    // kernel's set on Linux.
    unsafe { std::ptr::read_unaligned((set as *const libc::sigset_t).cast::<u64>()) }
}

/// Sets the calling thread's signal mask.
pub(crate) fn set_signal_mask(mask: &libc::sigset_t) {
    // SAFETY: a valid mask; the old one is not asked for.
    unsafe { libc::pthread_sigmask(libc::SIG_SETMASK, mask, std::ptr::null_mut()) };
}

/// An anonymous read-write mapping for a child's stack, its first page a
/// guard (PROT_NONE).
pub(crate) fn map_stack(len: usize, guard: usize) -> io::Result<*mut c_void> {
    // SAFETY: a fresh anonymous mapping.
    let base = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_STACK | libc::MAP_NORESERVE,
            -1,
            0,
        )
    };
    if base == libc::MAP_FAILED {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: the first page of our own mapping becomes the guard.
    unsafe { libc::mprotect(base, guard, libc::PROT_NONE) };
    Ok(base)
}

/// Unmaps what map_stack mapped.
///
/// # Safety
/// `base`/`len` are a mapping of map_stack that nothing uses any more.
pub(crate) unsafe fn unmap(base: *mut c_void, len: usize) {
    // SAFETY: per the contract.
    unsafe { libc::munmap(base, len) };
}

/// The C library's text for an errno.
pub(crate) fn strerror(errno: i32) -> Option<String> {
    let mut buf = [0 as libc::c_char; 128];
    // SAFETY: the buffer is valid for its length; the XSI strerror_r writes
    // a NUL-terminated string into it on success.
    if unsafe { libc::strerror_r(errno, buf.as_mut_ptr(), buf.len()) } != 0 {
        return None;
    }
    // SAFETY: NUL-terminated by strerror_r.
    let text = unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) };
    Some(text.to_string_lossy().into_owned())
}

/// Sets the calling thread's errno.
pub(crate) fn set_errno(errno: i32) {
    // SAFETY: __errno_location points at this thread's errno.
    unsafe { *libc::__errno_location() = errno };
}
