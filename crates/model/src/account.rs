use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserId(pub i64);

/// What a person may do. Ordered: every role can do what the roles below it can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Writes entries that wait for an editor's approval.
    Contributor,
    /// Publishes, edits, pins, approves and retracts entries; creates briefings.
    Editor,
    /// Everything, including accounts.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Editor, Role::Contributor];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Editor => "editor",
            Role::Contributor => "contributor",
        }
    }

    pub fn can_publish(self) -> bool {
        self >= Role::Editor
    }

    pub fn can_manage_users(self) -> bool {
        self == Role::Admin
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "admin" => Ok(Role::Admin),
            "editor" => Ok(Role::Editor),
            "contributor" => Ok(Role::Contributor),
            other => Err(format!(
                "unknown role {other:?} (expected admin, editor or contributor)"
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub name: String,
    pub role: Role,
    pub created_at: Timestamp,
}

impl User {
    pub fn actor(&self) -> Actor {
        Actor {
            id: self.id,
            name: self.name.clone(),
            role: self.role,
        }
    }

    /// Account names: 1 to 64 characters of letters, digits, `.`, `_` and `-`.
    pub fn validate_name(name: &str) -> Result<(), crate::RuleError> {
        let ok = !name.is_empty()
            && name.chars().count() <= 64
            && name
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if ok {
            Ok(())
        } else {
            Err(crate::RuleError::invalid(
                "a user name is 1 to 64 letters, digits, '.', '_' or '-'",
            ))
        }
    }
}

/// Who is asking for a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub id: UserId,
    pub name: String,
    pub role: Role,
}

/// An API token as its owner and the admins see it: never its secret, only the first characters it
/// starts with, to tell tokens apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: i64,
    pub user_id: UserId,
    pub user_name: String,
    pub name: String,
    /// The secret's first characters (`lb_` and six more).
    pub prefix: String,
    pub created_at: Timestamp,
    /// Last time it authenticated a request (updated at most once a minute).
    pub last_used_at: Option<Timestamp>,
    /// `None`: does not expire (tokens from before expiry existed).
    pub expires_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
    /// The owner's password changed after the token was made: it no longer works.
    pub superseded: bool,
}

impl ApiToken {
    /// Whether the token authenticates requests at `now`.
    pub fn is_active(&self, now: Timestamp) -> bool {
        self.revoked_at.is_none() && !self.superseded && self.expires_at.is_none_or(|e| e > now)
    }

    /// One word for lists: active, expired, revoked or superseded.
    pub fn state(&self, now: Timestamp) -> &'static str {
        if self.revoked_at.is_some() {
            "revoked"
        } else if self.superseded {
            "superseded"
        } else if self.expires_at.is_some_and(|e| e <= now) {
            "expired"
        } else {
            "active"
        }
    }
}

/// What a new API token is stored with (its secret only as a hash).
#[derive(Debug, Clone)]
pub struct NewApiToken {
    pub hash: Vec<u8>,
    pub user: UserId,
    pub name: String,
    pub prefix: String,
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
}
