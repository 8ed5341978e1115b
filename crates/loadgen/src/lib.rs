//! Pieces the load generators share: one-shot HTTP requests, a live-stream (SSE) reader that parses what it
//! receives (chunked transfer coding, `id:`, `event:`, `retry:`, the entry id in `data:`), and what `/proc`
//! says of a process (memory, CPU time, PostgreSQL backends). Raw Tokio sockets on 127.0.0.1, nothing else.

pub mod http;
pub mod procfs;
pub mod sse;
