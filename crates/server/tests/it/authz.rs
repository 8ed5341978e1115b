//! The authorisation matrix: every route of the router (`livebrief_server::routes()`, listed from the same
//! calls that build it) × every principal × the objects the route takes, each request sent through the
//! in-process router with what a real client sends (a session cookie and its CSRF token, or an API token),
//! and its status checked against a rule written below (`expect`), not against what the code did once.
//!
//! A route without a plan here fails the test: adding a route means deciding who may use it.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use livebrief_app::{Command, EntryInput};
use livebrief_model::{BodyFormat, Role, SourceDraft, SourceKind, Status};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::support::{PASSWORD, TestApp};

/// Who is asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    /// `cora`, signed in to the desk (a session cookie; CSRF token on every change).
    Contributor,
    Editor,
    Admin,
    /// `cora`'s API token.
    ContributorToken,
    /// `eda`'s API token.
    EditorToken,
}

const EVERYONE: [Who; 6] = [
    Who::Anonymous,
    Who::Contributor,
    Who::Editor,
    Who::Admin,
    Who::ContributorToken,
    Who::EditorToken,
];

impl Who {
    fn signed_in(self) -> bool {
        self != Who::Anonymous
    }
    /// Publishes, decides, manages sources (the editor role and above).
    fn editor(self) -> bool {
        matches!(self, Who::Editor | Who::Admin | Who::EditorToken)
    }
    /// `cora`, the contributor whose own entries are `Obj::OwnDraft` and `Obj::OwnPending`.
    fn cora(self) -> bool {
        matches!(self, Who::Contributor | Who::ContributorToken)
    }
}

/// What a route's path parameters point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Obj {
    /// The route takes no object.
    Nothing,
    /// The briefing `war`.
    Briefing,
    /// A slug no briefing has.
    NoBriefing,
    /// `cora`'s draft and pending entries in `war`.
    OwnDraft,
    OwnPending,
    /// `dave`'s (another contributor's) draft and pending entries in `war`.
    ForeignDraft,
    ForeignPending,
    /// An editor's published entry in `war`.
    Published,
    /// An editor's entry in `war`, published and then retracted.
    Retracted,
    /// A published entry of the briefing `peace`, asked for under `war` where the path names a briefing; for
    /// reports, developments and sources, one of `peace` (their routes name no briefing).
    OtherBriefing,
    /// A report `dave` (another contributor) sent in, in `war`.
    ForeignReport,
    /// An entry id that does not exist.
    NoEntry,
    /// A development, report, source, parked job, speaker or asset that exists.
    Existing,
    /// An id (or name) that does not exist.
    Missing,
}

const ENTRIES: &[Obj] = &[
    Obj::OwnDraft,
    Obj::OwnPending,
    Obj::ForeignDraft,
    Obj::ForeignPending,
    Obj::Published,
    Obj::Retracted,
    Obj::OtherBriefing,
    Obj::NoEntry,
];
const SLUGS: &[Obj] = &[Obj::Briefing, Obj::NoBriefing];
const THINGS: &[Obj] = &[Obj::Existing, Obj::Missing];
/// Developments and sources: of `war`, of `peace`, missing.
const NEWSROOM: &[Obj] = &[Obj::Existing, Obj::OtherBriefing, Obj::Missing];
/// Reports: an editor's, another contributor's (`dave`'s), one of `peace`, missing.
const REPORTS: &[Obj] = &[Obj::Existing, Obj::ForeignReport, Obj::OtherBriefing, Obj::Missing];
const NOTHING: &[Obj] = &[Obj::Nothing];

/// The status classes the rules speak in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// 2xx, or a redirect that is not to the sign-in form.
    Ok,
    /// 401, or a redirect to `/login`.
    Login,
    /// 403: the role may not do this.
    Forbidden,
    /// 404: the object does not exist for this principal.
    Hidden,
    /// 409 or 422: allowed to ask, but the object's state or the value is refused.
    Refused,
    /// `Ok` or `Refused`: allowed; the outcome depends on the value (a source address the guard refuses).
    Allowed,
    /// 403 or 404: both the role and the object test fail (a missing id asked for by a role that may not
    /// act on any); either answer tells nothing.
    Denied,
}

impl Expect {
    fn admits(self, status: StatusCode, location: &str) -> bool {
        let to_login = status.is_redirection() && location.starts_with("/login");
        let ok = (status.is_success() || status.is_redirection()) && !to_login;
        let refused = matches!(status.as_u16(), 409 | 422);
        match self {
            Expect::Ok => ok,
            Expect::Login => status == StatusCode::UNAUTHORIZED || to_login,
            Expect::Forbidden => status == StatusCode::FORBIDDEN,
            Expect::Hidden => status == StatusCode::NOT_FOUND,
            Expect::Refused => refused,
            Expect::Allowed => ok || refused,
            Expect::Denied => matches!(status.as_u16(), 403 | 404),
        }
    }
}

/// How much of an entry a principal sees (docs/security.md, "Who sees what"), written out here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sight {
    Full,
    Public,
    None,
}

fn sight(who: Who, obj: Obj) -> Sight {
    match obj {
        Obj::NoEntry => Sight::None,
        _ if who.editor() => Sight::Full,
        Obj::OwnDraft | Obj::OwnPending if who.cora() => Sight::Full,
        Obj::Published | Obj::Retracted | Obj::OtherBriefing => Sight::Public,
        _ => Sight::None,
    }
}

