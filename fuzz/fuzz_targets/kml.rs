//! Any bytes as a KML control layer: the same checks as the GeoJSON target.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| livebrief_map::testing::check_kml(data));
