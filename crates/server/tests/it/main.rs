//! Integration tests of the HTTP edge: routes in-process, the live stream on a real listener.

mod support;

mod api;
mod auth;
mod authz;
mod config;
mod desk;
mod feeds;
#[path = "../../../../fuzz/kept/replay.rs"]
mod fuzz_replay;
mod hardening;
mod hostile;
mod limits;
mod map_assets;
mod map_timing;
mod maps;
mod multi;
mod newsroom;
mod newsroom_api;
mod openapi;
mod pages;
mod quotes;
mod reports;
mod sessions;
mod sse;
mod unreachable;
mod visibility;
