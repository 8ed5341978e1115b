//! `livebrief map …`: control layers from files, without a server or a store. `area` and `diff` for a
//! person; `series` for a directory of dated layers; `batch` is the benchmark's Rust side (bench/map.sh).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};
use livebrief_map::{
    ChangeOptions, EdgeAreas, Layer, Limits, MultiPolygon, RepairOptions, UKRAINE_KM2, area_km2, change, out, share,
};
use serde_json::json;

use crate::extract_cmd::read_input;

#[derive(clap::Subcommand)]
pub enum MapCommand {
    /// Print a layer's WGS84 geodesic area in km² (first on the line), then its share of the reference
    /// area; what was repaired goes to stderr.
    Area {
        /// A GeoJSON or KML file, or - for stdin.
        file: PathBuf,
        /// The reference area for the share, km² (Ukraine including Crimea by default).
        #[arg(long, default_value_t = UKRAINE_KM2)]
        reference_km2: f64,
        /// Polygons under this many m² are slivers, dropped.
        #[arg(long, default_value_t = 100.0)]
        min_polygon_m2: f64,
        #[arg(long)]
        json: bool,
    },
    /// Ground gained (new minus old) and lost (old minus new): gross gained, gross lost and net km², then
    /// the parts, largest first.
    Diff {
        old: PathBuf,
        new: PathBuf,
        /// Parts under this many km² are dropped and counted.
        #[arg(long, default_value_t = 0.01)]
        min_part_km2: f64,
        #[arg(long)]
        json: bool,
        /// Also write the change as GeoJSON (a feature per part, `change`: gained or lost).
        #[arg(long)]
        geojson: Option<PathBuf>,
    },
    /// Areas and daily, weekly and monthly changes of a directory of dated layers (a YYYY-MM-DD in each
    /// file name), as CSV (default) or JSON.
    Series {
        dir: PathBuf,
        #[arg(long, default_value_t = UKRAINE_KM2)]
        reference_km2: f64,
        #[arg(long, default_value_t = 0.01)]
        min_part_km2: f64,
        #[arg(long)]
        json: bool,
    },
    /// Benchmark: every layer of a directory (by name) read, validated, measured and compared with the one
    /// before; one JSON line per layer to --out, the seconds taken on stdout.
    Batch {
        dir: PathBuf,
        #[arg(long)]
        out: PathBuf,
        /// Compute every edge's area term afresh instead of keeping those of the previous layer.
        #[arg(long)]
        no_reuse: bool,
    },
}

pub fn run(cmd: &MapCommand) -> anyhow::Result<()> {
    match cmd {
        MapCommand::Area {
            file,
            reference_km2,
            min_polygon_m2,
            json,
        } => area(file, *reference_km2, *min_polygon_m2, *json),
        MapCommand::Diff {
            old,
            new,
            min_part_km2,
            json,
            geojson,
        } => diff(old, new, *min_part_km2, *json, geojson.as_deref()),
        MapCommand::Series {
            dir,
            reference_km2,
            min_part_km2,
            json,
        } => series(dir, *reference_km2, *min_part_km2, *json),
        MapCommand::Batch { dir, out, no_reuse } => batch(dir, out, !*no_reuse),
    }
}

fn load(path: &Path, min_polygon_m2: f64) -> anyhow::Result<Layer> {
    let bytes = read_input(path)?;
    let opts = RepairOptions { min_polygon_m2 };
    livebrief_map::read_layer(&bytes, &Limits::DEFAULT, &opts).with_context(|| format!("reading {}", path.display()))
}

fn notes(path: &Path, layer: &Layer) {
    let mut err = std::io::stderr().lock();
    for n in layer.repairs.notes() {
        let _ = writeln!(err, "{}: {n}", path.display());
    }
}

fn area(file: &Path, reference_km2: f64, min_polygon_m2: f64, as_json: bool) -> anyhow::Result<()> {
    let layer = load(file, min_polygon_m2)?;
    notes(file, &layer);
    let km2 = area_km2(&layer.geometry);
    let mut o = std::io::stdout().lock();
    if as_json {
        let r = &layer.repairs;
        serde_json::to_writer_pretty(
            &mut o,
            &json!({
                "area_km2": out::round(km2, 4),
                "share": out::round(share(km2, reference_km2), 6),
                "reference_km2": reference_km2,
                "polygons": r.polygons_out,
                "vertices": r.vertices,
                "repairs": r.notes(),
            }),
        )?;
        writeln!(o)?;
    } else {
        writeln!(
            o,
            "{km2:.2} km²\t{:.2} % of {reference_km2} km²\t{} polygon(s), {} vertices",
            100.0 * share(km2, reference_km2),
            layer.repairs.polygons_out,
            layer.repairs.vertices
        )?;
    }
    Ok(())
}

