//! Any bytes as a configuration: the TOML text before a line `---`, then `LIVEBRIEF_*=value` variables, one a
//! line. The reader (`Config::from_toml_str`, what `livebrief serve --config` runs) gives a configuration or an
//! error, never panics; a configuration it gives satisfies its own bounds.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    livebrief_server::config::check_any_config(data);
});
