//! Kernel facts about process attributes (capabilities, resource limits,
//! seccomp filters) that the setters check their input against, and the
//! constants of classic BPF and seccomp the filter check needs. The spawn
//! child makes the calls themselves (spawn/child_procattrs.rs).

use std::sync::OnceLock;

/// RLIM_NLIMITS of include/uapi/asm-generic/resource.h (16 since 2.6.25,
/// RLIMIT_RTTIME the last): resources are 0..RLIM_NLIMITS. The libc crate
/// gives 15 or 16 depending on the C library, hence our own.
pub(crate) const RLIM_NLIMITS: u32 = 16;

// include/uapi/linux/prctl.h
/// prctl(PR_CAPBSET_READ, cap): 1 or 0, EINVAL past the last capability.
pub(crate) const PR_CAPBSET_READ: usize = 23;
/// prctl(PR_CAPBSET_DROP, cap).
pub(crate) const PR_CAPBSET_DROP: usize = 24;
/// prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, prog): the filter without
/// the seccomp(2) system call (3.5).
pub(crate) const PR_SET_SECCOMP: usize = 22;
/// prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) (3.5).
pub(crate) const PR_SET_NO_NEW_PRIVS: usize = 38;
/// prctl(PR_CAP_AMBIENT, op, cap, 0, 0) (4.3) and its operations.
pub(crate) const PR_CAP_AMBIENT: usize = 47;
pub(crate) const PR_CAP_AMBIENT_RAISE: usize = 2;
pub(crate) const PR_CAP_AMBIENT_CLEAR_ALL: usize = 4;

// include/uapi/linux/seccomp.h
/// seccomp(2) operation (3.17).
pub(crate) const SECCOMP_SET_MODE_FILTER: usize = 1;
/// The mode for prctl(PR_SET_SECCOMP).
pub(crate) const SECCOMP_MODE_FILTER: usize = 2;
/// sizeof(struct seccomp_data): int nr, u32 arch, u64 instruction_pointer,
/// u64 args[6].
pub(crate) const SECCOMP_DATA_SIZE: u32 = 64;
/// The longest classic BPF program (BPF_MAXINSNS, bpf_common.h).
pub(crate) const BPF_MAXINSNS: usize = 4096;
/// Scratch memory words of classic BPF (BPF_MEMWORDS, linux/filter.h).
pub(crate) const BPF_MEMWORDS: u32 = 16;

// Classic BPF opcodes: include/uapi/linux/bpf_common.h (and filter.h for
// BPF_TAX/BPF_TXA).
pub(crate) const BPF_LD: u16 = 0x00;
pub(crate) const BPF_LDX: u16 = 0x01;
pub(crate) const BPF_ST: u16 = 0x02;
pub(crate) const BPF_STX: u16 = 0x03;
pub(crate) const BPF_ALU: u16 = 0x04;
pub(crate) const BPF_JMP: u16 = 0x05;
pub(crate) const BPF_RET: u16 = 0x06;
pub(crate) const BPF_MISC: u16 = 0x07;
pub(crate) const BPF_W: u16 = 0x00;
pub(crate) const BPF_IMM: u16 = 0x00;
pub(crate) const BPF_ABS: u16 = 0x20;
pub(crate) const BPF_MEM: u16 = 0x60;
pub(crate) const BPF_LEN: u16 = 0x80;
pub(crate) const BPF_ADD: u16 = 0x00;
pub(crate) const BPF_SUB: u16 = 0x10;
pub(crate) const BPF_MUL: u16 = 0x20;
pub(crate) const BPF_DIV: u16 = 0x30;
pub(crate) const BPF_OR: u16 = 0x40;
pub(crate) const BPF_AND: u16 = 0x50;
pub(crate) const BPF_LSH: u16 = 0x60;
pub(crate) const BPF_RSH: u16 = 0x70;
pub(crate) const BPF_NEG: u16 = 0x80;
pub(crate) const BPF_XOR: u16 = 0xa0;
pub(crate) const BPF_JA: u16 = 0x00;
pub(crate) const BPF_JEQ: u16 = 0x10;
pub(crate) const BPF_JGT: u16 = 0x20;
pub(crate) const BPF_JGE: u16 = 0x30;
pub(crate) const BPF_JSET: u16 = 0x40;
pub(crate) const BPF_K: u16 = 0x00;
pub(crate) const BPF_X: u16 = 0x08;
pub(crate) const BPF_A: u16 = 0x10;
pub(crate) const BPF_TAX: u16 = 0x00;
pub(crate) const BPF_TXA: u16 = 0x80;

/// The highest capability number the running kernel knows (CAP_LAST_CAP,
/// 40 on 5.9 and later), found once with prctl(PR_CAPBSET_READ), which
/// fails with EINVAL past it. A filter that refuses prctl leaves the
/// answer at 63, the most a 64-bit mask can name.
pub(crate) fn cap_last_cap() -> u32 {
    static LAST: OnceLock<u32> = OnceLock::new();
    *LAST.get_or_init(|| {
        let mut last = 63;
        for cap in 0..64u32 {
            // SAFETY: a read-only prctl.
            let r = unsafe { libc::prctl(libc::PR_CAPBSET_READ, cap as libc::c_ulong, 0, 0, 0) };
            if r < 0 {
                if std::io::Error::last_os_error().raw_os_error() == Some(libc::EINVAL) && cap > 0 {
                    last = cap - 1;
                }
                break;
            }
        }
        last
    })
}

/// The probe of features::seccomp_syscall: is the seccomp(2) system call
/// (3.17) there and not refused by a filter (ENOSYS)?
pub(crate) fn seccomp_syscall_exists() -> bool {
    // SECCOMP_GET_ACTION_AVAIL (4.14) on SECCOMP_RET_ALLOW asks without
    // changing anything; before 4.14 the operation is EINVAL, which still
    // says the system call exists.
    const SECCOMP_GET_ACTION_AVAIL: libc::c_uint = 2;
    let allow: u32 = 0x7fff_0000;
    // SAFETY: a query: the kernel only reads `allow`.
    let r = unsafe {
        libc::syscall(
            libc::SYS_seccomp,
            SECCOMP_GET_ACTION_AVAIL,
            0,
            &allow as *const u32,
        )
    };
    r == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ENOSYS)
}
