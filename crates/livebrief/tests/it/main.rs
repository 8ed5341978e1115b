//! Whole-program tests: the real `livebrief` binary, started, used over HTTP and killed.

mod cli;
mod crash;
mod extract;
mod layering;
mod map;
mod migrate;
mod pg_restart;
mod postgres;
mod read;
pub mod support;
