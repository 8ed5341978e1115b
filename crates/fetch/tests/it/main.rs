//! The fetcher's integration tests: one binary. All traffic goes to 127.0.0.1 fixtures; the SSRF tests use stub
//! seams that never open a socket elsewhere.

mod classify;
mod config;
mod http;
mod limits;
mod retry;
mod ssrf;
mod ssrf_corpus;
mod support;
mod tls;
