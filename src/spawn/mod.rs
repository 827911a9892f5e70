//! Spawning a program (or a function) in new or joined namespaces.
//!
//! The parent prepares everything (paths, argv, maps, a stack), blocks all
//! signals, and clones. For a program the child shares the caller's memory
//! on its own stack (CLONE_VM, as posix_spawn), so the cost does not grow
//! with the caller's size; for a function it gets a copy (fork-like).
//! Joins and time offsets go through an intermediate process, which joins,
//! unshares, and clones the final child with CLONE_PARENT so it is still
//! the caller's own child. For a program whose maps need nothing from the
//! caller, the intermediate is a vfork child sharing the caller's
//! descriptor table too, and the final child its vfork child: the final
//! child's pidfd is made in the caller's table, and the caller sleeps
//! until both are done, with no report channel ([`mode::Mode`]'s
//! files_shared). A spawn with nothing but new namespaces and
//! maps of the caller's own ids skips the general preparation ([`lean`]).
//! Child side: see [`child`].

pub mod attr;
mod child;
mod child_ops;
mod child_procattrs;
mod converse;
mod launch;
mod lean;
mod mode;
pub(crate) mod parent;
mod plan;
#[cfg(test)]
pub(crate) use plan::step_name;
pub(crate) mod prep;
mod prepare;
mod procplan;

pub use attr::SpawnAttr;
pub use parent::{spawn, HeldChild, Program};
