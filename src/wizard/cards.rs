//! The home screen's cards (and `keyway status`): each saved connection with what needs
//! attention first, and the rule for when a secret counts as expiring.

use crate::cloud::Cloud;
use crate::diagnose::Explanation;
use crate::profile::{days_until, LastCheck, Profile, ProfileError, ProfileStore};
use crate::vault::{Vault, VaultError};
use serde::Serialize;

/// A secret that expires within this many days is "expiring": renew it now.
pub const EXPIRING_WITHIN_DAYS: i64 = 30;

/// A saved connection on the home screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileCard {
    /// Its name.
    pub name: String,
    /// What it is for.
    pub goal: Option<String>,
    /// How it signs in.
    pub method: String,
    /// The cloud's name.
    pub cloud: String,
    /// Tenant.
    pub tenant: String,
    /// App.
    pub client_id: String,
    /// `working`, `failing`, `expiring`, `expired` or `unchecked`.
    pub badge: &'static str,
    /// The badge in words.
    pub badge_text: String,
    /// The last check in one line.
    pub last_summary: Option<String>,
    /// The last check, whole (codes and IDs for support).
    pub last_check: Option<LastCheck>,
    /// Where the secret lives, in words.
    pub secret_location: Option<String>,
    /// When the secret expires (`YYYY-MM-DD`), as noted.
    pub secret_expires: Option<String>,
    /// Days until the secret expires.
    pub days_left: Option<i64>,
    /// The secret expires within [`EXPIRING_WITHIN_DAYS`] (or already has).
    pub expiring_soon: bool,
    /// What Keyway can renew for it: `secret`, or `certificate` (one Keyway made); none else.
    pub renew: Option<&'static str>,
}

impl ProfileCard {
    /// The card as lines for a terminal.
    pub fn to_text(&self) -> String {
        let mut lines = vec![
            self.name.clone(),
            format!("  method:  {}", self.method),
            format!("  tenant:  {}   app: {}", self.tenant, self.client_id),
            format!(
                "  secret:  {}",
                self.secret_location.as_deref().unwrap_or("not saved")
            ),
        ];
        if let (Some(date), Some(days)) = (&self.secret_expires, self.days_left) {
            let warn = match self.badge {
                "expired" => "  ! EXPIRED",
                _ if self.expiring_soon => "  ! expires soon: renew it",
                _ => "",
            };
            lines.push(format!("  expires: {date} ({days} days){warn}"));
        }
        lines.push(match &self.last_check {
            Some(c) if c.ok => "  last:    worked".to_string(),
            Some(c) => format!(
                "  last:    failed: {} [{}]",
                c.summary,
                c.code.as_deref().unwrap_or_default()
            ),
            None => "  last:    never checked".to_string(),
        });
        lines.join("\n")
    }
}

/// The home screen's cards, most urgent first.
pub fn profile_cards(profiles: &[Profile], now: i64) -> Vec<ProfileCard> {
    let mut cards: Vec<ProfileCard> = profiles.iter().map(|p| card(p, now)).collect();
    let urgency = |b: &str| match b {
        "expired" | "failing" => 0,
        "expiring" => 1,
        "unchecked" => 2,
        _ => 3,
    };
    cards.sort_by(|a, b| {
        urgency(a.badge)
            .cmp(&urgency(b.badge))
            .then(a.name.cmp(&b.name))
    });
    cards
}

fn card(p: &Profile, now: i64) -> ProfileCard {
    let days = p.secret_expires.as_deref().and_then(|d| days_until(d, now));
    let expiring_soon = days.is_some_and(|d| d <= EXPIRING_WITHIN_DAYS);
    let (badge, text) = match (days, &p.last_check) {
        (Some(d), _) if d < 0 => ("expired", "Secret expired".to_string()),
        (_, Some(c)) if !c.ok => ("failing", "Failing".to_string()),
        (Some(d), _) if expiring_soon => ("expiring", format!("Secret expires in {d} days")),
        (_, Some(_)) => ("working", "Working".to_string()),
        (_, None) => ("unchecked", "Not checked yet".to_string()),
    };
    ProfileCard {
        name: p.name.clone(),
        goal: p.goal.map(|g| g.title().to_string()),
        method: p.method.title().to_string(),
        cloud: Cloud::builtin(p.cloud).map_or_else(|| "Custom".into(), |c| c.name),
        tenant: p.tenant.clone(),
        client_id: p.client_id.clone(),
        badge,
        badge_text: text,
        last_summary: p.last_check.as_ref().map(|c| c.summary.clone()),
        last_check: p.last_check.clone(),
        secret_location: p.secret_location.clone(),
        secret_expires: p.secret_expires.clone(),
        days_left: days,
        expiring_soon,
        renew: match p.method {
            crate::goal::Method::ClientSecret => Some("secret"),
            crate::goal::Method::Certificate if p.certificate_in_keyring => Some("certificate"),
            _ => None,
        },
    }
}

