//! The `livebrief` binary: glue between the command line and the crates that do the work.

mod demo;
mod extract_cmd;
mod ingest_cmd;
mod map_cmd;
mod map_import_cmd;
mod migrate_cmd;
mod read_cmd;

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use livebrief_app::{App, SystemClock};
use livebrief_model::{BriefingDraft, Role};
use livebrief_server::{AppState, Config};
use livebrief_store::{PgStore, SqliteStore, Store};
use tokio_util::sync::CancellationToken;

#[derive(Parser)]
#[command(
    name = "livebrief",
    version,
    about = "Self-hosted live briefings: publish, follow and edit fast-moving stories."
)]
struct Cli {
    /// Config file (TOML). LIVEBRIEF_* environment variables override it. Default: none, or $LIVEBRIEF_CONFIG.
    #[arg(long, global = true, env = "LIVEBRIEF_CONFIG")]
    config: Option<PathBuf>,
    /// Data directory (overrides the config's data_dir).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// Database: a postgres:// or postgresql:// URL selects PostgreSQL (overrides the config's database_url).
    /// Default: SQLite in the data directory.
    #[arg(long, global = true, value_name = "URL")]
    database: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server: reader pages, desk, live stream, feeds and API.
    Serve {
        /// Address to listen on (overrides the config's listen).
        #[arg(long)]
        listen: Option<String>,
        /// Fill an empty store with a demo briefing and a demo editor account.
        #[arg(long)]
        demo: bool,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// API tokens: `token USER` (or `token create USER`) makes one and prints it once; `token list`,
    /// `token revoke ID`.
    #[command(args_conflicts_with_subcommands = true)]
    Token {
        #[command(subcommand)]
        command: Option<TokenCommand>,
        /// The account the token acts as.
        user: Option<String>,
        /// A name to recognise the token by.
        #[arg(long, default_value = "cli")]
        name: String,
        /// Lifetime: `30d` or `30` (days), 1 to 365; default 90 days.
        #[arg(long, value_parser = parse_days)]
        expires_in: Option<i64>,
    },
    /// Create a briefing.
    Briefing {
        slug: String,
        #[arg(long)]
        title: String,
        #[arg(long, default_value = "")]
        summary: String,
        #[arg(long, default_value = "en")]
        language: String,
    },
    /// Validate the configuration and print it resolved.
    Config,
    /// Extract the article from a news page: text (paragraphs kept) or, with --json, text and metadata.
    Extract {
        /// An HTML file (may be gzipped), or - for stdin. Not with --batch.
        #[arg(required_unless_present = "batch")]
        file: Option<PathBuf>,
        /// The page's URL (resolves links, gives a date when its path has one).
        #[arg(long)]
        url: Option<String>,
        /// The charset from the HTTP Content-Type header, if known.
        #[arg(long)]
        charset: Option<String>,
        #[arg(long)]
        json: bool,
        /// Extract every .html/.html.gz file in this directory into --out as JSON lines.
        #[arg(long, conflicts_with = "file", requires = "out")]
        batch: Option<PathBuf>,
        #[arg(long)]
        out: Option<PathBuf>,
        /// With --batch: a JSON object mapping page ids to URLs (or to objects with "url").
        #[arg(long, requires = "batch")]
        urls: Option<PathBuf>,
    },
    /// Read a report: quotes and speakers, entities, places, dates and topics, with their spans.
    Read {
        /// A text file (or an HTML page with --html), or - for stdin.
        file: PathBuf,
        /// The publication date, YYYY-MM-DD: relative dates resolve against it.
        #[arg(long)]
        published: String,
        #[arg(long)]
        url: Option<String>,
        /// The input is a web page: extract the article first (spans then refer to the extracted text).
        #[arg(long)]
        html: bool,
        #[arg(long)]
        json: bool,
        /// A topic list (`slug | Label | term, term:weight, …` per line) instead of the default topics;
        /// `livebrief topics` prints the defaults in that form.
        #[arg(long)]
        topics: Option<PathBuf>,
    },
    /// Print the default topic list in the text form a briefing's own list uses.
    Topics,
    /// Territorial control maps from files, without a server: `map area FILE`, `map diff OLD NEW`,
    /// `map series DIR`; and into a briefing: `map import --briefing SLUG --date DATE --layer NAME FILE`.
    Map {
        #[command(subcommand)]
        command: MapCli,
    },
    /// Manage the sources (feeds and pages) a briefing watches.
    Source {
        #[command(subcommand)]
        command: SourceCommand,
    },
    /// Poll sources and fetch, read and group their new articles (the server does this on its own).
    Poll {
        /// Poll every enabled source once, work the articles, and exit.
        #[arg(long)]
        once: bool,
        /// Only this briefing's sources.
        #[arg(long)]
        briefing: Option<String>,
        /// Poll the sources and queue their new articles (for the server), without fetching them.
        #[arg(long)]
        sources_only: bool,
    },
    /// Copy a SQLite site into PostgreSQL with its ids, in one transaction, verified by counts and checksums.
    #[command(long_about = migrate_cmd::LONG_ABOUT)]
    Migrate {
        /// The SQLite site: sqlite:PATH, PATH being its data directory or its livebrief.db file.
        #[arg(long, value_name = "sqlite:PATH")]
        from: String,
        /// The PostgreSQL database, postgres://user@host:port/database (its schema is brought up to date first).
        #[arg(long, value_name = "URL")]
        to: String,
        /// When the target holds other livebrief data: empty its livebrief tables and copy, in the same
        /// transaction (what was there is lost; stop the instances that use it first).
        #[arg(long, conflicts_with = "check")]
        replace: bool,
        /// Only compare source and target, table by table (counts and checksums); change nothing. Exits
        /// non-zero when they differ.
        #[arg(long)]
        check: bool,
    },
    /// Group reports (JSON lines: id, source, published, title, text) into developments as the server would;
    /// prints {"id": …, "development": …} per report.
    Group {
        /// A JSON-lines file, or - for stdin.
        file: PathBuf,
    },
    /// Score quote attribution on an annotated set (JSON lines with text, published, attributions).
    EvalQuotes {
        /// e.g. ../shared/data/quotes/polnear-dev.jsonl
        #[arg(long)]
        set: PathBuf,
        /// Only the first N articles.
        #[arg(long)]
        limit: Option<usize>,
    },
    /// Score extraction output (JSON lines: id, text) against a ground truth with the benchmark's metric.
    EvalExtraction {
        /// {"id": {"articleBody": ...}}, e.g. ../shared/data/extraction/ground-truth.json
        #[arg(long)]
        truth: PathBuf,
        /// JSON lines with "id" and "text" from any extractor.
        #[arg(long)]
        predictions: PathBuf,
        /// Also print each page's precision and recall.
        #[arg(long)]
        per_page: bool,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add an account. The password is read from stdin with --password-stdin, else generated and printed.
    Add {
        name: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a new password (ends the account's sessions).
    Passwd {
        name: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// List accounts.
    List,
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create a token for USER (printed once; only its hash is stored).
    Create {
        user: String,
        /// A name to recognise the token by.
        #[arg(long, default_value = "cli")]
        name: String,
        /// Lifetime: `30d` or `30` (days), 1 to 365; default 90 days.
        #[arg(long, value_parser = parse_days)]
        expires_in: Option<i64>,
    },
    /// List tokens (never their secrets): id, owner, name, prefix, created, last used, expires, state.
    List {
        /// Only this account's tokens.
        #[arg(long)]
        user: Option<String>,
    },
    /// Revoke a token by its id (see `token list`). A running server refuses it at once and ends its
    /// open desk streams within seconds.
    Revoke { id: i64 },
}

/// `30d` or `30`: a number of days.
fn parse_days(s: &str) -> Result<i64, String> {
    let n = s.trim().strip_suffix('d').unwrap_or(s.trim());
    n.parse::<i64>()
        .ok()
        .filter(|d| (1..=livebrief_app::API_TOKEN_MAX_DAYS).contains(d))
        .ok_or_else(|| {
            format!(
                "{s:?}: expected a number of days such as 30d (1 to {})",
                livebrief_app::API_TOKEN_MAX_DAYS
            )
        })
}

#[derive(Subcommand)]
enum SourceCommand {
    /// Watch a feed or a page. Its kind and title are found by fetching it once unless given.
    Add {
        url: String,
        /// The briefing (may be left out when there is only one).
        #[arg(long)]
        briefing: Option<String>,
        /// feed or page.
        #[arg(long)]
        kind: Option<String>,
        #[arg(long)]
        title: Option<String>,
        /// BCP 47 tag: en, uk, ru, …
        #[arg(long)]
        language: Option<String>,
        /// What the desk should know about it.
        #[arg(long)]
        trust_note: Option<String>,
        /// Seconds between polls (default 300).
        #[arg(long)]
        interval: Option<u32>,
    },
    /// List sources with their health.
    List {
        #[arg(long)]
        briefing: Option<String>,
    },
    /// Add every feed of an OPML file.
    Import {
        file: PathBuf,
        #[arg(long)]
        briefing: Option<String>,
    },
    /// Print the sources as OPML.
    Export {
        #[arg(long)]
        briefing: Option<String>,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse()
}

fn load_config(cli: &Cli, listen: Option<&str>) -> anyhow::Result<Config> {
    let mut env: BTreeMap<String, String> = std::env::vars().filter(|(k, _)| k.starts_with("LIVEBRIEF_")).collect();
    if let Some(d) = &cli.data_dir {
        env.insert("LIVEBRIEF_DATA_DIR".into(), d.display().to_string());
    }
    if let Some(u) = &cli.database {
        env.insert("LIVEBRIEF_DATABASE_URL".into(), u.clone());
    }
    if let Some(l) = listen {
        env.insert("LIVEBRIEF_LISTEN".into(), l.to_string());
    }
    Config::load(cli.config.as_deref(), &env)
}

/// Takes the data directory's lock: one process works on a SQLite data directory. Two servers on one database
/// file fail each other's writes (busy), and each keeps its own caches, grouper and live bus; the newsroom loop
/// (grouping, job leases) runs in one process too. So `serve`, `poll --once` and `briefing` (a briefing the
/// running server would not know of) refuse to run beside another; scaling out is what PostgreSQL is for, and
/// with a `database_url` no data-directory lock is taken (`None`). Account and token commands run beside a server
/// (it reads those from the store on each request, and a leaked token must be revocable at once). The lock is an
/// OS advisory lock on `livebrief.lock`, which holds the owner's pid for the message; it is held until the
/// process exits (also when it is killed: the operating system drops it).
fn lock_data_dir(config: &Config) -> anyhow::Result<Option<std::fs::File>> {
    if config.database_url.is_some() {
        return Ok(None);
    }
    lock_dir(
        &config.data_dir,
        "the server polls on its own; stop it first, or run several servers on PostgreSQL with --database \
         postgres://…",
    )
    .map(Some)
}

/// Takes the lock of the SQLite data directory `data_dir` (see [`lock_data_dir`]); `advice` ends the message
/// when another process holds it.
fn lock_dir(data_dir: &Path, advice: &str) -> anyhow::Result<std::fs::File> {
    use std::io::{Read, Seek, Write};
    std::fs::create_dir_all(data_dir).with_context(|| format!("creating data directory {}", data_dir.display()))?;
    let path = data_dir.join("livebrief.lock");
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&path)
        .with_context(|| format!("opening {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => {
            let record = (|| {
                file.set_len(0)?;
                file.rewind()?;
                writeln!(file, "{}", std::process::id())?;
                file.sync_data()
            })();
            record.with_context(|| format!("writing the pid into {}", path.display()))?;
            Ok(file)
        }
        Err(std::fs::TryLockError::WouldBlock) => {
            let mut owner = String::new();
            let _ = file.read_to_string(&mut owner);
            let owner = match owner.trim().parse::<u32>() {
                Ok(pid) => format!("another livebrief process (pid {pid})"),
                Err(_) => "another livebrief process".to_string(),
            };
            bail!(
                "{owner} is working on the data directory {}: a SQLite data directory is used by one process at \
                 a time ({advice})",
                data_dir.display()
            )
        }
        Err(std::fs::TryLockError::Error(e)) => Err(e).with_context(|| format!("locking {}", path.display())),
    }
}

/// The configured store: PostgreSQL when `database_url` is set, else SQLite in the data directory.
async fn open_store(config: &Config) -> anyhow::Result<Arc<dyn Store>> {
    if let Some(url) = &config.database_url {
        // The store's errors are one line and never carry the password.
        let store = PgStore::open(url)
            .await
            .map_err(|e| anyhow::anyhow!("opening the database: {e}"))?;
        tracing::info!(database = store.place(), "PostgreSQL store");
        return Ok(Arc::new(store));
    }
    let data_dir = &config.data_dir;
    std::fs::create_dir_all(data_dir).with_context(|| format!("creating data directory {}", data_dir.display()))?;
    let path = data_dir.join("livebrief.db");
    Ok(Arc::new(
        SqliteStore::open(&path).with_context(|| format!("opening database {}", path.display()))?,
    ))
}

fn read_password(from_stdin: bool) -> anyhow::Result<(String, bool)> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from stdin")?;
        let pw = line.trim_end_matches(['\n', '\r']).to_string();
        if pw.is_empty() {
            bail!("no password on stdin");
        }
        return Ok((pw, false));
    }
    let mut bytes = [0u8; 15];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    Ok((
        bytes
            .iter()
            .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
            .collect(),
        true,
    ))
}

async fn app_for(config: &Config) -> anyhow::Result<Arc<App>> {
    let store = open_store(config).await?;
    Ok(App::new(store, Arc::new(SystemClock)).await?)
}

/// The `map` subcommands: the file tools and the import into a briefing.
#[derive(Subcommand)]
enum MapCli {
    #[command(flatten)]
    Files(map_cmd::MapCommand),
    /// Import a dated control layer (GeoJSON or KML) into a briefing, or a directory of dated files
    /// (`--dir DIR`: the date is in each file's name), with a progress bar.
    Import(map_import_cmd::ImportArgs),
}

/// Threads for blocking work at most (the store has one writer and four readers; password checks have
/// their own two threads).
const MAX_BLOCKING_THREADS: usize = 64;

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // Blocking work (store calls, feed parsing, extraction) waits its turn beyond 64 threads rather than
    // growing the process to tokio's default of 512 (issue 11: 300 live streams made 515 threads).
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(MAX_BLOCKING_THREADS)
        .build()
        .context("starting the runtime")?;
    rt.block_on(run(cli))
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match &cli.command {
        Command::Serve { listen, demo } => serve(load_config(&cli, listen.as_deref())?, *demo).await,
        Command::User { command } => {
            let config = load_config(&cli, None)?;
            let app = app_for(&config).await?;
            match command {
                UserCommand::Add {
                    name,
                    role,
                    password_stdin,
                } => {
                    let (pw, generated) = read_password(*password_stdin)?;
                    let u = app
                        .create_user(name, *role, &pw)
                        .await
                        .with_context(|| format!("adding user {name}"))?;
                    println!("added {} ({})", u.name, u.role);
                    if generated {
                        println!("password: {pw}");
                    }
                }
                UserCommand::Passwd { name, password_stdin } => {
                    let (pw, generated) = read_password(*password_stdin)?;
                    app.set_password(name, &pw)
                        .await
                        .with_context(|| format!("setting the password of {name}"))?;
                    println!("password changed for {name}");
                    if generated {
                        println!("password: {pw}");
                    }
                }
                UserCommand::List => {
                    for u in app.store().list_users().await? {
                        println!("{}\t{}", u.name, u.role);
                    }
                }
            }
            Ok(())
        }
        Command::Token {
            command,
            user,
            name,
            expires_in,
        } => {
            let config = load_config(&cli, None)?;
            let app = app_for(&config).await?;
            let (user, name, expires_in) = match command {
                Some(TokenCommand::List { user }) => return list_tokens(&app, user.as_deref()).await,
                Some(TokenCommand::Revoke { id }) => {
                    let t = app
                        .revoke_api_token_as_operator(*id)
                        .await
                        .with_context(|| format!("revoking token {id}"))?;
                    println!("revoked token {} ({} of {})", t.id, t.name, t.user_name);
                    return Ok(());
                }
                Some(TokenCommand::Create { user, name, expires_in }) => (user, name, expires_in),
                None => (
                    user.as_ref()
                        .context("name the account: livebrief token create USER (or token list, token revoke ID)")?,
                    name,
                    expires_in,
                ),
            };
            let (u, _) = app
                .store()
                .user_by_name(user)
                .await?
                .with_context(|| format!("no user {user}"))?;
            let (token, t) = app.issue_api_token(u.id, name, *expires_in).await?;
            println!("{token}");
            if let Some(e) = t.expires_at {
                eprintln!("token {} for {}, expires {e}", t.id, t.user_name);
            }
            Ok(())
        }
        Command::Briefing {
            slug,
            title,
            summary,
            language,
        } => {
            let config = load_config(&cli, None)?;
            let _lock = lock_data_dir(&config)?;
            let app = app_for(&config).await?;
            // The CLI acts as the instance's operator.
            let operator = livebrief_model::Actor {
                id: livebrief_model::UserId(0),
                name: "cli".into(),
                role: Role::Admin,
            };
            let b = app
                .create_briefing(
                    &operator,
                    BriefingDraft {
                        slug: slug.clone(),
                        title: title.clone(),
                        summary: summary.clone(),
                        language: language.clone(),
                    },
                )
                .await?;
            println!("created /b/{}", b.slug);
            Ok(())
        }
        Command::Extract {
            file,
            url,
            charset,
            json,
            batch,
            out,
            urls,
        } => match (batch, out) {
            (Some(dir), Some(out)) => extract_cmd::batch(dir, out, urls.as_deref()),
            _ => extract_cmd::single(
                file.as_deref().unwrap_or(Path::new("-")),
                url.as_deref(),
                charset.as_deref(),
                *json,
            ),
        },
        Command::EvalExtraction {
            truth,
            predictions,
            per_page,
        } => extract_cmd::evaluate(truth, predictions, *per_page),
        Command::EvalQuotes { set, limit } => read_cmd::evaluate(set, *limit),
        Command::Read {
            file,
            published,
            url,
            html,
            json,
            topics,
        } => read_cmd::run(file, published, url.as_deref(), *html, *json, topics.as_deref()),
        Command::Map {
            command: MapCli::Files(command),
        } => map_cmd::run(command),
        Command::Map {
            command: MapCli::Import(args),
        } => {
            let config = load_config(&cli, None)?;
            map_import_cmd::run(app_for(&config).await?, args).await
        }
        Command::Topics => {
            print!("{}", livebrief_nlp::format_topics(&livebrief_nlp::default_topics()));
            Ok(())
        }
        Command::Source { command } => {
            let config = load_config(&cli, None)?;
            let ingest = ingest_cmd::ingest_for(app_for(&config).await?, &config)?;
            match command {
                SourceCommand::Add {
                    url,
                    briefing,
                    kind,
                    title,
                    language,
                    trust_note,
                    interval,
                } => {
                    ingest_cmd::add(
                        &ingest,
                        ingest_cmd::AddArgs {
                            url,
                            briefing: briefing.as_deref(),
                            kind: kind.as_deref(),
                            title: title.as_deref(),
                            language: language.as_deref(),
                            trust_note: trust_note.as_deref(),
                            interval: *interval,
                        },
                    )
                    .await
                }
                SourceCommand::List { briefing } => ingest_cmd::list(&ingest, briefing.as_deref()).await,
                SourceCommand::Import { file, briefing } => {
                    ingest_cmd::import(&ingest, file, briefing.as_deref()).await
                }
                SourceCommand::Export { briefing } => ingest_cmd::export(&ingest, briefing.as_deref()).await,
            }
        }
        Command::Poll {
            once,
            briefing,
            sources_only,
        } => {
            if !once {
                bail!("the server polls on its own (`livebrief serve`); use `livebrief poll --once` to poll now");
            }
            let config = load_config(&cli, None)?;
            let _lock = lock_data_dir(&config)?;
            let ingest = ingest_cmd::ingest_for(app_for(&config).await?, &config)?;
            ingest_cmd::poll_once(&ingest, briefing.as_deref(), *sources_only).await
        }
        Command::Group { file } => ingest_cmd::group(file),
        Command::Migrate {
            from,
            to,
            replace,
            check,
        } => migrate_cmd::run(from, to, *replace, *check).await,
        Command::Config => {
            let c = load_config(&cli, None)?;
            println!("listen = {:?}", c.listen.to_string());
            println!("data_dir = {:?}", c.data_dir.display().to_string());
            if let Some(u) = &c.database_url {
                println!("database_url = {:?}", livebrief_server::config::redact_url(u));
            }
            println!("base_url = {:?}", c.base_url.as_str());
            println!("log_format = {:?}", format!("{:?}", c.log_format).to_lowercase());
            println!("log_level = {:?}", c.log_level);
            println!("cookie_secure = {}", c.cookie_secure);
            println!("max_body_bytes = {}", c.max_body_bytes);
            println!("sse_heartbeat_secs = {}", c.sse_heartbeat_secs);
            println!("login_max_failures = {}", c.login_max_failures);
            println!("login_window_secs = {}", c.login_window_secs);
            println!(
                "trusted_proxies = {:?}",
                c.trusted_proxies.iter().map(|n| n.to_string()).collect::<Vec<_>>()
            );
            println!("page_size = {}", c.page_size);
            println!("ingest = {}", c.ingest);
            println!("ingest_workers = {}", c.ingest_workers);
            println!("ingest_lease_secs = {}", c.ingest_lease_secs);
            println!("user_agent = {:?}", c.fetch.user_agent);
            println!("fetch_guard = {}", c.fetch.guard);
            println!("fetch_allow = {:?}", c.fetch.allow.join(", "));
            println!("fetch_timeout_secs = {}", c.fetch.timeout_secs);
            println!("fetch_connect_timeout_secs = {}", c.fetch.connect_timeout_secs);
            println!("fetch_max_body_bytes = {}", c.fetch.max_body_bytes);
            println!("fetch_per_origin = {}", c.fetch.per_origin);
            println!("fetch_politeness_ms = {}", c.fetch.politeness_ms);
            println!("fetch_concurrency = {}", c.fetch.concurrency);
            println!("header_timeout_secs = {}", c.header_timeout_secs);
            println!("body_timeout_secs = {}", c.body_timeout_secs);
            println!("idle_timeout_secs = {}", c.idle_timeout_secs);
            println!("send_timeout_secs = {}", c.send_timeout_secs);
            println!("shutdown_grace_secs = {}", c.shutdown_grace_secs);
            println!("max_connections = {}", c.max_connections);
            println!("max_streams_per_client = {}", c.max_streams_per_client);
            println!("max_streams = {}", c.max_streams);
            Ok(())
        }
    }
}

async fn serve(mut config: Config, demo: bool) -> anyhow::Result<()> {
    livebrief_server::init_logging(&config);
    let _lock = lock_data_dir(&config)?;
    let store = open_store(&config).await?;
    if demo {
        demo::seed(store.clone()).await.context("adding the demo briefing")?;
    }
    // The demo's outlets run on 127.0.0.1: the guard lets exactly their port through.
    let demo_outlets = if demo {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").context("reserving a port for the demo outlets")?;
        let port = listener.local_addr()?.port();
        drop(listener);
        config.fetch.allow.push(format!("127.0.0.1:{port}"));
        Some(port)
    } else {
        None
    };
    let app = App::new(store.clone(), Arc::new(SystemClock)).await?;
    let shutdown = CancellationToken::new();
    let state = AppState::new(app, config.clone(), shutdown.clone()).await?;
    let _outlets = match demo_outlets {
        Some(port) => Some(
            demo::outlets(&state.ingest, port)
                .await
                .context("starting the demo outlets")?,
        ),
        None => None,
    };
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("listening on {}", config.listen))?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, data_dir = %config.data_dir.display(), "livebrief is serving");
    println!("livebrief is serving on http://{addr}/");

