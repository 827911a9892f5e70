//! linuxns: Linux namespaces as a library.
//!
//! The C API lives in [`capi`] and is described by `include/linuxns.h`;
//! Rust callers can use the safe core modules directly, which return
//! [`Result`] with an [`Error`] that carries the errno and the failed step.

#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]

pub mod capi;
pub mod clone;
pub mod create;
pub mod enter;
mod error;
#[doc(hidden)]
pub mod fuzzing;
pub mod handles;
pub mod idmap;
pub mod limits;
pub mod persist;
pub mod pivot_kcmp;
mod procfs;
pub mod spawn;
pub mod survey;
mod sys;
pub mod timens;
pub mod types;

pub use error::{strerror, Error, Result};
