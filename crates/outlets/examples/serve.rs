//! Serves the synthetic outlets until Ctrl-C, to look at them in a browser or point a poller at them:
//!
//! ```text
//! cargo run -p livebrief-outlets --example serve -- [demo|all|stream] [PORT]
//! ```

use std::time::Duration;

use livebrief_outlets::{OutletServer, Scenario};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let scenario = match args.next().as_deref() {
        None | Some("demo") => Scenario::demo(),
        Some("all") => Scenario::all_at_once(),
        Some("stream") => Scenario::stream(2.0, Duration::from_secs(600), 8),
        Some(other) => {
            eprintln!("unknown scenario {other:?}: use demo, all or stream");
            std::process::exit(2);
        }
    };
    let port = match args.next() {
        Some(p) => p.parse().unwrap_or_else(|_| {
            eprintln!("not a port: {p}");
            std::process::exit(2)
        }),
        None => 0,
    };
    let server = OutletServer::start(scenario.port(port)).await?;
    println!("outlets at {}/", server.base_url());
    for o in server.outlets().iter().take(8) {
        println!("  {:<10} {}", o.id, server.feed_url(&o.id));
    }
    tokio::signal::ctrl_c().await?;
    Ok(())
}
