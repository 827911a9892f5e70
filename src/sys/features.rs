//! Kernel feature detection, tried once and remembered.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::OnceLock;

/// LINUXNS_FORCE_FALLBACK=1 makes every probe answer "missing", so the
/// older-kernel paths can be tested on a new kernel.
pub(crate) fn force_fallback() -> bool {
    static FORCE: OnceLock<bool> = OnceLock::new();
    *FORCE.get_or_init(|| {
        std::env::var_os("LINUXNS_FORCE_FALLBACK").is_some_and(|v| !v.is_empty() && v != "0")
    })
}

/// A remembered yes/no answer about the running kernel.
pub(crate) struct Feature(AtomicU8);

const UNKNOWN: u8 = 0;
const YES: u8 = 1;
const NO: u8 = 2;

impl Feature {
    pub(crate) const fn new() -> Self {
        Feature(AtomicU8::new(UNKNOWN))
    }

    /// Some(answer) once known; None before the first probe.
    pub(crate) fn get(&self) -> Option<bool> {
        if force_fallback() {
            return Some(false);
        }
        match self.0.load(Ordering::Relaxed) {
            YES => Some(true),
            NO => Some(false),
            _ => None,
        }
    }

    pub(crate) fn set(&self, available: bool) {
        self.0
            .store(if available { YES } else { NO }, Ordering::Relaxed);
    }

    /// The answer, computing it with `probe` the first time.
    pub(crate) fn get_or_probe(&self, probe: impl FnOnce() -> bool) -> bool {
        if let Some(v) = self.get() {
            return v;
        }
        let v = probe();
        self.set(v);
        v
    }
}

/// The running kernel's (major, minor), from uname(2).
pub(crate) fn kernel_version() -> (u32, u32) {
    static V: OnceLock<(u32, u32)> = OnceLock::new();
    *V.get_or_init(|| {
        // SAFETY: utsname is plain data, filled by uname.
        let mut u: libc::utsname = unsafe { std::mem::zeroed() };
        // SAFETY: u is valid for writing.
        if unsafe { libc::uname(&mut u) } != 0 {
            return (0, 0);
        }
        let rel: Vec<u8> = u
            .release
            .iter()
            .take_while(|&&c| c != 0)
            .map(|&c| c as u8)
            .collect();
        parse_release(&rel)
    })
}

fn parse_release(rel: &[u8]) -> (u32, u32) {
    let s = String::from_utf8_lossy(rel);
    let mut parts = s.split(|c: char| !c.is_ascii_digit());
    let major = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    let minor = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    (major, minor)
}

/// setns(2) takes a pidfd and a mask of namespaces (5.8).
pub(crate) fn pidfd_setns() -> bool {
    static F: Feature = Feature::new();
    F.get_or_probe(|| kernel_version() >= (5, 8))
}

/// PIDFD_GET_INFO with PIDFD_INFO_EXIT: the exit status of a process
/// reaped by someone else (6.15).
pub(crate) fn pidfd_info_exit() -> bool {
    static F: Feature = Feature::new();
    F.get_or_probe(|| kernel_version() >= (6, 15))
}

/// clone3(2) exists and is not filtered (ENOSYS from seccomp counts as no).
pub(crate) static CLONE3: Feature = Feature::new();
/// PIDFD_GET_*_NAMESPACE ioctls (6.11).
pub(crate) static PIDFD_NS_IOCTL: Feature = Feature::new();
/// NS_GET_ID ioctl (6.18).
pub(crate) static NS_GET_ID: Feature = Feature::new();

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_strings_parse() {
        assert_eq!(parse_release(b"6.18.44-fc-v657"), (6, 18));
        assert_eq!(parse_release(b"5.8.0"), (5, 8));
        assert_eq!(parse_release(b"garbage"), (0, 0));
    }
}
