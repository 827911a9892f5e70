//! The checks the kernel makes on a seccomp filter before installing it
//! (net/core/filter.c bpf_check_classic and check_load_and_stores,
//! kernel/seccomp.c seccomp_check_filter), made when the filter is given,
//! so a bad one is refused by the setter, naming the instruction, and not
//! by the child of a later spawn.

use crate::error::{Error, Result};
use crate::sys::procattrs::*;

/// One classic BPF instruction, laid out as the kernel's struct
/// sock_filter (and libc::sock_filter).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Insn {
    pub code: u16,
    pub jt: u8,
    pub jf: u8,
    pub k: u32,
}

/// What seccomp accepts of an instruction, besides the jump targets.
enum Kind {
    /// Allowed, with no operand to check.
    Plain,
    /// A load of struct seccomp_data at offset k (32-bit, aligned).
    LoadData,
    /// A divisor k (not 0).
    Divisor,
    /// A shift by k (below 32).
    Shift,
    /// A scratch memory word k (below BPF_MEMWORDS).
    Mem,
    /// An unconditional jump by k.
    Jump,
    /// A conditional jump by jt or jf.
    Branch,
    /// A return.
    Ret,
}

/// The instructions seccomp allows (seccomp_check_filter's list): classic
/// BPF without packet loads, MSH and MOD.
fn kind(code: u16) -> Option<Kind> {
    const ALU_OPS: [u16; 9] = [
        BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_AND, BPF_OR, BPF_XOR, BPF_LSH, BPF_RSH,
    ];
    const JMP_OPS: [u16; 4] = [BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JSET];
    let k = match code {
        c if c == BPF_LD | BPF_W | BPF_ABS => Kind::LoadData,
        c if c == BPF_LD | BPF_W | BPF_LEN || c == BPF_LDX | BPF_W | BPF_LEN => Kind::Plain,
        c if c == BPF_RET | BPF_K || c == BPF_RET | BPF_A => Kind::Ret,
        c if c == BPF_ALU | BPF_NEG => Kind::Plain,
        c if c == BPF_LD | BPF_IMM || c == BPF_LDX | BPF_IMM => Kind::Plain,
        c if c == BPF_MISC | BPF_TAX || c == BPF_MISC | BPF_TXA => Kind::Plain,
        c if c == BPF_LD | BPF_MEM || c == BPF_LDX | BPF_MEM => Kind::Mem,
        c if c == BPF_ST || c == BPF_STX => Kind::Mem,
        c if c == BPF_JMP | BPF_JA => Kind::Jump,
        // Bits 8-15 are not part of any instruction.
        c if c & 0x07 == BPF_ALU && c <= 0xff && ALU_OPS.contains(&(c & 0xf0)) => {
            match (c & 0xf0, c & BPF_X) {
                (BPF_DIV, BPF_K) => Kind::Divisor,
                (BPF_LSH | BPF_RSH, BPF_K) => Kind::Shift,
                _ => Kind::Plain,
            }
        }
        c if c & 0x07 == BPF_JMP && c <= 0xff && JMP_OPS.contains(&(c & 0xf0)) => Kind::Branch,
        _ => return None,
    };
    Some(k)
}

fn bad(pc: usize, why: &str) -> Error {
    Error::invalid(format!("seccomp filter instruction {pc}")).with_hint(why.to_string())
}

/// Checks `prog` as the kernel will when the child installs it.
pub(crate) fn check(prog: &[Insn]) -> Result<()> {
    let n = prog.len();
    if n == 0 || n > BPF_MAXINSNS {
        return Err(
            Error::invalid(format!("seccomp filter of {n} instructions"))
                .with_hint("1 to 4096 (BPF_MAXINSNS)"),
        );
    }
    for (pc, i) in prog.iter().enumerate() {
        let Some(kind) = kind(i.code) else {
            return Err(bad(
                pc,
                &format!("code {:#x} is not an instruction seccomp allows", i.code),
            ));
        };
        let left = n - pc - 1;
        match kind {
            Kind::LoadData if i.k >= SECCOMP_DATA_SIZE || i.k % 4 != 0 => {
                return Err(bad(
                    pc,
                    "loads outside struct seccomp_data or unaligned (k a multiple of 4 below 64)",
                ))
            }
            Kind::Divisor if i.k == 0 => return Err(bad(pc, "divides by 0")),
            Kind::Shift if i.k >= 32 => return Err(bad(pc, "shifts by 32 or more")),
            Kind::Mem if i.k >= BPF_MEMWORDS => {
                return Err(bad(pc, "names a scratch word past M[15]"))
            }
            Kind::Jump if i.k as usize >= left => return Err(bad(pc, "jumps past the end")),
            Kind::Branch if i.jt as usize >= left || i.jf as usize >= left => {
                return Err(bad(pc, "jumps past the end"))
            }
            _ => {}
        }
    }
    if !matches!(prog.last().and_then(|i| kind(i.code)), Some(Kind::Ret)) {
        return Err(bad(n - 1, "the last instruction must return (BPF_RET)"));
    }
    check_loads_after_stores(prog)
}

