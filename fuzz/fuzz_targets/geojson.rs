//! Any bytes as a GeoJSON control layer: a repaired layer or a typed refusal, never a panic; a layer's rings
//! are closed and in range, its area finite, and its change against itself empty.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| livebrief_map::testing::check_geojson(data));