/// A `YYYY-MM-DD` date as typed, or why it is not one.
pub fn check_date(date: &str) -> Result<(), Explanation> {
    days_until(date, 0).map(drop).ok_or_else(|| {
        Explanation::new(
            "DATE_INVALID",
            "The expiry date is not a date",
            format!("\"{date}\" is not a date like 2027-01-31."),
            vec![
                "Pick the date from the calendar (or type it as YYYY-MM-DD), or leave it empty."
                    .into(),
            ],
        )
    })
}

/// The saved connections. A file that could not be read was moved aside: the list is then
/// empty, and the notice says so once (where the old file is kept).
pub fn saved_profiles(
    store: &ProfileStore,
) -> Result<(Vec<Profile>, Option<Explanation>), Explanation> {
    match store.load() {
        Ok(all) => Ok((all, None)),
        Err(e @ ProfileError::Unreadable { .. }) => Ok((vec![], Some(e.into()))),
        Err(e) => Err(e.into()),
    }
}

/// Forgets a saved connection and its secrets. When the keyring can't be reached and the
/// connection keeps a secret there, nothing is deleted (the secret would be left behind).
/// Blocking (the keyring).
pub fn delete_connection(
    store: &ProfileStore,
    name: &str,
    vault: impl FnOnce() -> Result<Vault, VaultError>,
) -> Result<(), Explanation> {
    let profile = store.get(name)?;
    match vault() {
        Ok(v) => forget_secrets(&profile, &v)?,
        Err(e) if profile.secret_location.is_some() => return Err(e.into()),
        Err(_) => {}
    }
    Ok(store.remove(name)?)
}

/// Removes a connection's secrets: those bound to its sign-in host, and any saved before
/// secrets were bound to a host. Blocking (the keyring).
pub(super) fn forget_secrets(profile: &Profile, vault: &Vault) -> Result<(), Explanation> {
    if let Ok(cloud) = Cloud::resolve(profile.cloud, profile.custom.as_ref()) {
        vault.delete_profile(&super::trust::secret_key(&profile.name, &cloud))?;
    }
    Ok(vault.delete_profile(&profile.name)?)
}

/// Notes (or clears) when a saved connection's secret expires, so Keyway can warn in time.
pub fn set_secret_expiry(
    store: &ProfileStore,
    name: &str,
    date: Option<&str>,
) -> Result<(), Explanation> {
    let date = date.map(str::trim).filter(|d| !d.is_empty());
    if let Some(d) = date {
        check_date(d)?;
    }
    // Under the store's lock, so a check recorded meanwhile is not undone.
    Ok(store.update(|all| {
        let p = all
            .iter_mut()
            .find(|p| p.name == name)
            .ok_or_else(|| ProfileError::NotFound(name.into()))?;
        p.secret_expires = date.map(str::to_string);
        Ok(())
    })?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::goal::Method;

    #[test]
    fn cards_put_what_needs_attention_first() {
        let check = |ok| {
            Some(LastCheck {
                at: 0,
                ok,
                code: None,
                summary: "s".into(),
                http_status: None,
                trace_id: None,
                correlation_id: None,
                timestamp: None,
            })
        };
        let base = Profile::new("b", Method::ClientSecret);
        let now = 1_800_000_000; // 2027-01-15 08:00 UTC
        let profiles = vec![
            Profile {
                last_check: check(true),
                ..Profile::new("working", Method::ClientSecret)
            },
            Profile {
                last_check: check(false),
                ..Profile::new("failing", Method::ClientSecret)
            },
            Profile {
                name: "soon".into(),
                last_check: check(true),
                secret_expires: Some("2027-02-01".into()),
                ..base.clone()
            },
            Profile::new("never", Method::ClientSecret),
            Profile {
                name: "gone".into(),
                secret_expires: Some("2027-01-01".into()),
                ..base
            },
        ];
        let cards = profile_cards(&profiles, now);
        let order: Vec<(&str, &str)> = cards.iter().map(|c| (c.name.as_str(), c.badge)).collect();
        assert_eq!(
            order,
            [
                ("failing", "failing"),
                ("gone", "expired"),
                ("soon", "expiring"),
                ("never", "unchecked"),
                ("working", "working")
            ]
        );
        assert_eq!(cards[2].badge_text, "Secret expires in 16 days");
        assert!(cards[1].expiring_soon && cards[2].expiring_soon && !cards[4].expiring_soon);
        assert!(
            cards[1].to_text().contains("! EXPIRED"),
            "{}",
            cards[1].to_text()
        );
        assert!(
            cards[2].to_text().contains("expires soon"),
            "{}",
            cards[2].to_text()
        );
        assert!(cards[3].to_text().contains("never checked"));
    }

    #[test]
    fn the_expiring_rule_starts_thirty_days_out() {
        let now = 1_800_000_000; // 2027-01-15
        let at = |date: &str| Profile {
            secret_expires: Some(date.into()),
            ..Profile::new("p", Method::ClientSecret)
        };
        assert_eq!(card(&at("2027-02-15"), now).days_left, Some(30));
        assert!(card(&at("2027-02-15"), now).expiring_soon, "30 days");
        assert!(!card(&at("2027-02-16"), now).expiring_soon, "31 days");
    }
}
