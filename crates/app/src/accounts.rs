//! Accounts: argon2id password hashes, session and API tokens (only their SHA-256 is stored).

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use livebrief_model::{Role, User, UserId};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::{App, AppError, Result};

/// How long a login lasts.
pub const SESSION_DAYS: i64 = 14;
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
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| PasswordError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| PasswordError::Hash(e.to_string()))
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    if password.len() > MAX_PASSWORD_BYTES {
        return false;
    }
    PasswordHash::new(phc).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
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
    pub async fn authenticate(&self, c: Credentials<'_>) -> Result<User> {
        let found = self.store.user_by_name(c.name).await?;
        let (user, hash) = match found {
            Some((u, h)) => (Some(u), h),
            None => (None, dummy_hash().to_string()),
        };
        let password = c.password.to_string();
        let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
            .await
            .map_err(|e| AppError::Invalid(format!("password check failed: {e}")))?;
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
        Ok(self.store.session_user(&token_hash(token), self.now()).await?)
    }

    pub async fn create_api_token(&self, user: UserId, name: &str) -> Result<String> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(AppError::Invalid("a token name is 1 to 100 characters".into()));
        }
        let token = random_token("lb_");
        self.store
            .create_api_token(&token_hash(&token), user, name, self.now())
            .await?;
        Ok(token)
    }

    pub async fn api_token_user(&self, token: &str) -> Result<Option<User>> {
        Ok(self.store.api_token_user(&token_hash(token), self.now()).await?)
    }
}

/// A valid argon2id hash of a random password, computed once; verifying against it costs what a real check costs.
fn dummy_hash() -> &'static str {
    static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H.get_or_init(|| hash_password(&random_token("dummy-")).unwrap_or_default())
}
