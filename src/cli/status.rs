//! `keyway status`: every saved connection as the home screen shows it.

use super::{to_json, Outcome};
use keyway::profile::ProfileStore;
use keyway::wizard::{profile_cards, saved_profiles};

/// `keyway status`.
pub fn run(json: bool) -> Outcome {
    let (profiles, notice) = saved_profiles(&ProfileStore::default_location())?;
    if let Some(n) = notice {
        eprintln!("keyway: {}", n.to_text());
    }
    let cards = profile_cards(&profiles, keyway::clock::now());
    if json {
        return Ok(to_json(&cards));
    }
    if cards.is_empty() {
        return Ok("No saved profiles yet.".into());
    }
    Ok(cards
        .iter()
        .map(|c| c.to_text())
        .collect::<Vec<_>>()
        .join("\n\n"))
}
