//! The text form of a handle, `TYPE:INODE:ID`: one text per handle.

use super::NsHandle;
use crate::error::{Error, Result};
use crate::types::NsType;

/// Parses `TYPE:INODE:ID` as Display writes it.
pub(crate) fn parse(text: &[u8]) -> Result<NsHandle> {
    let shown = || {
        let s = String::from_utf8_lossy(&text[..text.len().min(64)]).into_owned();
        let more = if text.len() > 64 { "..." } else { "" };
        format!("handle text {s:?}{more}")
    };
    let bad = |why: &'static str| Error::invalid(shown()).with_hint(why);
    let mut parts = text.split(|&c| c == b':');
    let (Some(ty), Some(inode), Some(id), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad("not TYPE:INODE:ID, as ns_handle_format writes it"));
    };
    let ty = NsType::from_name(ty)
        .ok_or_else(|| bad("the type is not one of cgroup, ipc, mnt, net, pid, time, user, uts"))?;
    let inode = decimal(inode).ok_or_else(|| bad("the inode is not a decimal number"))?;
    let id = decimal(id).ok_or_else(|| bad("the id is not a decimal number"))?;
    NsHandle::from_parts(ty, inode, id).map_err(|e| e.with_step(shown()))
}

/// A decimal number as Display writes one: digits, no sign, no leading
/// zero (so every handle has exactly one text), fitting in 64 bits.
fn decimal(s: &[u8]) -> Option<u64> {
    let canonical =
        !s.is_empty() && s.iter().all(u8::is_ascii_digit) && (s[0] != b'0' || s.len() == 1);
    if !canonical {
        return None;
    }
    std::str::from_utf8(s).ok()?.parse().ok()
}
