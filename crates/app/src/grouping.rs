//! Reports into developments: the grouper's view of a stored report ([`Doc::from_reading`]) and its settings,
//! the same for the server, the poller and `livebrief group`.

use livebrief_cluster::{Config, Doc};
use livebrief_model::Report;

use crate::draft::outlet_of;

/// A stored report as the grouper sees it.
pub fn doc_of(r: &Report) -> Doc {
    Doc::from_reading(&r.title, &r.text, Some(r.published), Some(&outlet_of(r)), &r.reading)
}

/// The grouper's settings: the crate's principled defaults.
pub fn config() -> Config {
    Config::default()
}
