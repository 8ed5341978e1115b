//! What the map fuzz targets found, kept (`fuzz/keep.sh geojson kml` writes `fuzz/kept/{geojson,kml}.b64`)
//! and replayed through the same checks (`livebrief_map::testing`).

#[path = "../../../../fuzz/kept/replay.rs"]
mod fuzz_replay;

#[test]
fn the_geojson_corpus_holds() {
    fuzz_replay::replay("geojson", 50, livebrief_map::testing::check_geojson);
}

#[test]
fn the_kml_corpus_holds() {
    fuzz_replay::replay("kml", 50, livebrief_map::testing::check_kml);
}
