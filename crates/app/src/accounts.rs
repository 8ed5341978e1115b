//! Accounts: argon2id password hashes, session and API tokens (only their SHA-256 is stored).

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use livebrief_model::{ApiToken, NewApiToken, Role, User, UserId};
use rand::RngCore;
use sha2::{Digest, Sha256};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, SemaphorePermit};

use crate::{App, AppError, Result};

/// How long a login lasts.
pub const SESSION_DAYS: i64 = 14;
/// How long an API token lasts unless its creator says otherwise.
pub const API_TOKEN_DEFAULT_DAYS: i64 = 90;
/// The longest an API token may last.
pub const API_TOKEN_MAX_DAYS: i64 = 365;
/// How many characters of a token's secret are kept to tell it apart (`lb_` and six more: 36 bits of
/// 256, so the rest stays secret).
pub const API_TOKEN_PREFIX_CHARS: usize = 9;
pub const MIN_PASSWORD_CHARS: usize = 10;
const MAX_PASSWORD_BYTES: usize = 1024;

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("a password has at least {MIN_PASSWORD_CHARS} characters")]
    TooShort,
    #[error("a password has at most {MAX_PASSWORD_BYTES} bytes")]
    TooLong,
    #[error("hashing failed: {0}")]
    Hash(String),
}

fn random_token(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// The stored form of a session or API token.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// An argon2id hash (PHC string) with a random salt.
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(PasswordError::TooShort);
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(PasswordError::TooLong);
    }
    let fail = |e: &dyn std::fmt::Display| PasswordError::Hash(e.to_string());
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt_b64 = SaltString::encode_b64(&salt).map_err(|e| fail(&e))?;
    let params = Params::default();
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let len = params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
    let output = Output::init_with(len, |out| {
        Ok(argon2_into(&argon2, &params, password.as_bytes(), &salt, out)?)
    })
    .map_err(|e| fail(&e))?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| fail(&e))?,
        salt: Some(salt_b64.as_salt()),
        hash: Some(output),
    };
    Ok(phc.to_string())
}

/// Whether `password` matches the PHC string `phc` (compared in constant time).
pub fn verify_password(password: &str, phc: &str) -> bool {
    if password.len() > MAX_PASSWORD_BYTES {
        return false;
    }
    let check = || -> Option<bool> {
        let h = PasswordHash::new(phc).ok()?;
        let algorithm = Algorithm::try_from(h.algorithm).ok()?;
        let version = match h.version {
            Some(v) => Version::try_from(v).ok()?,
            None => Version::default(),
        };
        let params = Params::try_from(&h).ok()?;
        let (salt, expected) = (h.salt?, h.hash?);
        let mut salt_buf = [0u8; 64];
        let salt = salt.decode_b64(&mut salt_buf).ok()?;
        let argon2 = Argon2::new(algorithm, version, params.clone());
        let got = Output::init_with(expected.len(), |out| {
            Ok(argon2_into(&argon2, &params, password.as_bytes(), salt, out)?)
        })
        .ok()?;
        Some(got == expected) // `Output`'s equality is constant-time
    };
    check().unwrap_or(false)
}