/// A rule for an object-less or slug route: signed-in principals only (`desk`), editors only (`editors`).
fn gate(who: Who, signed_in: bool, editors: bool, then: Expect) -> Expect {
    if signed_in && !who.signed_in() {
        Expect::Login
    } else if editors && !who.editor() {
        Expect::Forbidden
    } else {
        then
    }
}

/// `then` for the briefing, 404 for a slug no briefing has (after the sign-in and role checks).
fn on_slug(who: Who, obj: Obj, signed_in: bool, editors: bool, then: Expect) -> Expect {
    let found = if obj == Obj::NoBriefing { Expect::Hidden } else { then };
    match gate(who, signed_in, editors, found) {
        // A role that may not act, on a briefing that does not exist: either answer.
        Expect::Forbidden if obj == Obj::NoBriefing => Expect::Denied,
        e => e,
    }
}

/// An id-taking desk or API route on developments, reports, sources, jobs or speakers.
fn on_thing(who: Who, obj: Obj, editors: bool, then: Expect) -> Expect {
    if !who.signed_in() {
        Expect::Login
    } else if editors && !who.editor() {
        if obj == Obj::Missing {
            Expect::Denied
        } else {
            Expect::Forbidden
        }
    } else if obj == Obj::Missing {
        Expect::Hidden
    } else {
        then
    }
}

/// What an entry command does to an object a principal may see at all (the model's rules).
fn command(who: Who, obj: Obj, action: &str) -> Expect {
    let status = match obj {
        Obj::OwnDraft | Obj::ForeignDraft => Status::Draft,
        Obj::OwnPending | Obj::ForeignPending => Status::Pending,
        Obj::Retracted => Status::Retracted,
        _ => Status::Published,
    };
    let own = who.cora() && matches!(obj, Obj::OwnDraft | Obj::OwnPending);
    let state_ok = |ok: bool| if ok { Expect::Ok } else { Expect::Refused };
    match action {
        "edit" => {
            if status == Status::Retracted && who.editor() {
                Expect::Refused
            } else if who.editor() || (own && status != Status::Published) {
                Expect::Ok
            } else {
                Expect::Forbidden
            }
        }
        // Only a draft can be submitted, by its author or an editor.
        "submit" => match (status == Status::Draft, who.editor() || own) {
            (false, _) => Expect::Refused,
            (true, true) => Expect::Ok,
            (true, false) => Expect::Forbidden,
        },
        _ if !who.editor() => Expect::Forbidden,
        "publish" => state_ok(matches!(status, Status::Draft | Status::Pending)),
        "approve" => state_ok(status == Status::Pending),
        "pin" => state_ok(status != Status::Retracted),
        // No fixture is pinned or a key event, so undoing either is a conflict.
        "unpin" | "unkey" => Expect::Refused,
        "key" => Expect::Ok,
        "retract" => state_ok(status == Status::Published),
        other => panic!("no rule for the entry command {other:?}"),
    }
}

/// A development decision: across briefings refused, else done.
fn across(action: &str) -> Expect {
    if action.ends_with("-across") {
        Expect::Refused
    } else {
        Expect::Ok
    }
}

/// The rule for an entry-taking route.
fn on_entry(who: Who, obj: Obj, signed_in: bool, then: impl FnOnce(Sight) -> Expect) -> Expect {
    if signed_in && !who.signed_in() {
        return Expect::Login;
    }
    match sight(who, obj) {
        Sight::None => Expect::Hidden,
        s => then(s),
    }
}

/// One route's plan: the objects it takes, the values of its `{action}` (or `""`), and its rule.
struct Plan {
    objects: &'static [Obj],
    variants: &'static [&'static str],
    rule: fn(Who, Obj, &str) -> Expect,
}

