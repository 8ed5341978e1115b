//! `livebrief map area|diff|series` as a user runs them: on the shared DeepState samples (beside the
//! workspace) and on small fixtures written here. No server, no store.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::BIN;

fn sample(name: &str) -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/deepstate")
        .join(name);
    assert!(p.exists(), "{}: the shared data lies beside the workspace", p.display());
    p
}

fn map(args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("map")
        .args(args)
        .output()
        .expect("run livebrief map")
}

fn stdout(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A lon/lat box as a GeoJSON Feature with a clockwise outer ring (as DeepState writes them).
fn square(x: f64, y: f64, w: f64, h: f64) -> String {
    format!(
        r#"{{"type":"Feature","properties":{{}},"geometry":{{"type":"Polygon","coordinates":[[[{x},{y}],[{x},{y1}],[{x1},{y1}],[{x1},{y}],[{x},{y}]]]}}}}"#,
        y1 = y + h,
        x1 = x + w
    )
}

#[test]
fn area_prints_the_geodesic_km2_first_on_its_line() {
    for (name, want) in [
        ("occupied-2024-07-08.geojson", 109_360.87),
        ("occupied-2025-07-01.geojson", 113_654.42),
    ] {
        let o = map(&["area", sample(name).to_str().expect("path")]);
        let out = stdout(&o);
        let first: f64 = out
            .split_whitespace()
            .next()
            .and_then(|w| w.parse().ok())
            .expect("a number first");
        assert!((first - want).abs() < 0.006, "{name}: {out}");
        assert!(out.contains("% of 603600 km²"), "{out}");
        // The repair notes go to stderr: the files' rings run clockwise.
        assert!(String::from_utf8_lossy(&o.stderr).contains("reoriented"));
        let j: serde_json::Value =
            serde_json::from_slice(&map(&["area", "--json", sample(name).to_str().expect("path")]).stdout)
                .expect("json");
        assert!((j["area_km2"].as_f64().expect("area") - want).abs() < 0.006);
        assert!((j["share"].as_f64().expect("share") - want / 603_600.0).abs() < 1e-5);
    }
}

#[test]
fn diff_of_the_samples_gives_gross_gained_lost_and_net() {
    let (a, b) = (
        sample("occupied-2024-07-08.geojson"),
        sample("occupied-2025-07-01.geojson"),
    );
    let out = stdout(&map(&["diff", a.to_str().expect("a"), b.to_str().expect("b")]));
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("gained ") && lines[1].starts_with("lost ") && lines[2].starts_with("net +"),
        "{out}"
    );
    let o = map(&["diff", "--json", a.to_str().expect("a"), b.to_str().expect("b")]);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let (g, l, n) = (
        j["gained_km2"].as_f64().expect("g"),
        j["lost_km2"].as_f64().expect("l"),
        j["net_km2"].as_f64().expect("n"),
    );
    assert!((g - l - n).abs() < 1e-3);
    let areas = j["new_km2"].as_f64().expect("new") - j["old_km2"].as_f64().expect("old");
    assert!((n - areas).abs() < 0.1, "net {n} vs difference of areas {areas}");
    assert!(g > 4000.0 && l > 1.0, "{g} {l}");
    let parts = j["gained"].as_array().expect("parts");
    assert!(parts.len() > 10);
    assert!(parts.iter().all(|p| p["area_km2"].as_f64().unwrap_or(0.0) >= 0.01));
}