thread_local! {
    /// The argon2 work area of this thread (19 MiB with the default parameters), allocated once and kept.
    static WORK: std::cell::RefCell<Vec<Block>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// argon2 into `out` in this thread's kept work area, wiped afterwards. Why not the crate's own
/// `hash_password_into`: it allocates the area per call, aligned to 64 bytes, and glibc does not reuse a
/// freed aligned block of that size, so every password check left 19 MiB resident (ten wrong passwords:
/// +190 MiB, for good). One area per hashing thread keeps it constant.
fn argon2_into(argon2: &Argon2<'_>, params: &Params, pwd: &[u8], salt: &[u8], out: &mut [u8]) -> argon2::Result<()> {
    WORK.with(|work| {
        let mut work = work.borrow_mut();
        let n = params.block_count();
        if work.len() < n {
            work.resize(n, Block::default());
        }
        let area = &mut work[..n];
        let result = argon2.hash_password_into_with_memory(pwd, salt, out, &mut *area);
        area.fill(Block::default());
        result
    })
}

/// Password checks that hash at once. Each argon2id verification holds ~19 MiB and a core for tens of
/// milliseconds, so a burst of sign-ins must not hash all at once (60 at once took the server from 0.9 to
/// 2 GB): two keep both cores of a small machine busy and the memory at ~40 MiB.
pub const PASSWORD_CHECKS: usize = 2;
/// Sign-ins that may wait for a check; beyond them the check is refused at once ([`AppError::Busy`]), so a
/// flood costs a few bytes per request and never a queue that grows without bound.
pub const PASSWORD_QUEUE: usize = 16;

/// Bounds the password checks in flight: at most `running` hash at once, at most `running + waiting` are
/// admitted to wait for a turn, the rest are told the server is busy. The hashes run on `running` threads
/// of the gate's own, not on the runtime's blocking pool: the allocator keeps a freed 19 MiB block in the
/// arena of the thread that used it, so hashes spread over the pool's many threads kept one block per
/// thread resident (a burst of 60 sign-ins: +285 MiB that stayed), where two threads keep two.
pub(crate) struct PasswordGate {
    admitted: Semaphore,
    running: std::sync::Arc<Semaphore>,
    jobs: std::sync::mpsc::Sender<Box<dyn FnOnce() + Send>>,
}

impl PasswordGate {
    pub(crate) fn new(running: usize, waiting: usize) -> Self {
        let (jobs, rx) = std::sync::mpsc::channel::<Box<dyn FnOnce() + Send>>();
        let rx = std::sync::Arc::new(std::sync::Mutex::new(rx));
        for i in 0..running {
            let rx = rx.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("password-check-{i}"))
                .spawn(move || {
                    loop {
                        // The lock is held only to take a job, not while it runs.
                        let job = match rx.lock() {
                            Ok(rx) => rx.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return, // the gate is gone
                        }
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "could not start a password-check thread");
            }
        }
        PasswordGate {
            admitted: Semaphore::new(running + waiting),
            running: std::sync::Arc::new(Semaphore::new(running)),
            jobs,
        }
    }

    /// Runs `f` on one of the gate's threads; `Busy` if none is there to run it.
    async fn run<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move || {
                let _ = tx.send(f());
            }))
            .map_err(|_| AppError::Busy)?;
        rx.await.map_err(|_| AppError::Busy)
    }

    /// A place in line, or `Busy` when the line is full.
    fn admit(&self) -> Result<SemaphorePermit<'_>> {
        self.admitted.try_acquire().map_err(|_| AppError::Busy)
    }

    /// Waits for a turn to hash. The permit is owned so that it moves into the blocking task: a request
    /// dropped mid-check (the client went away) must not free a turn while its hash still runs.
    async fn turn(&self) -> Result<OwnedSemaphorePermit> {
        self.running.clone().acquire_owned().await.map_err(|_| AppError::Busy)
    }
}

/// A new secret shown once to its owner: a session cookie value or an API token.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub token: String,
    pub user: User,
}

#[derive(Debug, Clone)]
pub struct Credentials<'a> {
    pub name: &'a str,
    pub password: &'a str,
}

impl App {
    pub async fn create_user(&self, name: &str, role: Role, password: &str) -> Result<User> {
        User::validate_name(name)?;
        let hash = hash_password(password).map_err(|e| AppError::Invalid(e.to_string()))?;
        let user = self.store.create_user(name, role, &hash, self.now()).await?;
        tracing::info!(user = %user.name, role = %role, "user created");
        Ok(user)
    }

    pub async fn set_password(&self, name: &str, password: &str) -> Result<()> {
        let hash = hash_password(password).map_err(|e| AppError::Invalid(e.to_string()))?;
        let (user, _) = self.store.user_by_name(name).await?.ok_or(AppError::NotFound("user"))?;
        self.store.set_password(user.id, &hash).await?;
        Ok(())
    }

    /// Checks a password. Runs a full hash even for unknown users, so timing does not reveal which exist.
    /// At most [`PASSWORD_CHECKS`] hash at once; when [`PASSWORD_QUEUE`] more already wait, `Busy`.
    pub async fn authenticate(&self, c: Credentials<'_>) -> Result<User> {
        let _place = self.password_gate.admit()?;
        // No account's name has a control character (`User::validate_name`), and PostgreSQL text cannot even
        // hold a NUL: such a name is an unknown name, checked against the dummy hash like any other.
        let found = if c.name.chars().any(char::is_control) {
            None
        } else {
            self.store.user_by_name(c.name).await?
        };
        let (user, hash) = match found {
            Some((u, h)) => (Some(u), Some(h)),
            None => (None, None),
        };
        let password = c.password.to_string();
        let turn = self.password_gate.turn().await?;
        let ok = self
            .password_gate
            .run(move || {
                let _turn = turn;
                verify_password(&password, hash.as_deref().unwrap_or_else(|| dummy_hash()))
            })
            .await?;
        match (ok, user) {
            (true, Some(u)) => Ok(u),
            _ => Err(AppError::BadCredentials),
        }
    }

