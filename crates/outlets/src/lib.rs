//! Synthetic outlets for livebrief's demo, end-to-end tests and benchmarks. Not a product feature: nothing
//! in the product depends on this crate, and everything it serves is invented.
//!
//! - [`corpus`]: a newsroom in miniature. Four outlets, each publishing its own way (`wire`: RSS 2.0, `daily`:
//!   Atom, `post`: JSON Feed 1.1, `regional`: no feed, a section page to watch), ten events of one simulated
//!   day of the war and the cease-fire talks, twenty-two articles in different wordings, and the ground truth:
//!   which event each article reports, and the hard cases (one statement reworded by three outlets, a wire
//!   story republished almost verbatim, two strikes on one city on different nights, one speaker on two
//!   subjects the same day, a report in Ukrainian).
//! - [`OutletServer`]: the outlets over real HTTP/1.1 on 127.0.0.1, releasing articles over time as a
//!   [`Scenario`] says (`demo`, `all_at_once`, `stream`), by Tokio's clock or by hand (`release_next`,
//!   `release_all`). Full article pages with boilerplate and metadata, feeds with `ETag`/`Last-Modified` and
//!   304s, request counters, release instants for latency measurements.
//! - [`FeedFarm`]: thousands of feeds over many ports, each with one deterministic behaviour (healthy,
//!   conditional, slow, hanging, resetting, garbage, redirecting, failing, rate-limited, huge, gzip) and the
//!   outcome a correct poller should record for it ([`Expected`]).
//!
//! Raw Tokio HTTP (one request per connection, `Connection: close`) so fixtures can hang, trickle and reset;
//! every listener binds 127.0.0.1 only and stops when its handle drops.

pub mod corpus;
mod farm;
mod http;
mod render;
mod server;
mod stream;

pub use corpus::{Article, Corpus, Event, FeedKind, HardCase, Outlet};
pub use farm::{Behaviour, Expected, Failure, FarmFeed, FarmRequest, FarmSpec, FeedFarm};
pub use server::{Clock, OutletServer, Planned, Released, Scenario};