fn diff(old: &Path, new: &Path, min_part_km2: f64, as_json: bool, geojson: Option<&Path>) -> anyhow::Result<()> {
    let (a, b) = (load(old, 100.0)?, load(new, 100.0)?);
    notes(old, &a);
    notes(new, &b);
    let c = change(&a.geometry, &b.geometry, &ChangeOptions { min_part_km2 });
    if let Some(path) = geojson {
        std::fs::write(path, serde_json::to_vec(&out::change_geojson(&c))?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    let mut o = std::io::stdout().lock();
    if as_json {
        let mut v = out::change_json(&c);
        v["old_km2"] = json!(out::round(area_km2(&a.geometry), 4));
        v["new_km2"] = json!(out::round(area_km2(&b.geometry), 4));
        serde_json::to_writer_pretty(&mut o, &v)?;
        writeln!(o)?;
        return Ok(());
    }
    writeln!(o, "gained {:.4} km² in {} part(s)", c.gained_km2, c.gained.len())?;
    writeln!(o, "lost {:.4} km² in {} part(s)", c.lost_km2, c.lost.len())?;
    writeln!(o, "net {:+.4} km²", c.net_km2())?;
    if c.slivers_dropped > 0 {
        writeln!(
            o,
            "slivers dropped: {} under {min_part_km2} km² ({:.4} km² in all)",
            c.slivers_dropped, c.sliver_km2
        )?;
    }
    for (kind, parts) in [("gained", &c.gained), ("lost", &c.lost)] {
        for p in parts {
            writeln!(
                o,
                "{kind}\t{:.4} km²\tat {:.5} E, {:.5} N\tbbox {:.5},{:.5},{:.5},{:.5}",
                p.area_km2,
                p.point.x,
                p.point.y,
                p.bbox.min().x,
                p.bbox.min().y,
                p.bbox.max().x,
                p.bbox.max().y
            )?;
        }
    }
    Ok(())
}

/// Layer files of a directory, by name: .geojson, .json, .kml.
fn layer_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("listing {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e == "geojson" || e == "json" || e == "kml")
        })
        .collect();
    files.sort();
    if files.is_empty() {
        bail!("no .geojson, .json or .kml files in {}", dir.display());
    }
    Ok(files)
}

/// The first YYYY-MM-DD in a file name.
fn date_in_name(path: &Path) -> Option<jiff::civil::Date> {
    let name = path.file_name()?.to_string_lossy().into_owned();
    let b = name.as_bytes();
    (0..b.len().saturating_sub(9)).find_map(|i| name.get(i..i + 10)?.parse().ok())
}

fn series(dir: &Path, reference_km2: f64, min_part_km2: f64, as_json: bool) -> anyhow::Result<()> {
    let files = layer_files(dir)?;
    let bar = indicatif::ProgressBar::new(files.len() as u64);
    let mut layers: Vec<(jiff::civil::Date, MultiPolygon)> = Vec::with_capacity(files.len());
    for f in &files {
        let date = date_in_name(f).with_context(|| format!("{}: no YYYY-MM-DD date in the file name", f.display()))?;
        let layer = load(f, 100.0)?;
        notes(f, &layer);
        layers.push((date, layer.geometry));
        bar.inc(1);
    }
    bar.finish_and_clear();
    let refs: Vec<(jiff::civil::Date, &MultiPolygon)> = layers.iter().map(|(d, l)| (*d, l)).collect();
    let s = livebrief_map::series(&refs, &ChangeOptions { min_part_km2 });
    let mut o = std::io::stdout().lock();
    if as_json {
        serde_json::to_writer_pretty(&mut o, &out::series_json(&s, reference_km2))?;
        writeln!(o)?;
    } else {
        o.write_all(out::series_csv(&s, reference_km2).as_bytes())?;
    }
    Ok(())
}

fn batch(dir: &Path, out_path: &Path, reuse: bool) -> anyhow::Result<()> {
    let files = layer_files(dir)?;
    let opts = ChangeOptions::default();
    let mut areas = EdgeAreas::new();
    let mut rows = Vec::with_capacity(files.len());
    let start = Instant::now();
    // Seconds in each stage: reading files, parsing and repairing, areas, changes.
    let mut stages = [0f64; 4];
    let mut prev: Option<MultiPolygon> = None;
    for f in &files {
        let t = Instant::now();
        let bytes = std::fs::read(f).with_context(|| format!("reading {}", f.display()))?;
        stages[0] += t.elapsed().as_secs_f64();
        let t = Instant::now();
        let layer = livebrief_map::read_layer(&bytes, &Limits::DEFAULT, &RepairOptions::default())
            .with_context(|| format!("reading {}", f.display()))?;
        stages[1] += t.elapsed().as_secs_f64();
        let t = Instant::now();
        let m2 = if reuse {
            areas.area_m2(&layer.geometry)
        } else {
            livebrief_map::area_m2(&layer.geometry)
        };
        stages[2] += t.elapsed().as_secs_f64();
        let t = Instant::now();
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut row = json!({"file": name, "area_km2": m2 / 1e6});
        if let Some(p) = &prev {
            let c = change(p, &layer.geometry, &opts);
            row["gained_km2"] = json!(c.gained_km2);
            row["lost_km2"] = json!(c.lost_km2);
            row["gained_parts"] = json!(c.gained.len());
            row["lost_parts"] = json!(c.lost.len());
        }
        stages[3] += t.elapsed().as_secs_f64();
        rows.push(row);
        prev = Some(layer.geometry);
    }
    let took = start.elapsed().as_secs_f64();
    let mut text = String::new();
    for r in &rows {
        text.push_str(&r.to_string());
        text.push('\n');
    }
    std::fs::write(out_path, text).with_context(|| format!("writing {}", out_path.display()))?;
    println!("{took:.3}");
    eprintln!(
        "stages: files {:.3} s, read and repair {:.3} s, areas {:.3} s, changes {:.3} s",
        stages[0], stages[1], stages[2], stages[3]
    );
    if reuse {
        eprintln!(
            "edges: {} computed, {} reused from the previous layer",
            areas.computed, areas.reused
        );
    }
    Ok(())
}