    /// Logs in: a new session token (for the cookie) after a successful password check.
    pub async fn login(&self, c: Credentials<'_>) -> Result<NewToken> {
        let user = self.authenticate(c).await?;
        let token = random_token("");
        let now = self.now();
        let expires = now
            .checked_add(jiff::SignedDuration::from_hours(24 * SESSION_DAYS))
            .unwrap_or(now);
        self.store
            .create_session(&token_hash(&token), user.id, now, expires)
            .await?;
        Ok(NewToken { token, user })
    }

    pub async fn logout(&self, token: &str) -> Result<()> {
        Ok(self.store.delete_session(&token_hash(token)).await?)
    }

    pub async fn session_user(&self, token: &str) -> Result<Option<User>> {
        self.session_user_by_hash(&token_hash(token)).await
    }

    /// The user of a live session, by the session token's hash (what a live stream keeps to check again).
    pub async fn session_user_by_hash(&self, hash: &[u8]) -> Result<Option<User>> {
        Ok(self.store.session_user(hash, self.now()).await?)
    }

    /// A new API token for `user`, expiring in [`API_TOKEN_DEFAULT_DAYS`].
    pub async fn create_api_token(&self, user: UserId, name: &str) -> Result<String> {
        Ok(self.issue_api_token(user, name, None).await?.0)
    }

    /// A new API token: the secret (shown once; only its hash is kept) and the stored token. It expires in
    /// `expires_in_days` (1 to [`API_TOKEN_MAX_DAYS`], default [`API_TOKEN_DEFAULT_DAYS`]).
    pub async fn issue_api_token(
        &self,
        user: UserId,
        name: &str,
        expires_in_days: Option<i64>,
    ) -> Result<(String, ApiToken)> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
            return Err(AppError::Invalid(
                "a token name is 1 to 100 characters on one line".into(),
            ));
        }
        let days = expires_in_days.unwrap_or(API_TOKEN_DEFAULT_DAYS);
        if !(1..=API_TOKEN_MAX_DAYS).contains(&days) {
            return Err(AppError::Invalid(format!(
                "a token expires in 1 to {API_TOKEN_MAX_DAYS} days"
            )));
        }
        let token = random_token("lb_");
        let now = self.now();
        let expires = now
            .checked_add(jiff::SignedDuration::from_hours(24 * days))
            .map_err(|e| AppError::Invalid(format!("expiry out of range: {e}")))?;
        let id = self
            .store
            .create_api_token(&NewApiToken {
                hash: token_hash(&token),
                user,
                name: name.to_string(),
                prefix: token.chars().take(API_TOKEN_PREFIX_CHARS).collect(),
                created_at: now,
                expires_at: Some(expires),
            })
            .await
            .map_err(|e| match e {
                livebrief_store::StoreError::NotFound => AppError::NotFound("user"),
                other => other.into(),
            })?;
        let stored = self.store.api_token(id).await?.ok_or(AppError::NotFound("token"))?;
        tracing::info!(token = id, user = %stored.user_name, expires = %expires, "API token created");
        Ok((token, stored))
    }

    /// The owner of an active API token (not revoked, not expired, made since the owner's password last
    /// changed). Records the use, at most once a minute per token.
    pub async fn api_token_user(&self, token: &str) -> Result<Option<User>> {
        let now = self.now();
        let Some((user, t)) = self.store.api_token_user(&token_hash(token), now).await? else {
            return Ok(None);
        };
        let stale = t
            .last_used_at
            .is_none_or(|last| now.duration_since(last) >= jiff::SignedDuration::from_secs(60));
        if stale && let Err(e) = self.store.touch_api_token(t.id, now).await {
            tracing::warn!(error = %e, token = t.id, "recording an API token's use");
        }
        Ok(Some(user))
    }

    /// Like [`App::api_token_user`], by the token's hash and without recording a use.
    pub async fn api_token_user_by_hash(&self, hash: &[u8]) -> Result<Option<User>> {
        Ok(self.store.api_token_user(hash, self.now()).await?.map(|(u, _)| u))
    }

    /// `viewer`'s own tokens, or with `all` (admins only) everyone's; newest first.
    pub async fn api_tokens(&self, viewer: &User, all: bool) -> Result<Vec<ApiToken>> {
        if all && !viewer.role.can_manage_users() {
            return Err(AppError::Forbidden("only an admin sees everyone's tokens".into()));
        }
        Ok(self.store.list_api_tokens((!all).then_some(viewer.id)).await?)
    }

    /// Revokes one of `viewer`'s tokens (an admin: anyone's). Someone else's token is "not found", so ids
    /// do not tell whose tokens exist.
    pub async fn revoke_api_token(&self, viewer: &User, id: i64) -> Result<ApiToken> {
        let t = self.store.api_token(id).await?.ok_or(AppError::NotFound("token"))?;
        if t.user_id != viewer.id && !viewer.role.can_manage_users() {
            return Err(AppError::NotFound("token"));
        }
        self.revoke_api_token_as_operator(id).await
    }

    /// Revokes any token (the command line acts as the instance's operator).
    pub async fn revoke_api_token_as_operator(&self, id: i64) -> Result<ApiToken> {
        let t = self.store.revoke_api_token(id, self.now()).await.map_err(|e| match e {
            livebrief_store::StoreError::NotFound => AppError::NotFound("token"),
            other => other.into(),
        })?;
        tracing::info!(token = id, user = %t.user_name, "API token revoked");
        Ok(t)
    }
}

