//! `livebrief map import`: dated control layers straight into the store (no server needed), one file or a
//! directory of dated files, each through the same use case as the API (`App::import_map_layer`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};
use livebrief_app::App;
use livebrief_model::{Actor, Date, Role};

#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// The briefing's slug.
    #[arg(long)]
    briefing: String,
    /// The layer's name (occupied, contested, liberated, …).
    #[arg(long, default_value = "occupied")]
    layer: String,
    /// The date of FILE (YYYY-MM-DD). With --dir, each file's date is read from its name.
    #[arg(long)]
    date: Option<String>,
    /// A directory of dated files (the first YYYY-MM-DD or YYYYMMDD in each name), imported oldest first.
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Import as this editor or admin (default: the first admin, else the first editor).
    #[arg(long = "as")]
    as_user: Option<String>,
    /// Also offer each day's change to the desk as a draft (off by default for bulk imports).
    #[arg(long)]
    suggest: bool,
    /// A GeoJSON or KML file.
    file: Option<PathBuf>,
}

/// The first date in a file name: `2025-07-01`, `2025_07_01` or `20250701`.
pub fn date_in_name(name: &str) -> Option<Date> {
    let digits: Vec<(usize, char)> = name.char_indices().collect();
    for start in 0..digits.len() {
        let rest: String = digits[start..].iter().map(|(_, c)| *c).take(10).collect();
        let b = rest.as_bytes();
        let cand = if b.len() >= 10
            && b[..4].iter().all(u8::is_ascii_digit)
            && (b[4] == b'-' || b[4] == b'_')
            && b[5..7].iter().all(u8::is_ascii_digit)
            && b[7] == b[4]
            && b[8..10].iter().all(u8::is_ascii_digit)
        {
            format!("{}-{}-{}", &rest[..4], &rest[5..7], &rest[8..10])
        } else if b.len() >= 8
            && b[..8].iter().all(u8::is_ascii_digit)
            && (start == 0 || !digits[start - 1].1.is_ascii_digit())
        {
            format!("{}-{}-{}", &rest[..4], &rest[4..6], &rest[6..8])
        } else {
            continue;
        };
        if let Ok(d) = cand.parse::<Date>() {
            return Some(d);
        }
    }
    None
}

async fn importer(app: &App, name: Option<&str>) -> anyhow::Result<Actor> {
    let users = app.store().list_users().await?;
    let pick = match name {
        Some(n) => users
            .iter()
            .find(|u| u.name == n)
            .with_context(|| format!("no user named {n:?}"))?,
        None => users
            .iter()
            .find(|u| u.role == Role::Admin)
            .or_else(|| users.iter().find(|u| u.role == Role::Editor))
            .context("no editor or admin to import as: add one first (livebrief user add NAME --role editor)")?,
    };
    Ok(pick.actor())
}

pub async fn run(app: Arc<App>, a: &ImportArgs) -> anyhow::Result<()> {
    let actor = importer(&app, a.as_user.as_deref()).await?;
    let files: Vec<(Date, PathBuf)> = match (&a.dir, &a.file) {
        (Some(dir), None) => {
            let mut v = Vec::new();
            for e in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
                let p = e?.path();
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                let lower = name.to_ascii_lowercase();
                if !(lower.ends_with(".geojson") || lower.ends_with(".json") || lower.ends_with(".kml")) {
                    continue;
                }
                match date_in_name(name) {
                    Some(d) => v.push((d, p)),
                    None => eprintln!("skipping {}: no date in its name", p.display()),
                }
            }
            v.sort();
            v
        }
        (None, Some(f)) => {
            let d = a
                .date
                .as_deref()
                .context("give the file's date with --date YYYY-MM-DD")?;
            vec![(d.parse().with_context(|| format!("--date {d}: not a date"))?, f.clone())]
        }
        _ => bail!("give one FILE (with --date) or --dir DIR"),
    };
    if files.is_empty() {
        bail!("no dated .geojson, .json or .kml files found");
    }
    let pb = ProgressBar::new(files.len() as u64);
    pb.set_style(
        ProgressStyle::with_template("{spinner} importing [{bar:30}] {pos}/{len} {per_sec} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let t0 = std::time::Instant::now();
    let (mut ok, mut failed, mut bytes) = (0usize, 0usize, 0usize);
    for (date, path) in &files {
        pb.set_message(format!("{date}"));
        let data = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        match app
            .import_map_layer(&actor, &a.briefing, &a.layer, *date, data, a.suggest)
            .await
        {
            Ok(r) => {
                ok += 1;
                bytes += r.stored_bytes;
                if files.len() == 1 {
                    pb.suspend(|| print_one(path, &r));
                }
            }
            Err(e) => {
                failed += 1;
                pb.suspend(|| eprintln!("{}: {e}", path.display()));
            }
        }
        pb.inc(1);
    }
    pb.finish_and_clear();
    let secs = t0.elapsed().as_secs_f64();
    println!(
        "imported {ok} layer(s) of {} into {}/{} in {secs:.1} s ({:.0} layers/s), {failed} refused; {bytes} bytes stored ({} per layer)",
        files.len(),
        a.briefing,
        a.layer,
        ok as f64 / secs.max(1e-9),
        bytes.checked_div(ok).unwrap_or(0)
    );
    if failed > 0 {
        bail!("{failed} layer(s) refused");
    }
    Ok(())
}

fn print_one(path: &Path, r: &livebrief_app::maps::MapImport) {
    println!(
        "{}: {} {} revision {}: {:.2} km², {} vertices, {} bytes stored",
        path.display(),
        r.layer.layer,
        r.layer.date,
        r.layer.revision,
        r.layer.area_km2,
        r.layer.vertices,
        r.stored_bytes
    );
    for n in &r.layer.repairs {
        println!("  repaired: {n}");
    }
    if let Some((from, c, places)) = &r.change {
        println!(
            "  since {from}: +{:.2} km² gained, -{:.2} km² lost, net {:+.2} km²",
            c.gained_km2,
            c.lost_km2,
            c.net_km2()
        );
        for p in places {
            println!("  {}", p.sentence);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_names() {
        let d = |s: &str| date_in_name(s).map(|d| d.to_string());
        assert_eq!(d("deepstate-2025-07-01.geojson").as_deref(), Some("2025-07-01"));
        assert_eq!(d("20240708_map.kml").as_deref(), Some("2024-07-08"));
        assert_eq!(d("v2_2025_07_01.json").as_deref(), Some("2025-07-01"));
        assert_eq!(d("2025-13-01.json"), None);
        assert_eq!(d("layer.geojson"), None);
    }
}
