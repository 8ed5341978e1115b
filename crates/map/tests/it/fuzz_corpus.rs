//! What the map fuzz targets found, kept (`fuzz/keep.sh geojson kml` writes `fuzz/kept/{geojson,kml}.b64`)
//! and replayed through the same checks (`livebrief_map::testing`).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

fn replay(target: &str, check: fn(&[u8])) {
    let path = format!("{}/../../fuzz/kept/{target}.b64", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let inputs: Vec<Vec<u8>> = text
        .lines()
        .enumerate()
        .map(|(i, l)| STANDARD.decode(l).unwrap_or_else(|e| panic!("{path}:{}: {e}", i + 1)))
        .collect();
    assert!(inputs.len() >= 50, "{target}: only {} inputs kept", inputs.len());
    for (i, bytes) in inputs.iter().enumerate() {
        let r = std::panic::catch_unwind(|| check(bytes));
        assert!(r.is_ok(), "{target}: kept input on line {} breaks an invariant", i + 1);
    }
}

#[test]
fn the_geojson_corpus_holds() {
    replay("geojson", livebrief_map::testing::check_geojson);
}

#[test]
fn the_kml_corpus_holds() {
    replay("kml", livebrief_map::testing::check_kml);
}
