//! `livebrief extract` and `livebrief eval-extraction`.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};
use livebrief_extract::{Extraction, Options, eval};
use serde_json::{Value, json};

/// Reads a file (gunzipping `.gz`) or stdin (`-`).
pub fn read_input(path: &Path) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .context("reading stdin")?;
        return Ok(bytes);
    }
    let f = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    if path.extension().is_some_and(|e| e == "gz") {
        flate2::read::GzDecoder::new(f)
            .read_to_end(&mut bytes)
            .with_context(|| format!("gunzipping {}", path.display()))?;
    } else {
        std::io::BufReader::new(f)
            .read_to_end(&mut bytes)
            .with_context(|| format!("reading {}", path.display()))?;
    }
    Ok(bytes)
}

pub fn to_json(x: &Extraction, url: Option<&str>) -> Value {
    let d = &x.document;
    let date = |f: &Option<livebrief_extract::FoundDate>| {
        f.as_ref()
            .map(|f| json!({"value": f.value, "raw": f.raw, "source": f.source}))
    };
    json!({
        "url": url,
        "title": d.title,
        "authors": d.authors,
        "published": date(&d.published),
        "modified": date(&d.modified),
        "site_name": d.site_name,
        "language": d.language,
        "canonical_url": d.canonical_url,
        "lead_image": d.lead_image,
        "description": d.description,
        "text": d.text(),
        "paragraphs": d.blocks.iter().map(|b| json!({"kind": b.kind.as_str(), "text": b.text})).collect::<Vec<_>>(),
        "diagnostics": x.diagnostics,
    })
}

pub fn single(file: &Path, url: Option<&str>, charset: Option<&str>, as_json: bool) -> anyhow::Result<()> {
    let bytes = read_input(file)?;
    let x = livebrief_extract::extract(
        &bytes,
        &Options {
            url,
            http_charset: charset,
        },
    );
    let mut out = std::io::stdout().lock();
    if as_json {
        serde_json::to_writer_pretty(&mut out, &to_json(&x, url))?;
        writeln!(out)?;
    } else {
        if x.document.blocks.is_empty() {
            for d in &x.diagnostics {
                eprintln!("{d}");
            }
            bail!("no article text found in {}", file.display());
        }
        writeln!(out, "{}", x.document.text())?;
    }
    Ok(())
}

fn page_id(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.trim_end_matches(".gz")
        .trim_end_matches(".html")
        .trim_end_matches(".htm")
        .to_string()
}

/// Extracts every `.html`/`.htm` (optionally gzipped) file of `dir` into one JSON line each.
pub fn batch(dir: &Path, out: &Path, urls: Option<&Path>) -> anyhow::Result<()> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading directory {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let n = p.to_string_lossy();
            n.ends_with(".html") || n.ends_with(".htm") || n.ends_with(".html.gz") || n.ends_with(".htm.gz")
        })
        .collect();
    files.sort();
    if files.is_empty() {
        bail!("no .html or .html.gz files in {}", dir.display());
    }
    // Optional URL map: a JSON object {id: {"url": ...}} or {id: "url"} (the evaluation set's ground truth works).
    let url_map: Option<Value> = match urls {
        Some(p) => Some(serde_json::from_slice(&read_input(p)?).with_context(|| format!("parsing {}", p.display()))?),
        None => None,
    };
    let inputs: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|f| Ok((page_id(f), read_input(f)?)))
        .collect::<anyhow::Result<_>>()?;
    let total_bytes: usize = inputs.iter().map(|(_, b)| b.len()).sum();
    let bar = indicatif::ProgressBar::new(inputs.len() as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {pos}/{len} pages [{bar:30}] {per_sec} {eta}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let mut w =
        std::io::BufWriter::new(std::fs::File::create(out).with_context(|| format!("creating {}", out.display()))?);
    let t0 = Instant::now();
    let mut extract_time = std::time::Duration::ZERO;
    let mut empty = 0;
    for (id, bytes) in &inputs {
        let url = url_map
            .as_ref()
            .and_then(|m| m.get(id))
            .and_then(|v| v.get("url").or(Some(v)))
            .and_then(Value::as_str);
        let t = Instant::now();
        let x = livebrief_extract::extract(
            bytes,
            &Options {
                url,
                http_charset: None,
            },
        );
        extract_time += t.elapsed();
        if x.document.blocks.is_empty() {
            empty += 1;
        }
        let mut v = to_json(&x, url);
        v["id"] = Value::String(id.clone());
        serde_json::to_writer(&mut w, &v)?;
        w.write_all(b"\n")?;
        bar.inc(1);
    }
    w.flush()?;
    bar.finish_and_clear();
    let secs = extract_time.as_secs_f64();
    eprintln!(
        "{} pages ({:.1} MB) in {:.3} s of extraction ({:.0} pages/s on one core, {:.1} MB/s); {} without an article; wall {:.2} s; peak RSS {} MiB",
        inputs.len(),
        total_bytes as f64 / 1e6,
        secs,
        inputs.len() as f64 / secs,
        total_bytes as f64 / 1e6 / secs,
        empty,
        t0.elapsed().as_secs_f64(),
        peak_rss_mib().map_or("?".into(), |m| format!("{m:.1}")),
    );
    Ok(())
}

fn peak_rss_mib() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let kib: f64 = s
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    Some(kib / 1024.0)
}

/// Scores predictions (JSON lines with `id` and `text`) against a ground truth (`{id: {"articleBody": ...}}`).
pub fn evaluate(truth: &Path, predictions: &Path, per_page: bool) -> anyhow::Result<()> {
    let truth: Value = serde_json::from_slice(&read_input(truth)?).context("parsing the ground truth")?;
    let truth = truth.as_object().context("the ground truth is not a JSON object")?;
    let mut preds = std::collections::HashMap::new();
    for (i, line) in String::from_utf8_lossy(&read_input(predictions)?).lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(line).with_context(|| format!("line {} of the predictions", i + 1))?;
        let id = v["id"]
            .as_str()
            .with_context(|| format!("line {} has no id", i + 1))?
            .to_string();
        preds.insert(id, v["text"].as_str().unwrap_or_default().to_string());
    }
    let mut ids: Vec<&String> = truth.keys().collect();
    ids.sort();
    let mut scores = Vec::new();
    for id in ids {
        let t = truth[id]["articleBody"].as_str().unwrap_or_default();
        let p = preds.get(id.as_str()).map(String::as_str).unwrap_or("");
        let s = eval::score_page(t, p);
        if per_page {
            println!("{id}\tP {:.3}\tR {:.3}", s.precision(), s.recall());
        }
        scores.push(s);
    }
    let s = eval::summarize(&scores);
    println!(
        "pages {}  precision {:.4}  recall {:.4}  F1 {:.4}  accuracy {:.4}",
        s.pages, s.precision, s.recall, s.f1, s.accuracy
    );
    Ok(())
}
