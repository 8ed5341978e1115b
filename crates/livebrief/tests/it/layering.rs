//! Dependencies point inward: the core crates know nothing of storage, HTTP or the binary.

fn deps(krate: &str) -> Vec<String> {
    let path = format!("{}/../{krate}/Cargo.toml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut out = Vec::new();
    let mut in_deps = false;
    for line in text.lines() {
        let l = line.trim();
        if l.starts_with('[') {
            in_deps = l == "[dependencies]";
            continue;
        }
        if in_deps
            && let Some((name, _)) = l.split_once(['=', '.'])
            && !name.trim().is_empty()
            && !name.starts_with('#')
        {
            out.push(name.trim().to_string());
        }
    }
    out
}

/// What no pure core crate may use: the store, the app, the server, a database, HTTP or a runtime.
/// (The domain model is inward of everything: the reading speaks its vocabulary.)
const OUTER: &[&str] = &[
    "livebrief-store",
    "livebrief-app",
    "livebrief-server",
    "rusqlite",
    "axum",
    "tokio",
    "reqwest",
];

#[test]
fn core_crates_do_not_depend_outward() {
    let rules: &[(&str, &[&str])] = &[
        (
            "model",
            &[
                "livebrief-content",
                "livebrief-store",
                "livebrief-app",
                "livebrief-server",
                "rusqlite",
                "axum",
                "tokio",
                "serde",
                "serde_json",
            ],
        ),
        (
            "content",
            &[
                "livebrief-store",
                "livebrief-app",
                "livebrief-server",
                "rusqlite",
                "axum",
                "tokio",
            ],
        ),
        (
            "store",
            &[
                "livebrief-app",
                "livebrief-server",
                "livebrief-content",
                "axum",
                "minijinja",
            ],
        ),
        (
            "app",
            &["livebrief-server", "axum", "rusqlite", "minijinja", "serde_json"],
        ),
        // The fetcher is IO, but knows nothing of the domain, storage or the server.
        (
            "fetch",
            &[
                "livebrief-model",
                "livebrief-store",
                "livebrief-app",
                "livebrief-server",
                "rusqlite",
                "axum",
            ],
        ),
        // The reading core: text and a date in, values out.
        ("nlp", OUTER),
        ("extract", OUTER),
        // Feeds in: bytes and a URL in, values out; it may use extract's HTML tree, nothing further out.
        ("feed", OUTER),
        ("cluster", OUTER),
        ("geo", OUTER),
        ("map", OUTER),
    ];
    for (krate, forbidden) in rules {
        let d = deps(krate);
        assert!(!d.is_empty(), "parsed no dependencies of {krate}");
        for f in *forbidden {
            assert!(
                !d.iter().any(|x| x == f),
                "crate {krate} must not depend on {f} (has {d:?})"
            );
        }
    }
    assert!(
        deps("server").iter().any(|d| d == "axum"),
        "the check can see dependencies"
    );
}