fn plan(method: &Method, path: &str) -> Option<Plan> {
    let p = |objects: &'static [Obj], rule: fn(Who, Obj, &str) -> Expect| {
        Some(Plan {
            objects,
            variants: &[""],
            rule,
        })
    };
    let v = |objects: &'static [Obj], variants: &'static [&'static str], rule: fn(Who, Obj, &str) -> Expect| {
        Some(Plan {
            objects,
            variants,
            rule,
        })
    };
    const ENTRY_ACTIONS: &[&str] = &[
        "publish", "approve", "submit", "pin", "unpin", "key", "unkey", "retract",
    ];
    match (method.as_str(), path) {
        // Reader pages, feeds, the live stream, assets and operations: anyone. (`/metrics` answers the
        // metrics networks and admins; in-process requests have no address and count as local, so its
        // rule is checked over addresses in `hardening::metrics_are_for_the_metrics_networks_and_admins`.)
        ("GET", "/" | "/favicon.ico" | "/login" | "/healthz" | "/readyz" | "/metrics") => {
            p(NOTHING, |_, _, _| Expect::Ok)
        }
        ("GET", "/static/{name}") => p(
            THINGS,
            |_, o, _| if o == Obj::Existing { Expect::Ok } else { Expect::Hidden },
        ),
        (
            "GET",
            "/b/{slug}"
            | "/b/{slug}/events"
            | "/b/{slug}/feed.atom"
            | "/b/{slug}/feed.json"
            | "/b/{slug}/quotes"
            | "/b/{slug}/map",
        ) => p(SLUGS, |w, o, _| on_slug(w, o, false, false, Expect::Ok)),
        // Maps are public to read (the layer fixture: `occupied` on two dates of `war`); editors import.
        (
            "GET",
            "/api/v1/briefings/{slug}/map/layers"
            | "/api/v1/briefings/{slug}/map/layers/{layer}/{date}"
            | "/api/v1/briefings/{slug}/map/layers/{layer}/change"
            | "/api/v1/briefings/{slug}/map/layers/{layer}/series",
        ) => p(SLUGS, |w, o, _| on_slug(w, o, false, false, Expect::Ok)),
        ("POST", "/api/v1/briefings/{slug}/map/layers/{layer}/{date}") => {
            p(SLUGS, |w, o, _| on_slug(w, o, true, true, Expect::Ok))
        }
        ("GET", "/desk/b/{slug}/map") => p(SLUGS, |w, o, _| on_slug(w, o, true, false, Expect::Ok)),
        ("POST", "/desk/b/{slug}/map") => p(SLUGS, |w, o, _| on_slug(w, o, true, true, Expect::Ok)),
        // A permalink is a reader's page: published and retracted entries of this briefing only, for
        // everyone (the desk has its own pages).
        ("GET", "/b/{slug}/e/{id}") => p(ENTRIES, |_, o, _| match o {
            Obj::Published | Obj::Retracted => Expect::Ok,
            _ => Expect::Hidden,
        }),
        ("GET", "/b/{slug}/quotes/{id}" | "/b/{slug}/quotes/{id}/feed.atom") => {
            p(
                THINGS,
                |_, o, _| if o == Obj::Existing { Expect::Ok } else { Expect::Hidden },
            )
        }
        // Signing in is for anyone with the form's token.
        ("POST", "/login") => p(NOTHING, |_, _, _| Expect::Ok),
        ("POST", "/logout") => p(NOTHING, |w, _, _| gate(w, true, false, Expect::Ok)),

        // The desk: signed in; editors for what only editors do.
        ("GET", "/desk" | "/desk/speakers") => p(NOTHING, |w, _, _| gate(w, true, false, Expect::Ok)),
        ("POST", "/desk/tokens") => p(NOTHING, |w, _, _| gate(w, true, false, Expect::Ok)),
        ("GET", "/desk/tokens") => p(NOTHING, |w, _, _| gate(w, true, false, Expect::Ok)),
        // A token is its owner's (the fixture is `dave`'s, who is none of the principals) and an admin's to
        // revoke; to anyone else it does not exist.
        ("POST", "/desk/tokens/{id}/revoke") | ("DELETE", "/api/v1/tokens/{id}") => p(THINGS, |w, o, _| {
            if !w.signed_in() {
                Expect::Login
            } else if o == Obj::Existing && w == Who::Admin {
                Expect::Ok
            } else {
                Expect::Hidden
            }
        }),
        ("POST", "/desk/briefings") => p(NOTHING, |w, _, _| gate(w, true, true, Expect::Ok)),
        (
            "GET",
            "/desk/b/{slug}"
            | "/desk/b/{slug}/inbox"
            | "/desk/b/{slug}/events"
            | "/desk/b/{slug}/sources"
            | "/desk/b/{slug}/sources.opml",
        ) => p(SLUGS, |w, o, _| on_slug(w, o, true, false, Expect::Ok)),
        // Contributors write entries (theirs wait for review).
        ("POST", "/desk/b/{slug}/entries") => p(SLUGS, |w, o, _| on_slug(w, o, true, false, Expect::Ok)),
        // The guard refuses the test's address (127.0.0.1), so an editor's request is allowed but refused.
        ("POST", "/desk/b/{slug}/sources" | "/desk/b/{slug}/sources/import") => {
            p(SLUGS, |w, o, _| on_slug(w, o, true, true, Expect::Allowed))
        }
        // Edit and revision pages: for who sees the entry in full; someone else's public entry is
        // forbidden, an entry they may not see is not found.
        ("GET", "/desk/e/{id}/edit" | "/desk/e/{id}/revisions") => p(ENTRIES, |w, o, _| {
            on_entry(w, o, true, |s| {
                if s == Sight::Full {
                    Expect::Ok
                } else {
                    Expect::Forbidden
                }
            })
        }),
        ("POST", "/desk/e/{id}/edit") => p(ENTRIES, |w, o, _| {
            on_entry(w, o, true, |s| {
                if s == Sight::Full {
                    command(w, o, "edit")
                } else {
                    Expect::Forbidden
                }
            })
        }),
        ("POST", "/desk/e/{id}/{action}") => v(ENTRIES, ENTRY_ACTIONS, |w, o, a| {
            on_entry(w, o, true, |_| command(w, o, a))
        }),
        // Developments and sources have no briefing in their paths: one of another briefing is reached by its
        // id like any other (every desk role works on every briefing).
        ("GET", "/desk/d/{id}" | "/desk/d/{id}/row") => p(NEWSROOM, |w, o, _| on_thing(w, o, false, Expect::Ok)),
        // Dismissing and merging a development are an editor's decisions; a merge into a development of
        // another briefing is refused ("merge-across").
        ("POST", "/desk/d/{id}/{action}") => v(NEWSROOM, &["dismiss", "merge-across"], |w, o, a| {
            on_thing(w, o, true, across(a))
        }),
        ("POST", "/desk/sources/{id}/{action}") => {
            v(NEWSROOM, &["disable"], |w, o, _| on_thing(w, o, true, Expect::Ok))
        }
        ("POST", "/desk/jobs/{id}/retry") => p(THINGS, |w, o, _| on_thing(w, o, true, Expect::Ok)),
        ("POST", "/desk/speakers/{id}/{action}") => v(THINGS, &["rename"], |w, o, _| on_thing(w, o, true, Expect::Ok)),

        // The API: reads of public things are public; everything else needs a token or a session.
        ("GET", "/api/v1/openapi.json" | "/api/v1/briefings") => p(NOTHING, |_, _, _| Expect::Ok),
        (
            "GET",
            "/api/v1/briefings/{slug}"
            | "/api/v1/briefings/{slug}/events"
            | "/api/v1/briefings/{slug}/quotes"
            | "/api/v1/briefings/{slug}/speakers",
        ) => p(SLUGS, |w, o, _| on_slug(w, o, false, false, Expect::Ok)),
        // The list is public; `?status=` other than public needs a principal (variant "status").
        ("GET", "/api/v1/briefings/{slug}/entries") => v(SLUGS, &["", "status"], |w, o, a| {
            on_slug(w, o, a == "status", false, Expect::Ok)
        }),
        ("GET", "/api/v1/speakers/{id}") => p(
            THINGS,
            |_, o, _| if o == Obj::Existing { Expect::Ok } else { Expect::Hidden },
        ),
        ("GET", "/api/v1/me") => p(NOTHING, |w, _, _| gate(w, true, false, Expect::Ok)),
        ("POST", "/api/v1/tokens") => p(NOTHING, |w, _, _| gate(w, true, false, Expect::Ok)),
        ("GET", "/api/v1/tokens") => p(NOTHING, |w, _, _| gate(w, true, false, Expect::Ok)),
        ("POST", "/api/v1/briefings") => p(NOTHING, |w, _, _| gate(w, true, true, Expect::Ok)),
        ("PATCH", "/api/v1/briefings/{slug}") | ("PUT", "/api/v1/briefings/{slug}/topics") => {
            p(SLUGS, |w, o, _| on_slug(w, o, true, true, Expect::Ok))
        }
        // The topic definitions (the words behind each topic) are the desk's.
        (
            "GET",
            "/api/v1/briefings/{slug}/topics"
            | "/api/v1/briefings/{slug}/reports"
            | "/api/v1/briefings/{slug}/developments"
            | "/api/v1/briefings/{slug}/sources"
            | "/api/v1/briefings/{slug}/sources/opml"
            | "/api/v1/briefings/{slug}/jobs",
        ) => p(SLUGS, |w, o, _| on_slug(w, o, true, false, Expect::Ok)),
        ("POST", "/api/v1/briefings/{slug}/entries") => p(SLUGS, |w, o, _| on_slug(w, o, true, false, Expect::Ok)),
        // Anyone signed in sends reports in; sending the address of another contributor's report again
        // ("foreign-url": `dave`'s) replaces it only for an editor, and is a conflict for a contributor.
        ("POST", "/api/v1/briefings/{slug}/reports") => v(SLUGS, &["", "foreign-url"], |w, o, a| {
            let then = if a == "foreign-url" && !w.editor() {
                Expect::Refused
            } else {
                Expect::Ok
            };
            on_slug(w, o, true, false, then)
        }),
        ("POST", "/api/v1/briefings/{slug}/sources" | "/api/v1/briefings/{slug}/sources/opml") => {
            p(SLUGS, |w, o, _| on_slug(w, o, true, true, Expect::Allowed))
        }
        ("GET", "/api/v1/entries/{id}" | "/api/v1/entries/{id}/revisions") => {
            p(ENTRIES, |w, o, _| on_entry(w, o, false, |_| Expect::Ok))
        }
        ("PATCH", "/api/v1/entries/{id}") => p(ENTRIES, |w, o, _| on_entry(w, o, true, |_| command(w, o, "edit"))),
        ("POST", "/api/v1/entries/{id}/publish") => {
            p(ENTRIES, |w, o, _| on_entry(w, o, true, |_| command(w, o, "publish")))
        }
        ("POST", "/api/v1/entries/{id}/approve") => {
            p(ENTRIES, |w, o, _| on_entry(w, o, true, |_| command(w, o, "approve")))
        }
        ("POST", "/api/v1/entries/{id}/submit") => {
            p(ENTRIES, |w, o, _| on_entry(w, o, true, |_| command(w, o, "submit")))
        }
        ("POST", "/api/v1/entries/{id}/pin") => p(ENTRIES, |w, o, _| on_entry(w, o, true, |_| command(w, o, "pin"))),
        ("POST", "/api/v1/entries/{id}/key-event") => {
            p(ENTRIES, |w, o, _| on_entry(w, o, true, |_| command(w, o, "key")))
        }
        ("POST", "/api/v1/entries/{id}/retract") => {
            p(ENTRIES, |w, o, _| on_entry(w, o, true, |_| command(w, o, "retract")))
        }
        // Reports are the desk's to read, whoever sent them in and whatever their briefing.
        ("GET", "/api/v1/reports/{id}") => p(REPORTS, |w, o, _| on_thing(w, o, false, Expect::Ok)),
        ("GET", "/api/v1/developments/{id}") => p(NEWSROOM, |w, o, _| on_thing(w, o, false, Expect::Ok)),
        // Decisions are editors'; merging into, or moving a report to, a development of another briefing is
        // refused.
        ("POST", "/api/v1/developments/{id}/decisions") => {
            v(NEWSROOM, &["dismiss", "merge-across", "move-across"], |w, o, a| {
                on_thing(w, o, true, across(a))
            })
        }
        ("PATCH" | "DELETE", "/api/v1/sources/{id}") => p(NEWSROOM, |w, o, _| on_thing(w, o, true, Expect::Ok)),
        ("POST", "/api/v1/jobs/{id}/retry") => p(THINGS, |w, o, _| on_thing(w, o, true, Expect::Ok)),
        _ => None,
    }
}

