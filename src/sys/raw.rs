//! Raw system calls for the child side of clone: no errno, no libc state,
//! no allocation. Each returns the kernel's value: >= 0, or -errno.

use std::ffi::c_void;

/// The entry function of a clone trampoline child; it must never return.
pub(crate) type ChildEntry = unsafe extern "C" fn(arg: *mut c_void) -> !;

#[cfg(target_arch = "x86_64")]
mod arch {
    use super::ChildEntry;
    use crate::sys::consts::SYS_CLONE3;
    use std::arch::asm;
    use std::ffi::c_void;

    #[inline(always)]
    pub(crate) unsafe fn syscall6(n: libc::c_long, a: [usize; 6]) -> isize {
        let ret: isize;
        // SAFETY: the caller passes a valid system call and arguments.
        unsafe {
            asm!("syscall",
                inlateout("rax") n as isize => ret,
                in("rdi") a[0], in("rsi") a[1], in("rdx") a[2],
                in("r10") a[3], in("r8") a[4], in("r9") a[5],
                lateout("rcx") _, lateout("r11") _,
                options(nostack));
        }
        ret
    }

    /// clone3 whose child calls `entry(arg)` at once, on the stack given in
    /// the args (or, without one, on its copy of the caller's stack).
    ///
    /// Why a trampoline: a child on a new stack (and one sharing our
    /// memory) must not return into a Rust frame of the parent, so the
    /// branch to the child's code happens in the same asm block as the
    /// system call; the C library offers no clone3 wrapper that takes a
    /// function, and its clone(2) wrapper touches errno.
    #[inline(never)]
    pub(crate) unsafe fn clone3_call(
        args: *mut c_void,
        size: usize,
        entry: ChildEntry,
        arg: *mut c_void,
    ) -> isize {
        let ret: isize;
        // SAFETY: the child never returns into this frame: it calls entry,
        // which ends with exit or execve.
        unsafe {
            asm!("syscall",
                "test rax, rax",
                "jnz 2f",
                "xor ebp, ebp",
                "mov rdi, r13",
                "call r12",
                "ud2",
                "2:",
                inlateout("rax") SYS_CLONE3 as isize => ret,
                in("rdi") args, in("rsi") size,
                in("r12") entry, in("r13") arg,
                lateout("rcx") _, lateout("r11") _);
        }
        ret
    }
    /// clone(2) whose child calls `entry(arg)` at once on `stack_top`
    /// (16-byte aligned), with no C library wrapper: nothing touches errno
    /// or thread state. `ptid` receives a pidfd with CLONE_PIDFD.
    #[inline(never)]
    pub(crate) unsafe fn clone_call(
        flags: u64,
        stack_top: usize,
        ptid: *mut libc::c_int,
        entry: ChildEntry,
        arg: *mut c_void,
    ) -> isize {
        let ret: isize;
        // SAFETY: as clone3_call; x86_64 clone takes (flags, stack, ptid,
        // ctid, tls).
        unsafe {
            asm!("syscall",
                "test rax, rax",
                "jnz 2f",
                "xor ebp, ebp",
                "mov rdi, r13",
                "call r12",
                "ud2",
                "2:",
                inlateout("rax") libc::SYS_clone as isize => ret,
                in("rdi") flags, in("rsi") stack_top, in("rdx") ptid,
                in("r10") 0usize, in("r8") 0usize,
                in("r12") entry, in("r13") arg,
                lateout("rcx") _, lateout("r11") _);
        }
        ret
    }
}

#[cfg(target_arch = "aarch64")]
mod arch {
    use super::ChildEntry;
    use crate::sys::consts::SYS_CLONE3;
    use std::arch::asm;
    use std::ffi::c_void;

    #[inline(always)]
    pub(crate) unsafe fn syscall6(n: libc::c_long, a: [usize; 6]) -> isize {
        let ret: isize;
        // SAFETY: the caller passes a valid system call and arguments.
        unsafe {
            asm!("svc 0",
                in("x8") n,
                inlateout("x0") a[0] as isize => ret,
                in("x1") a[1], in("x2") a[2], in("x3") a[3], in("x4") a[4], in("x5") a[5],
                options(nostack));
        }
        ret
    }

    #[inline(never)]
    pub(crate) unsafe fn clone3_call(
        args: *mut c_void,
        size: usize,
        entry: ChildEntry,
        arg: *mut c_void,
    ) -> isize {
        let ret: isize;
        // SAFETY: as on x86_64.
        unsafe {
            asm!("svc 0",
                "cbnz x0, 2f",
                "mov x29, xzr",
                "mov x0, x21",
                "blr x20",
                "brk #0x1",
                "2:",
                in("x8") SYS_CLONE3,
                inlateout("x0") args as isize => ret,
                in("x1") size,
                in("x20") entry, in("x21") arg,
                lateout("x30") _);
        }
        ret
    }
    #[inline(never)]
    pub(crate) unsafe fn clone_call(
        flags: u64,
        stack_top: usize,
        ptid: *mut libc::c_int,
        entry: ChildEntry,
        arg: *mut c_void,
    ) -> isize {
        let ret: isize;
        // SAFETY: as on x86_64; arm64 clone takes (flags, stack, ptid, tls,
        // ctid).
        unsafe {
            asm!("svc 0",
                "cbnz x0, 2f",
                "mov x29, xzr",
                "mov x0, x21",
                "blr x20",
                "brk #0x1",
                "2:",
                in("x8") libc::SYS_clone,
                inlateout("x0") flags as isize => ret,
                in("x1") stack_top, in("x2") ptid, in("x3") 0usize, in("x4") 0usize,
                in("x20") entry, in("x21") arg,
                lateout("x30") _);
        }
        ret
    }
}

pub(crate) use arch::{clone3_call, clone_call};

/// A raw system call with up to six arguments.
///
/// # Safety
/// As the system call itself requires.
#[inline(always)]
pub(crate) unsafe fn syscall(n: libc::c_long, a: &[usize]) -> isize {
    let mut v = [0usize; 6];
    let k = a.len().min(6);
    v[..k].copy_from_slice(&a[..k]);
    // SAFETY: forwarded.
    unsafe { arch::syscall6(n, v) }
}