#[test]
fn diff_of_fixtures_and_its_geojson() {
    let dir = tempfile::tempdir().expect("tempdir");
    let old = dir.path().join("old.geojson");
    let new = dir.path().join("new.kml");
    std::fs::write(&old, square(37.0, 48.0, 0.1, 0.1)).expect("write");
    // The new layer: the same box pushed 0.02 degrees east (gained a strip, lost a strip), as KML.
    std::fs::write(
        &new,
        "<kml><Placemark><Polygon><outerBoundaryIs><LinearRing><coordinates>\
         37.02,48 37.12,48 37.12,48.1 37.02,48.1 37.02,48</coordinates></LinearRing></outerBoundaryIs>\
         </Polygon></Placemark></kml>",
    )
    .expect("write");
    let out_geojson = dir.path().join("change.geojson");
    let o = map(&[
        "diff",
        "--json",
        "--geojson",
        out_geojson.to_str().expect("p"),
        old.to_str().expect("old"),
        new.to_str().expect("new"),
    ]);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let (g, l) = (j["gained_km2"].as_f64().expect("g"), j["lost_km2"].as_f64().expect("l"));
    // 0.02 x 0.1 degrees at 48 N: about 1.49 x 11.1 km.
    assert!((g - 16.56).abs() < 0.1 && (l - 16.56).abs() < 0.1, "{g} {l}");
    assert_eq!(j["gained"].as_array().map(Vec::len), Some(1));
    let point = &j["gained"][0]["point"];
    assert!(point[0].as_f64().expect("x") > 37.1 && point[0].as_f64().expect("x") < 37.12);
    let fc: serde_json::Value = serde_json::from_slice(&std::fs::read(&out_geojson).expect("geojson")).expect("json");
    assert_eq!(fc["type"], "FeatureCollection");
    let kinds: Vec<&str> = fc["features"]
        .as_array()
        .expect("f")
        .iter()
        .filter_map(|f| f["properties"]["change"].as_str())
        .collect();
    assert_eq!(kinds, ["gained", "lost"]);
    // The change GeoJSON reads back as a layer of the two strips.
    let back = map(&["area", out_geojson.to_str().expect("p")]);
    let a: f64 = stdout(&back)
        .split_whitespace()
        .next()
        .and_then(|w| w.parse().ok())
        .expect("area");
    assert!((a - (g + l)).abs() < 0.01, "{a} vs {}", g + l);
}

#[test]
fn refusals_are_clear_and_fail_the_command() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases = [
        (
            "bowtie.geojson",
            r#"{"type":"Polygon","coordinates":[[[30,50],[30.1,50.1],[30.1,50],[30,50.1],[30,50]]]}"#,
            "crosses itself",
        ),
        (
            "swapped.geojson",
            r#"{"type":"Polygon","coordinates":[[[43.1,131.9],[43.1,132],[43.2,132],[43.1,131.9]]]}"#,
            "swapped",
        ),
        (
            "broken.geojson",
            "{\"type\": \"Feature\",\n \"geometry\": {\"type\": \"Point\" \"coordinates\": [30, 50]}}",
            "invalid JSON at line 2",
        ),
        (
            "empty.geojson",
            r#"{"type":"FeatureCollection","features":[]}"#,
            "empty",
        ),
        (
            "circle.geojson",
            r#"{"type":"Circle","coordinates":[30,50]}"#,
            "unknown geometry type \"Circle\"",
        ),
    ];
    for (name, body, want) in cases {
        let p = dir.path().join(name);
        std::fs::write(&p, body).expect("write");
        let o = map(&["area", p.to_str().expect("p")]);
        assert!(!o.status.success(), "{name} was accepted");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(want), "{name}: {err}");
        assert!(err.contains(name), "{name}: the file is named: {err}");
    }
}

#[test]
fn series_of_a_directory_of_dated_layers() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (i, w) in [0.10, 0.12, 0.11].iter().enumerate() {
        let name = format!("occupied-2025-07-0{}.geojson", i + 1);
        std::fs::write(dir.path().join(name), square(37.0, 48.0, *w, 0.1)).expect("write");
    }
    let csv = stdout(&map(&["series", dir.path().to_str().expect("dir")]));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "date,area_km2,share");
    assert!(lines[1].starts_with("2025-07-01,"), "{csv}");
    assert!(csv.contains("\nday,2025-07-03,2025-07-02,2025-07-03,0.0000,"), "{csv}");
    assert!(csv.contains("\nmonth,2025-07,2025-07-01,2025-07-03,"), "{csv}");
    let j: serde_json::Value =
        serde_json::from_slice(&map(&["series", "--json", dir.path().to_str().expect("dir")]).stdout).expect("json");
    assert_eq!(j["areas"].as_array().map(Vec::len), Some(3));
    assert_eq!(j["daily"].as_array().map(Vec::len), Some(2));
}