    tokio::spawn(wait_for_signal(shutdown.clone()));
    let sweeper_store = store.clone();
    let sweeper_stop = shutdown.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tokio::select! {
                _ = sweeper_stop.cancelled() => break,
                _ = every.tick() => {
                    if let Err(e) = sweeper_store.delete_expired_sessions(jiff::Timestamp::now()).await {
                        tracing::warn!(error = %e, "removing expired sessions");
                    }
                }
            }
        }
    });
    livebrief_server::serve(state, listener).await.context("serving")?;
    tracing::info!("stopped");
    Ok(())
}

async fn list_tokens(app: &App, user: Option<&str>) -> anyhow::Result<()> {
    let owner = match user {
        Some(name) => Some(
            app.store()
                .user_by_name(name)
                .await?
                .with_context(|| format!("no user {name}"))?
                .0
                .id,
        ),
        None => None,
    };
    let now = app.now();
    let day = |t: jiff::Timestamp| t.strftime("%Y-%m-%d %H:%M").to_string();
    println!("id\tuser\tname\tprefix\tcreated\tlast_used\texpires\tstate");
    for t in app.store().list_api_tokens(owner).await? {
        println!(
            "{}\t{}\t{}\t{}…\t{}\t{}\t{}\t{}",
            t.id,
            t.user_name,
            t.name.replace(['\t', '\n', '\r'], " "),
            t.prefix,
            day(t.created_at),
            t.last_used_at.map(day).unwrap_or_else(|| "never".into()),
            t.expires_at.map(day).unwrap_or_else(|| "never".into()),
            t.state(now),
        );
    }
    Ok(())
}

async fn wait_for_signal(shutdown: CancellationToken) {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                let _ = ctrl_c.await;
                shutdown.cancel();
                return;
            }
        };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
    tracing::info!("shutting down: finishing requests, closing live streams");
    shutdown.cancel();
}