/// The test's world: users, their credentials, and fixtures made on demand.
struct World {
    t: TestApp,
    /// Session cookies (`lb_session=…`) and their raw tokens, by principal.
    sessions: Vec<(Who, String)>,
    tokens: Vec<(Who, String)>,
    /// Read-only fixtures, made once: entry ids by kind, a report, a development, a source.
    shared: Vec<(Obj, i64)>,
    shared_report: i64,
    shared_dev: i64,
    shared_source: i64,
    /// `dave`'s report in `war` (and its address), and a report, development and source of `peace`.
    foreign_report: (i64, String),
    other_report: i64,
    other_dev: i64,
    other_source: i64,
    /// The report of the development made last by `development` (for "move-across").
    last_dev_report: i64,
    /// A speaker with a published quote (from an approved development).
    speaker: i64,
    serial: u32,
    actors: Vec<livebrief_model::Actor>,
}

impl World {
    async fn new() -> World {
        let t = TestApp::new().await;
        let eda = t.user("eda", Role::Editor).await;
        let cora = t.user("cora", Role::Contributor).await;
        t.user("ada", Role::Admin).await;
        let dave = t.user("dave", Role::Contributor).await;
        for (slug, title) in [("war", "War"), ("peace", "Peace")] {
            let r = t
                .api(
                    Method::POST,
                    "/api/v1/briefings",
                    Some(&eda),
                    Some(json!({"slug": slug, "title": title})),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        }
        let mut sessions = Vec::new();
        for (who, name) in [(Who::Contributor, "cora"), (Who::Editor, "eda"), (Who::Admin, "ada")] {
            sessions.push((who, t.login(name, PASSWORD).await));
        }
        let mut w = World {
            t,
            sessions,
            tokens: vec![(Who::ContributorToken, cora), (Who::EditorToken, eda)],
            shared: Vec::new(),
            shared_report: 0,
            shared_dev: 0,
            shared_source: 0,
            foreign_report: (0, String::new()),
            other_report: 0,
            other_dev: 0,
            other_source: 0,
            last_dev_report: 0,
            speaker: 0,
            serial: 0,
            actors: Vec::new(),
        };
        w.actors =
            w.t.state
                .app
                .store()
                .list_users()
                .await
                .expect("users")
                .iter()
                .map(|u| u.actor())
                .collect();
        for obj in ENTRIES {
            let id = w.entry(*obj).await;
            w.shared.push((*obj, id));
        }
        (w.shared_report, w.shared_dev) = w.development().await;
        w.shared_source = w.source().await;
        (w.other_report, w.other_dev) = w.development_in("peace").await;
        w.other_source = w.source_in("peace").await;
        let n = w.next();
        let url = format!("https://example.org/dave{n}");
        let r =
            w.t.api(
                Method::POST,
                "/api/v1/briefings/war/reports",
                Some(&dave),
                Some(json!({"text": format!("Report {n}: the governor said the school reopened."), "url": url})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        w.foreign_report = (r.json()["id"].as_i64().expect("id"), url);
        w.speaker = w.speaker().await;
        // The map fixture: `occupied` on two dates of `war`.
        let tok = w.token(Who::EditorToken).to_string();
        for (date, n) in [("2025-03-01", 1), ("2025-03-02", 7)] {
            let r =
                w.t.api(
                    Method::POST,
                    &format!("/api/v1/briefings/war/map/layers/occupied/{date}"),
                    Some(&tok),
                    Some(square(n)),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        }
        w
    }

    /// A development with a quote, approved by an editor: its speaker.
    async fn speaker(&mut self) -> i64 {
        let tok = self.token(Who::EditorToken).to_string();
        let text = "“We need to understand what the American side proposes,” Kremlin spokesman Dmitry Peskov \
                    told reporters in Moscow on Wednesday.";
        let r = self
            .t
            .api(
                Method::POST,
                "/api/v1/briefings/war/reports",
                Some(&tok),
                Some(json!({"text": text, "url": "https://example.org/peskov", "source": "Wire", "published": "2025-03-13"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let dev = self.newest_development(&tok).await;
        let r = self
            .t
            .api(
                Method::POST,
                &format!("/api/v1/developments/{dev}/decisions"),
                Some(&tok),
                Some(json!({"action": "approve"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let speakers = self.t.get("/api/v1/briefings/war/speakers").await.json();
        speakers[0]["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("a speaker: {speakers}"))
    }

    fn next(&mut self) -> u32 {
        self.serial += 1;
        self.serial
    }

    /// A fresh entry of the kind.
    async fn entry(&mut self, obj: Obj) -> i64 {
        let n = self.next();
        let app = &self.t.state.app;
        let (author, slug, status) = match obj {
            Obj::OwnDraft => ("cora", "war", Status::Draft),
            Obj::OwnPending => ("cora", "war", Status::Pending),
            Obj::ForeignDraft => ("dave", "war", Status::Draft),
            Obj::ForeignPending => ("dave", "war", Status::Pending),
            Obj::Published | Obj::Retracted => ("eda", "war", Status::Published),
            Obj::OtherBriefing => ("eda", "peace", Status::Published),
            _ => return 987_654_321,
        };
        let a = self
            .actors
            .iter()
            .find(|a| a.name == author)
            .expect("the author exists")
            .clone();
        let e = app
            .create_entry(
                &a,
                slug,
                EntryInput {
                    headline: format!("Entry {n} ({obj:?})"),
                    body_format: BodyFormat::Markdown,
                    body: "Text.".into(),
                    happened_on: None,
                    topics: vec![],
                    sources: vec![],
                    pinned: false,
                    key_event: false,
                    status,
                },
            )
            .await
            .expect("entry");
        assert_eq!(e.status, status);
        if obj == Obj::Retracted {
            app.change_entry(&a, e.id, Command::Retract { note: "Wrong.".into() }, None)
                .await
                .expect("retract");
        }
        e.id.0
    }

    /// A fresh report in its own development of `war`: (report id, development id).
    async fn development(&mut self) -> (i64, i64) {
        self.development_in("war").await
    }

    /// A fresh report in its own development of `slug`: (report id, development id).
    async fn development_in(&mut self, slug: &str) -> (i64, i64) {
        let n = self.next();
        // Words of its own, so the report does not join another development.
        let text: String = (0..40).map(|i| format!("Zq{n}w{i} ")).collect::<String>() + "said the mayor.";
        let tok = self.token(Who::EditorToken).to_string();
        let r = self
            .t
            .api(
                Method::POST,
                &format!("/api/v1/briefings/{slug}/reports"),
                Some(&tok),
                Some(json!({"text": text, "url": format!("https://example.org/r{n}"), "published": "2025-03-13"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let report = r.json()["id"].as_i64().expect("id");
        let dev = self.newest_development_in(slug, &tok).await;
        self.last_dev_report = report;
        (report, dev)
    }

    /// The id of the development made last in the briefing `war`.
    async fn newest_development(&self, tok: &str) -> i64 {
        self.newest_development_in("war", tok).await
    }

    async fn newest_development_in(&self, slug: &str, tok: &str) -> i64 {
        let devs = self
            .t
            .api(
                Method::GET,
                &format!("/api/v1/briefings/{slug}/developments?limit=100"),
                Some(tok),
                None,
            )
            .await
            .json();
        devs.as_array()
            .expect("developments")
            .iter()
            .filter_map(|d| d["id"].as_i64())
            .max()
            .expect("a development")
    }

    /// A fresh parked job (a retry puts it back in the queue).
    async fn parked_job(&mut self) -> i64 {
        let source = livebrief_model::SourceId(self.source().await);
        let n = self.next();
        let b = self.t.state.app.briefing("war").expect("war").0;
        let store = self.t.state.app.store();
        let now = self.t.state.app.now();
        let item = livebrief_store::SeenItem {
            key: format!("item{n}"),
            job: Some(livebrief_model::NewJob {
                briefing_id: b.id,
                source_id: Some(source),
                url: format!("https://example.org/article{n}"),
                title: format!("Article {n}"),
                outlet: "Wire".into(),
                published: None,
                content: None,
            }),
        };
        store.add_items(source, vec![item], 10, now).await.expect("items");
        let jobs = store
            .claim_jobs(now, now + std::time::Duration::from_secs(60), 10)
            .await
            .expect("claim");
        // Jobs retried by earlier cases are claimed too; they stay running, which changes nothing here.
        let job = jobs
            .iter()
            .find(|j| j.item.url == format!("https://example.org/article{n}"))
            .expect("this job is claimed");
        store
            .fail_job(job, "gone", livebrief_model::Retry::Park, now)
            .await
            .expect("park");
        job.id.0
    }

    async fn source(&mut self) -> i64 {
        self.source_in("war").await
    }

    async fn source_in(&mut self, slug: &str) -> i64 {
        let n = self.next();
        let b = self.t.state.app.briefing(slug).expect("briefing").0;
        self.t
            .state
            .app
            .store()
            .create_source(
                &SourceDraft {
                    briefing_id: b.id,
                    kind: SourceKind::Feed,
                    url: format!("https://example.org/feed{n}.xml"),
                    title: format!("Feed {n}"),
                    language: None,
                    trust_note: String::new(),
                    poll_interval_secs: 300,
                    enabled: true,
                },
                self.t.state.app.now(),
            )
            .await
            .expect("source")
            .id
            .0
    }

    fn token(&self, who: Who) -> &str {
        &self.tokens.iter().find(|(w, _)| *w == who).expect("token").1
    }

    fn session(&self, who: Who) -> &str {
        &self.sessions.iter().find(|(w, _)| *w == who).expect("session").1
    }

    /// The id the object has for this route (fresh for a change, shared for a read).
    async fn id_of(&mut self, path: &str, obj: Obj, fresh: bool) -> String {
        if obj == Obj::Missing {
            return "987654321".into();
        }
        if path.starts_with("/static/") {
            return if obj == Obj::Existing { "app.css" } else { "nope.css" }.into();
        }
        let id = if path.contains("/entries/{id}") || path.contains("/e/{id}") {
            match self.shared.iter().find(|(o, _)| *o == obj) {
                Some((_, id)) if !fresh => *id,
                _ => self.entry(obj).await,
            }
        } else if path.contains("/reports/{id}") {
            match obj {
                Obj::ForeignReport => self.foreign_report.0,
                Obj::OtherBriefing => self.other_report,
                _ => self.shared_report,
            }
        } else if path.contains("/d/{id}") || path.contains("/developments/{id}") {
            let slug = if obj == Obj::OtherBriefing { "peace" } else { "war" };
            match (fresh, obj) {
                (true, _) => self.development_in(slug).await.1,
                (false, Obj::OtherBriefing) => self.other_dev,
                (false, _) => self.shared_dev,
            }
        } else if path.contains("/jobs/{id}") {
            self.parked_job().await
        } else if path.contains("/quotes/{id}") || path.contains("/speakers/{id}") {
            self.speaker
        } else if path.contains("/sources/{id}") {
            let slug = if obj == Obj::OtherBriefing { "peace" } else { "war" };
            match (fresh, obj) {
                (true, _) => self.source_in(slug).await,
                (false, Obj::OtherBriefing) => self.other_source,
                (false, _) => self.shared_source,
            }
        } else if path.contains("/tokens/{id}") {
            // A token of `dave`, who is none of the principals.
            let (dave, _) = self
                .t
                .state
                .app
                .store()
                .user_by_name("dave")
                .await
                .expect("read")
                .expect("dave");
            self.t
                .state
                .app
                .issue_api_token(dave.id, "fixture", None)
                .await
                .expect("token")
                .1
                .id
        } else {
            panic!("no fixture for {path} {obj:?}")
        };
        id.to_string()
    }

    /// The request a real client of this principal would send.
    async fn request(&mut self, method: &Method, path: &str, who: Who, obj: Obj, variant: &str) -> Request<Body> {
        let fresh = *method != Method::GET;
        let mut concrete = path.replace("{action}", variant.strip_suffix("-across").unwrap_or(variant));
        if concrete.contains("{slug}") {
            let slug = if obj == Obj::NoBriefing { "no-such" } else { "war" };
            concrete = concrete.replace("{slug}", slug);
        }
        concrete = concrete.replace("{layer}", "occupied").replace("{date}", "2025-03-02");
        for param in ["{id}", "{name}"] {
            if concrete.contains(param) {
                let id = self.id_of(path, obj, fresh).await;
                concrete = concrete.replace(param, &id);
            }
        }
        let n = self.next();
        if path == "/api/v1/briefings/{slug}/entries" && variant == "status" {
            concrete.push_str("?status=all");
        }
        let mut b = Request::builder().method(method.clone()).uri(&concrete);
        let mut cookies = Vec::new();
        let session_token = match who {
            Who::Contributor | Who::Editor | Who::Admin => {
                let s = if path == "/logout" {
                    // Signing out ends the session: a fresh one for this request.
                    let name = match who {
                        Who::Contributor => "cora",
                        Who::Editor => "eda",
                        _ => "ada",
                    };
                    self.t.login(name, PASSWORD).await
                } else {
                    self.session(who).to_string()
                };
                cookies.push(s.clone());
                Some(s.trim_start_matches("lb_session=").to_string())
            }
            Who::ContributorToken | Who::EditorToken => {
                b = b.header(header::AUTHORIZATION, format!("Bearer {}", self.token(who)));
                None
            }
            Who::Anonymous => None,
        };
        let now = self.t.state.app.now();
        // The token a desk page shows this principal: bound to its session, or to the API token it viewed
        // the page with (never to nothing: issue 11, login CSRF).
        let csrf = match (&session_token, who) {
            (Some(s), _) => self.t.state.csrf.issue(&livebrief_app::token_hash(s), now),
            (None, Who::ContributorToken | Who::EditorToken) => self
                .t
                .state
                .csrf
                .issue(&livebrief_app::token_hash(self.token(who)), now),
            (None, _) => self.t.state.csrf.issue(&[], now),
        };
        // A development of the other briefing than the object's, for the "-across" decisions.
        let across_to = if obj == Obj::OtherBriefing {
            self.shared_dev
        } else {
            self.other_dev
        };
        if path.starts_with("/api/") {
            if session_token.is_some() && *method != Method::GET {
                b = b.header("x-csrf-token", &csrf);
            }
            let body = match (path, variant) {
                (_, "merge-across") => Some(json!({"action": "merge", "into": across_to})),
                (_, "move-across") => {
                    Some(json!({"action": "move_report", "report": self.last_dev_report, "into": across_to}))
                }
                (_, "foreign-url") => Some(json!({
                    "text": format!("Report {n}: the governor said the school reopened again."),
                    "url": self.foreign_report.1,
                })),
                _ => api_body(method, path, n),
            };
            if !cookies.is_empty() {
                b = b.header(header::COOKIE, cookies.join("; "));
            }
            return match body {
                Some(v) => b
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(v.to_string()))
                    .expect("req"),
                None => b.body(Body::empty()).expect("req"),
            };
        }
        if *method == Method::GET {
            if !cookies.is_empty() {
                b = b.header(header::COOKIE, cookies.join("; "));
            }
            return b.body(Body::empty()).expect("req");
        }
        let mut fields: Vec<(&str, String)> = vec![("csrf", csrf)];
        match path {
            "/login" => {
                let (pre, csrf) = self.t.login_form().await;
                cookies.push(pre);
                fields = vec![("csrf", csrf), ("name", "dave".into()), ("password", PASSWORD.into())];
            }
            "/desk/briefings" => {
                fields.push(("title", format!("Briefing {n}")));
                fields.push(("slug", format!("b{n}")));
                fields.push(("language", "en".into()));
            }
            "/desk/tokens" => fields.push(("name", format!("token {n}"))),
            "/desk/b/{slug}/entries" => {
                fields.push(("action", "draft".into()));
                fields.push(("headline", format!("Desk entry {n}")));
            }
            "/desk/e/{id}/edit" => {
                fields.extend([
                    ("action", "save".into()),
                    ("headline", format!("Edited {n}")),
                    ("body", "Edited text.".into()),
                    ("body_format", "markdown".into()),
                ]);
            }
            "/desk/e/{id}/{action}" => fields.push(("note", "Wrong.".into())),
            "/desk/b/{slug}/sources" => {
                fields.push(("url", "http://127.0.0.1:9/feed.xml".into()));
                fields.push(("kind", "feed".into()));
            }
            "/desk/b/{slug}/sources/import" => fields.push(("opml", OPML.into())),
            "/desk/b/{slug}/map" => {
                fields.push(("layer", "occupied".into()));
                fields.push(("date", "2025-03-02".into()));
                fields.push(("geojson", square(n).to_string()));
            }
            "/desk/d/{id}/{action}" if variant == "merge-across" => fields.push(("into_id", across_to.to_string())),
            "/desk/d/{id}/{action}" => fields.push(("reason", "Not news.".into())),
            "/desk/speakers/{id}/{action}" => fields.push(("name", format!("Someone {n}"))),
            _ => {}
        }
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &fields {
            s.append_pair(k, v);
        }
        if !cookies.is_empty() {
            b = b.header(header::COOKIE, cookies.join("; "));
        }
        b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(s.finish()))
            .expect("req")
    }
}

/// A small square layer near Robotyne, a little larger for each `n`.
fn square(n: u32) -> Value {
    let d = 0.05 + f64::from(n % 50) * 0.001;
    let (x, y) = (35.8, 47.45);
    json!({"type": "Polygon", "coordinates": [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]]})
}

const OPML: &str = r#"<opml version="2.0"><body><outline type="rss" text="Local" xmlUrl="http://127.0.0.1:9/feed.xml"/></body></opml>"#;

/// A valid body for each API change (unique where a value must be).
fn api_body(method: &Method, path: &str, n: u32) -> Option<Value> {
    Some(match (method.as_str(), path) {
        ("GET" | "DELETE", _) => return None,
        ("POST", "/api/v1/briefings") => json!({"slug": format!("api{n}"), "title": "T"}),
        ("PATCH", "/api/v1/briefings/{slug}") => json!({"summary": format!("Summary {n}")}),
        ("PUT", "/api/v1/briefings/{slug}/topics") => json!({"text": ""}),
        ("POST", "/api/v1/briefings/{slug}/entries") => json!({"headline": format!("API entry {n}")}),
        ("POST", "/api/v1/briefings/{slug}/reports") => {
            json!({"text": format!("Report {n}: the mayor said the bridge reopened."), "url": format!("https://example.org/m{n}")})
        }
        ("POST", "/api/v1/briefings/{slug}/sources") => json!({"url": "http://127.0.0.1:9/feed.xml", "kind": "feed"}),
        ("POST", "/api/v1/briefings/{slug}/sources/opml") => json!({"opml": OPML}),
        ("POST", "/api/v1/briefings/{slug}/map/layers/{layer}/{date}") => square(n),
        ("PATCH", "/api/v1/entries/{id}") => json!({"headline": format!("Edited {n}")}),
        ("POST", "/api/v1/entries/{id}/pin") => json!({"pinned": true}),
        ("POST", "/api/v1/entries/{id}/key-event") => json!({"key_event": true}),
        ("POST", "/api/v1/entries/{id}/retract") => json!({"note": "Wrong."}),
        ("POST", "/api/v1/developments/{id}/decisions") => json!({"action": "dismiss", "reason": "Not news."}),
        ("PATCH", "/api/v1/sources/{id}") => json!({"title": format!("Renamed {n}")}),
        ("POST", "/api/v1/tokens") => json!({"name": format!("token {n}")}),
        ("POST", _) => return None,
        (m, p) => panic!("no body for {m} {p}"),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_every_principal_every_object() {
    let routes = livebrief_server::routes();
    let unique: BTreeSet<(String, String)> = routes.iter().map(|(m, p)| (m.to_string(), p.clone())).collect();
    assert_eq!(unique.len(), routes.len(), "a route is registered twice");
    let unplanned: Vec<String> = routes
        .iter()
        .filter(|(m, p)| plan(m, p).is_none())
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert!(
        unplanned.is_empty(),
        "routes without a rule in the authorisation matrix (add them to `plan` in tests/it/authz.rs):\n{}",
        unplanned.join("\n")
    );

    let mut w = World::new().await;
    let mut cases = 0;
    let mut tally: std::collections::BTreeMap<String, usize> = Default::default();
    let mut failures = String::new();
    for (method, path) in &routes {
        let plan = plan(method, path).expect("planned");
        for &variant in plan.variants {
            for &obj in plan.objects {
                for who in EVERYONE {
                    let expected = (plan.rule)(who, obj, variant);
                    let req = w.request(method, path, who, obj, variant).await;
                    let uri = req.uri().to_string();
                    // Only the head: live streams never end.
                    let resp = w.t.router.clone().oneshot(req).await.expect("infallible");
                    let status = resp.status();
                    let location = resp
                        .headers()
                        .get(header::LOCATION)
                        .and_then(|l| l.to_str().ok())
                        .unwrap_or("")
                        .to_string();
                    let body = if status.is_client_error() || status.is_server_error() {
                        let b = http_body_util::BodyExt::collect(resp.into_body())
                            .await
                            .map(|c| c.to_bytes())
                            .unwrap_or_default();
                        String::from_utf8_lossy(&b).chars().take(160).collect::<String>()
                    } else {
                        String::new()
                    };
                    cases += 1;
                    *tally.entry(format!("{expected:?}")).or_default() += 1;
                    let unrouted = status == StatusCode::METHOD_NOT_ALLOWED
                        || (status == StatusCode::NOT_FOUND && body.contains("no route for"));
                    if unrouted {
                        let _ = writeln!(
                            failures,
                            "{method} {path} is listed but not routed ({uri}): {status} {body}"
                        );
                    } else if !expected.admits(status, &location) {
                        let _ = writeln!(
                            failures,
                            "{method} {path} [{variant}] {obj:?} as {who:?}: expected {expected:?}, got {status} {location} ({uri}) {body}"
                        );
                    }
                }
            }
        }
    }
    println!(
        "authorisation matrix: {} routes, {cases} cases, expected {tally:?}",
        routes.len()
    );
    assert!(failures.is_empty(), "authorisation matrix, {cases} cases:\n{failures}");
}
