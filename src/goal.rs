//! What the person wants to do with Power BI, and what that implies.
//!
//! The goal decides which sign-in method Keyway recommends and which permission checks run.
//! Every later step reads it, so the set of goals and their plain-language text live here.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// One reason a person connects to the Power BI REST API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Goal {
    /// Show reports inside another application, for people without Power BI accounts.
    Embed,
    /// Push rows into datasets or refresh them from a script or a scheduled job.
    Data,
    /// Read metadata and lineage of every workspace (the admin scanner APIs).
    Admin,
    /// Call the API as yourself, with your own permissions.
    Delegated,
}

/// The ways of signing in, by their stable short names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Method {
    /// An app signs in with its own client secret.
    ClientSecret,
    /// An app signs in with a certificate.
    Certificate,
    /// A user's name and password sent by the program (legacy "master user").
    Password,
    /// A user signs in in their web browser.
    Browser,
    /// A user signs in on another device by typing a short code.
    DeviceCode,
}

impl Goal {
    /// Every goal, in the order they are offered.
    pub const ALL: [Goal; 4] = [Goal::Embed, Goal::Data, Goal::Admin, Goal::Delegated];

    /// Stable short name, as used by `keyway check --goal`.
    pub fn as_str(self) -> &'static str {
        match self {
            Goal::Embed => "embed",
            Goal::Data => "data",
            Goal::Admin => "admin",
            Goal::Delegated => "delegated",
        }
    }

    /// Short title a person picks from.
    pub fn title(self) -> &'static str {
        match self {
            Goal::Embed => "Embed reports for customers",
            Goal::Data => "Push or refresh datasets from a script",
            Goal::Admin => "Read workspace and lineage metadata",
            Goal::Delegated => "Call the API as myself",
        }
    }

    /// One sentence that helps a person recognise their situation.
    pub fn description(self) -> &'static str {
        match self {
            Goal::Embed => {
                "Show Power BI reports inside your own website or app, to people who don't sign \
                 in to Power BI."
            }
            Goal::Data => {
                "A script, job or integration sends data to Power BI or starts a dataset refresh."
            }
            Goal::Admin => {
                "An administrator's tool lists every workspace and scans what is in it \
                 (the admin and scanner APIs)."
            }
            Goal::Delegated => {
                "A tool acts as you, with exactly the access you already have in Power BI."
            }
        }
    }

    /// The sign-in method Keyway suggests first for this goal.
    pub fn recommended_method(self) -> Method {
        match self {
            Goal::Embed | Goal::Data | Goal::Admin => Method::ClientSecret,
            Goal::Delegated => Method::Browser,
        }
    }
}

impl Method {
    /// Every method, in the order they are offered.
    pub const ALL: [Method; 5] = [
        Method::ClientSecret,
        Method::Certificate,
        Method::Browser,
        Method::DeviceCode,
        Method::Password,
    ];

    /// Stable short name, as in profiles and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::ClientSecret => "client-secret",
            Method::Certificate => "certificate",
            Method::Password => "password",
            Method::Browser => "browser",
            Method::DeviceCode => "device-code",
        }
    }

    /// Short title a person picks from.
    pub fn title(self) -> &'static str {
        match self {
            Method::ClientSecret => "App with a client secret",
            Method::Certificate => "App with a certificate",
            Method::Password => "User name and password",
            Method::Browser => "Sign in with my browser",
            Method::DeviceCode => "Sign in with a code on another device",
        }
    }

    /// The trade-off in one line.
    pub fn tradeoff(self) -> &'static str {
        match self {
            Method::ClientSecret => {
                "Runs unattended as the app itself. Simple to set up; the secret expires and \
                 must be renewed."
            }
            Method::Certificate => {
                "Runs unattended as the app itself. Safer than a secret; needs a certificate \
                 file."
            }
            Method::Password => {
                "The older \"master user\" way. Stops working when multi-factor sign-in is \
                 required."
            }
            Method::Browser => {
                "You sign in as yourself in your usual browser. Best for working at this computer."
            }
            Method::DeviceCode => {
                "You type a short code on any device. Good for remote or locked-down computers."
            }
        }
    }

    /// Whether the app signs in as itself (a service principal) rather than as a person.
    pub fn is_app_only(self) -> bool {
        matches!(self, Method::ClientSecret | Method::Certificate)
    }
}

/// A sign-in method as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MethodInfo {
    /// Stable short name.
    pub id: Method,
    /// Short title.
    pub title: String,
    /// The trade-off in one line.
    pub tradeoff: String,
    /// Whether the app signs in as itself.
    pub app_only: bool,
}

impl From<Method> for MethodInfo {
    fn from(m: Method) -> Self {
        MethodInfo {
            id: m,
            title: m.title().into(),
            tradeoff: m.tradeoff().into(),
            app_only: m.is_app_only(),
        }
    }
}

impl fmt::Display for Goal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// A goal name Keyway does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{0}\" is not a goal Keyway knows; use one of: embed, data, admin, delegated")]
pub struct UnknownGoal(pub String);

impl FromStr for Goal {
    type Err = UnknownGoal;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase();
        Goal::ALL
            .into_iter()
            .find(|g| g.as_str() == t)
            .ok_or_else(|| UnknownGoal(s.trim().to_string()))
    }
}

/// A sign-in method name Keyway does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "\"{0}\" is not a method; use client-secret, certificate, password, browser or device-code"
)]
pub struct UnknownMethod(pub String);

impl FromStr for Method {
    type Err = UnknownMethod;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase();
        Method::ALL
            .into_iter()
            .find(|m| m.as_str() == t)
            .ok_or_else(|| UnknownMethod(s.trim().to_string()))
    }
}

/// A goal as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GoalInfo {
    /// Stable short name.
    pub id: Goal,
    /// Short title.
    pub title: String,
    /// One sentence.
    pub description: String,
    /// The method suggested first.
    pub recommended_method: Method,
}

impl From<Goal> for GoalInfo {
    fn from(g: Goal) -> Self {
        GoalInfo {
            id: g,
            title: g.title().into(),
            description: g.description().into(),
            recommended_method: g.recommended_method(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goals_round_trip_through_their_short_names() {
        for g in Goal::ALL {
            assert_eq!(g.as_str().parse::<Goal>(), Ok(g));
            assert_eq!(serde_json::to_value(g).unwrap(), g.as_str());
        }
        assert_eq!(" Embed ".parse::<Goal>(), Ok(Goal::Embed));
        assert!("scan"
            .parse::<Goal>()
            .unwrap_err()
            .to_string()
            .contains("embed, data"));
    }

    #[test]
    fn only_the_delegated_goal_recommends_a_user_sign_in() {
        for g in Goal::ALL {
            let user = matches!(g.recommended_method(), Method::Browser | Method::DeviceCode);
            assert_eq!(user, g == Goal::Delegated, "{g}");
        }
        for m in Method::ALL {
            assert_eq!(serde_json::to_value(m).unwrap(), m.as_str());
        }
    }
}