/// A scratch word is read only where every path to it has written it.
fn check_loads_after_stores(prog: &[Insn]) -> Result<()> {
    // Per instruction: the words valid on every jump seen into it so far.
    let mut into = vec![u16::MAX; prog.len()];
    let mut valid: u16 = 0;
    for (pc, i) in prog.iter().enumerate() {
        valid &= into[pc];
        let word = 1u16.checked_shl(i.k).unwrap_or(0);
        match kind(i.code) {
            Some(Kind::Mem) if i.code == BPF_ST || i.code == BPF_STX => valid |= word,
            Some(Kind::Mem) if valid & word == 0 => {
                return Err(bad(pc, "reads a scratch word no path has written"))
            }
            Some(Kind::Jump) => {
                into[pc + 1 + i.k as usize] &= valid;
                valid = u16::MAX;
            }
            Some(Kind::Branch) => {
                into[pc + 1 + i.jt as usize] &= valid;
                into[pc + 1 + i.jf as usize] &= valid;
                valid = u16::MAX;
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stmt(code: u16, k: u32) -> Insn {
        Insn {
            code,
            jt: 0,
            jf: 0,
            k,
        }
    }

    fn jump(code: u16, k: u32, jt: u8, jf: u8) -> Insn {
        Insn { code, jt, jf, k }
    }

    const ALLOW: u32 = 0x7fff_0000;

    /// Returns EPERM for getpid (39 on x86_64), allows the rest.
    fn deny_getpid() -> Vec<Insn> {
        vec![
            stmt(BPF_LD | BPF_W | BPF_ABS, 0),
            jump(BPF_JMP | BPF_JEQ | BPF_K, 39, 0, 1),
            stmt(BPF_RET | BPF_K, 0x0005_0000 | 1),
            stmt(BPF_RET | BPF_K, ALLOW),
        ]
    }

    #[test]
    fn good_filters_pass() {
        check(&deny_getpid()).unwrap();
        check(&[stmt(BPF_RET | BPF_K, ALLOW)]).unwrap();
        // Every allowed ALU and jump form, scratch memory written first.
        let mut p = vec![stmt(BPF_LD | BPF_W | BPF_ABS, 60), stmt(BPF_ST, 3)];
        for op in [
            BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_AND, BPF_OR, BPF_XOR, BPF_LSH, BPF_RSH,
        ] {
            p.push(stmt(BPF_ALU | op | BPF_K, 1));
            p.push(stmt(BPF_ALU | op | BPF_X, 0));
        }
        p.push(stmt(BPF_LD | BPF_MEM, 3));
        p.push(stmt(BPF_MISC | BPF_TAX, 0));
        for op in [BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JSET] {
            p.push(jump(BPF_JMP | op | BPF_X, 0, 0, 0));
        }
        p.push(stmt(BPF_JMP | BPF_JA, 0));
        p.push(stmt(BPF_RET | BPF_A, 0));
        check(&p).unwrap();
    }

    fn refused(p: &[Insn], at: usize) {
        let e = check(p).unwrap_err();
        assert_eq!(e.errno(), libc::EINVAL, "{e}");
        assert!(
            e.step().ends_with(&format!("instruction {at}")),
            "{e} (expected instruction {at})"
        );
    }

    #[test]
    fn bad_filters_are_refused_naming_the_instruction() {
        assert!(check(&[]).is_err());
        assert!(check(&vec![stmt(BPF_RET | BPF_K, ALLOW); 4097]).is_err());
        check(&vec![stmt(BPF_RET | BPF_K, ALLOW); 4096]).unwrap();
        let ret = stmt(BPF_RET | BPF_K, ALLOW);
        // A packet load (byte size) and a load past seccomp_data.
        refused(&[stmt(BPF_LD | 0x10 | BPF_ABS, 0), ret], 0);
        refused(&[stmt(BPF_LD | BPF_W | BPF_ABS, 64), ret], 0);
        refused(&[stmt(BPF_LD | BPF_W | BPF_ABS, 2), ret], 0);
        // MOD is classic BPF but not seccomp's.
        refused(&[ret, stmt(BPF_ALU | 0x90 | BPF_K, 1), ret], 1);
        refused(&[stmt(BPF_ALU | BPF_DIV | BPF_K, 0), ret], 0);
        refused(&[stmt(BPF_ALU | BPF_LSH | BPF_K, 32), ret], 0);
        refused(&[stmt(BPF_ST, 16), ret], 0);
        refused(&[stmt(BPF_JMP | BPF_JA, 1), ret], 0);
        refused(&[jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0), ret], 0);
        refused(&[ret, stmt(BPF_LD | BPF_IMM, 0)], 1);
        refused(&[stmt(0xffff, 0), ret], 0);
        // A word read before every path wrote it.
        refused(&[stmt(BPF_LD | BPF_MEM, 0), ret], 0);
        let one_path = [
            stmt(BPF_LD | BPF_W | BPF_ABS, 0),
            jump(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1),
            stmt(BPF_ST, 2),
            stmt(BPF_LDX | BPF_MEM, 2),
            ret,
        ];
        refused(&one_path, 3);
    }

    #[test]
    fn insn_is_struct_sock_filter() {
        assert_eq!(std::mem::size_of::<Insn>(), 8);
        assert_eq!(
            std::mem::size_of::<Insn>(),
            std::mem::size_of::<libc::sock_filter>()
        );
    }
}