/// A valid argon2id hash of a random password, computed once (on a blocking thread, as it is a hash); verifying against it costs what a real check costs.
fn dummy_hash() -> &'static str {
    static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H.get_or_init(|| hash_password(&random_token("dummy-")).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_match_the_crates_own() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let ours = hash_password("correct horse battery").expect("hash");
        assert!(ours.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{ours}");
        assert!(verify_password("correct horse battery", &ours));
        assert!(!verify_password("correct horse batterz", &ours));
        // A hash made by the crate's own code verifies here, and ours there: the same function.
        let theirs = Argon2::default()
            .hash_password(
                b"correct horse battery",
                &SaltString::encode_b64(&[7u8; 16]).expect("salt"),
            )
            .expect("hash")
            .to_string();
        assert!(verify_password("correct horse battery", &theirs));
        assert!(!verify_password("wrong", &theirs));
        let parsed = PasswordHash::new(&ours).expect("PHC");
        assert!(
            Argon2::default()
                .verify_password(b"correct horse battery", &parsed)
                .is_ok()
        );
        for bad in [
            "",
            "$argon2id$",
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$",
            "$md5$x",
            "not a hash",
        ] {
            assert!(!verify_password("correct horse battery", bad), "{bad:?}");
        }
    }

    /// Resident memory of this process in KiB (Linux), to see that checks do not pile up.
    fn rss_kib() -> Option<u64> {
        std::fs::read_to_string("/proc/self/status")
            .ok()?
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    }

    #[test]
    fn repeated_checks_on_one_thread_keep_one_work_area() {
        let phc = hash_password("correct horse battery").expect("hash");
        std::thread::spawn(move || {
            assert!(!verify_password("wrong password 0", &phc));
            let Some(before) = rss_kib() else { return };
            for i in 1..=10 {
                assert!(!verify_password(&format!("wrong password {i}"), &phc));
            }
            let grew = rss_kib().unwrap_or(before).saturating_sub(before) / 1024;
            // The crate's own per-call area left 19 MiB per check here (190 MiB for ten).
            assert!(grew < 10, "ten checks grew resident memory by {grew} MiB");
        })
        .join()
        .expect("thread");
    }

    #[tokio::test]
    async fn the_gate_lets_a_few_hash_a_few_wait_and_refuses_the_rest_at_once() {
        let gate = PasswordGate::new(1, 1);
        let first = gate.admit().expect("a place");
        let second = gate.admit().expect("a place in line");
        assert!(matches!(gate.admit(), Err(AppError::Busy)), "the line is full");
        let turn = gate.turn().await.expect("a turn");
        // The second waits while the first hashes, and gets its turn when the first is done.
        let waiting = tokio::time::timeout(std::time::Duration::from_millis(20), gate.turn()).await;
        assert!(waiting.is_err(), "only one hashes at once");
        drop(turn);
        let _turn = gate.turn().await.expect("the next turn");
        drop((first, second));
        assert!(gate.admit().is_ok(), "places come back");
    }
}
