use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use bytes::Bytes;
use http_body_util::BodyExt;
use livebrief_app::{App, ManualClock};
use livebrief_model::{Role, Timestamp};
use livebrief_server::{AppState, Config, Site};
use livebrief_store::SqliteStore;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

pub const PASSWORD: &str = "correct horse battery staple";

pub struct TestApp {
    pub state: AppState,
    pub router: Site,
    pub clock: Arc<ManualClock>,
    pub shutdown: CancellationToken,
    pub _dir: tempfile::TempDir,
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Resp {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
    pub fn code(&self) -> String {
        self.json()["error"]["code"].as_str().unwrap_or_default().to_string()
    }
    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    }
}

pub fn config_for(dir: &std::path::Path) -> Config {
    Config {
        data_dir: dir.to_path_buf(),
        base_url: "https://briefs.example.org/".parse().expect("url"),
        max_body_bytes: 256 * 1024,
        sse_heartbeat_secs: 1,
        page_size: 5,
        // No background polling in page and API tests: a test that wants the loop drives it.
        ingest: false,
        ..Config::default()
    }
}

impl TestApp {
    pub async fn new() -> TestApp {
        Self::with_config(|_| {}).await
    }

    pub async fn with_config(tweak: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut config = config_for(dir.path());
        tweak(&mut config);
        let store = Arc::new(SqliteStore::open(&dir.path().join("livebrief.db")).expect("open store"));
        Self::build(dir, config, store).await
    }

    /// An instance whose fetcher is `fetcher` (built on stub seams: `Fetcher::with_seams`).
    pub async fn with_fetcher(fetcher: livebrief_fetch::Fetcher) -> TestApp {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = config_for(dir.path());
        let store = Arc::new(SqliteStore::open(&dir.path().join("livebrief.db")).expect("open store"));
        Self::build_with(dir, config, store, Some(fetcher)).await
    }

    /// An instance on a given store (several instances may share one PostgreSQL database).
    pub async fn on_store(store: Arc<dyn livebrief_store::Store>) -> TestApp {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = config_for(dir.path());
        Self::build(dir, config, store).await
    }

    async fn build(dir: tempfile::TempDir, config: Config, store: Arc<dyn livebrief_store::Store>) -> TestApp {
        Self::build_with(dir, config, store, None).await
    }

    async fn build_with(
        dir: tempfile::TempDir,
        config: Config,
        store: Arc<dyn livebrief_store::Store>,
        fetcher: Option<livebrief_fetch::Fetcher>,
    ) -> TestApp {
        let clock = Arc::new(ManualClock::new(
            "2025-03-13T09:00:00Z".parse::<Timestamp>().expect("ts"),
        ));
        let app = App::new(store, clock.clone()).await.expect("app");
        let shutdown = CancellationToken::new();
        let state = match fetcher {
            Some(f) => AppState::with_fetcher(app, config, shutdown.clone(), f).await,
            None => AppState::new(app, config, shutdown.clone()).await,
        }
        .expect("state");
        let router = livebrief_server::router(state.clone());
        TestApp {
            state,
            router,
            clock,
            shutdown,
            _dir: dir,
        }
    }

    pub fn tick(&self, secs: u64) {
        self.clock.advance(std::time::Duration::from_secs(secs));
    }

    pub async fn send(&self, req: Request<Body>) -> Resp {
        let resp = self.router.clone().oneshot(req).await.expect("infallible");
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp.into_body().collect().await.expect("body").to_bytes();
        Resp { status, headers, body }
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.send(Request::get(path).body(Body::empty()).expect("req")).await
    }

    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Resp {
        let mut b = Request::get(path);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        self.send(b.body(Body::empty()).expect("req")).await
    }

