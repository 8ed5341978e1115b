//! Feed-core tests: golden feeds and pages written for the project, hostile input, sniffing and
//! discovery, OPML (with a round-trip property).

mod feeds;
mod fuzz_corpus;
mod golden;
mod hostile;
mod links;
mod mem;
mod opml;
mod sniff;