    pub async fn api(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Resp {
        let mut b = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let body = match body {
            Some(v) => {
                b = b.header(header::CONTENT_TYPE, "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        self.send(b.body(body).expect("req")).await
    }

    /// A user with an API token.
    pub async fn user(&self, name: &str, role: Role) -> String {
        let u = self.state.app.create_user(name, role, PASSWORD).await.expect("user");
        self.state.app.create_api_token(u.id, "test").await.expect("token")
    }

    /// An editor token and a briefing `war`.
    pub async fn with_briefing(&self) -> String {
        let t = self.user("eda", Role::Editor).await;
        let r = self
            .api(
                Method::POST,
                "/api/v1/briefings",
                Some(&t),
                Some(json!({"slug": "war", "title": "War in Ukraine", "summary": "Latest."})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        t
    }

    pub async fn publish(&self, token: &str, headline: &str, extra: Value) -> Value {
        let mut body = json!({"headline": headline, "body": format!("{headline}: body text.")});
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                b.insert(k.clone(), v.clone());
            }
        }
        let r = self
            .api(Method::POST, "/api/v1/briefings/war/entries", Some(token), Some(body))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        self.tick(60);
        r.json()
    }

    /// Signs in through the login form; returns the Cookie header value for the session.
    pub async fn login(&self, name: &str, password: &str) -> String {
        let (pre, csrf) = self.login_form().await;
        let r = self
            .post_form(
                "/login",
                &pre,
                &[
                    ("csrf", &csrf),
                    ("name", name),
                    ("password", password),
                    ("next", "/desk"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "login failed: {}", r.text());
        let set = r.header("set-cookie");
        let session = set.split(';').next().expect("cookie").to_string();
        assert!(session.starts_with("lb_session="), "{set}");
        session
    }

    /// The pre-session cookie and the CSRF token of a fresh login form.
    pub async fn login_form(&self) -> (String, String) {
        let r = self.get("/login").await;
        assert_eq!(r.status, StatusCode::OK);
        let pre = r.header("set-cookie").split(';').next().expect("cookie").to_string();
        (pre, form_csrf(&r.text()))
    }

    /// The CSRF token of a login form fetched with an existing pre-session cookie.
    pub async fn login_form_with(&self, pre: &str) -> String {
        let r = self.get_cookie("/login", pre).await;
        assert_eq!(r.status, StatusCode::OK);
        form_csrf(&r.text())
    }

    pub async fn post_form(&self, path: &str, cookie: &str, fields: &[(&str, &str)]) -> Resp {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in fields {
            s.append_pair(k, v);
        }
        let req = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::COOKIE, cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(s.finish()))
            .expect("req");
        self.send(req).await
    }

    pub async fn get_cookie(&self, path: &str, cookie: &str) -> Resp {
        self.get_with(path, &[("cookie", cookie)]).await
    }
}

/// The value of the first `name="csrf"` hidden field in a page.
pub fn form_csrf(html: &str) -> String {
    let i = html.find("name=\"csrf\" value=\"").expect("page has a CSRF field");
    let rest = &html[i + "name=\"csrf\" value=\"".len()..];
    rest[..rest.find('"').expect("closing quote")].to_string()
}

/// A served instance: the router on a real listener on 127.0.0.1, so requests have a peer address.
pub async fn serve(t: &TestApp) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(livebrief_server::serve(t.state.clone(), listener));
    addr
}

/// POSTs a form over a real connection (HTTP/1.1, `Connection: close`), with extra headers, under a timeout.
pub async fn post_form_to(
    addr: std::net::SocketAddr,
    path: &str,
    headers: &[(&str, &str)],
    fields: &[(&str, &str)],
) -> Resp {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let body = {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in fields {
            s.append_pair(k, v);
        }
        s.finish()
    };
    let mut req = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(&body);
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
        stream.write_all(req.as_bytes()).await.expect("write");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.expect("read");
        raw
    };
    let raw = tokio::time::timeout(std::time::Duration::from_secs(60), exchange)
        .await
        .expect("an answer in time");
    parse_response(&raw)
}

/// Status, headers and body of a whole HTTP/1.1 response (chunked bodies decoded).
fn parse_response(raw: &[u8]) -> Resp {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("end of head");
    let head = String::from_utf8_lossy(&raw[..end]);
    let mut lines = head.split("\r\n");
    let status_line = lines.next().expect("status line");
    let code: u16 = status_line
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .expect("status code");
    let mut headers = HeaderMap::new();
    for line in lines {
        if let Some((k, v)) = line.split_once(':') {
            let name = axum::http::HeaderName::from_bytes(k.trim().as_bytes()).expect("header name");
            headers.append(name, v.trim().parse().expect("header value"));
        }
    }
    let mut body = raw[end + 4..].to_vec();
    let chunked = headers
        .get(header::TRANSFER_ENCODING)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"chunked"));
    if chunked {
        let (mut rest, mut out) = (&body[..], Vec::new());
        while let Some(i) = rest.windows(2).position(|w| w == b"\r\n") {
            let size = usize::from_str_radix(String::from_utf8_lossy(&rest[..i]).trim(), 16).expect("chunk size");
            if size == 0 {
                break;
            }
            out.extend_from_slice(&rest[i + 2..i + 2 + size]);
            rest = &rest[i + 2 + size + 2..];
        }
        body = out;
    }
    Resp {
        status: StatusCode::from_u16(code).expect("status"),
        headers,
        body: Bytes::from(body),
    }
}

/// What of a desk or reader page could carry outside text, ready for `find_active_content`: the `<main>`
/// part (the head and the site's frame are the server's own), without the server's own `<script src="/static/…">`
/// tags, and with the page's own forms kept but their form-control tags renamed (`<form` → `<x-form`,
/// `<input`, `<button`, `<textarea`), so that the checker still reads every attribute of them: a value that
/// broke out of its quotes, an event handler, a `javascript:` action or formaction is still found. Markup
/// outside the forms is left as it is.
pub fn page_for_checking(html: &str) -> String {
    let main = match (html.find("<main"), html.rfind("</main>")) {
        (Some(a), Some(b)) if a < b => &html[a..b + 7],
        _ => html,
    };
    let mut out = String::new();
    let mut rest = main;
    loop {
        let next = [("<script src=\"/static/", "</script>"), ("<form", "</form>")]
            .iter()
            .filter_map(|(open, close)| rest.find(open).map(|i| (i, *close)))
            .min_by_key(|(i, _)| *i);
        let Some((i, close)) = next else { break };
        out.push_str(&rest[..i]);
        let end = rest[i..].find(close).map_or(rest.len(), |e| e + i + close.len());
        let block = &rest[i..end];
        if close == "</form>" {
            let mut b = block.to_string();
            for tag in ["form", "input", "button", "textarea"] {
                b = b
                    .replace(&format!("<{tag}"), &format!("<x-{tag}"))
                    .replace(&format!("</{tag}"), &format!("</x-{tag}"));
            }
            out.push_str(&b);
        }
        // The server's own `<script src="/static/…">` is dropped.
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}
