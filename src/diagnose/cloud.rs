//! The cloud chosen is not the tenant's: said before anything is sent, with the right one.

use super::Explanation;
use crate::cloud::{Cloud, CloudId};

/// `chosen` is not where the tenant lives (`found`, from its discovery document).
pub fn wrong_cloud(chosen: CloudId, found: CloudId) -> Option<Explanation> {
    if chosen == found || chosen == CloudId::Custom || found == CloudId::Custom {
        return None;
    }
    let name = |id| Cloud::builtin(id).map_or_else(|| id.to_string(), |c| c.name);
    let (chosen_name, found_name) = (name(chosen), name(found));
    let mut x = Explanation::new(
        "CLOUD_MISMATCH",
        format!("Your organisation is in the {found_name} cloud"),
        format!(
            "Microsoft's sign-in service says this tenant lives in {found_name}, but {chosen_name} \
             is chosen. A token from one cloud does not work at another cloud's Power BI, so \
             nothing was sent."
        ),
        vec![
            format!("Choose {found_name} as the cloud (Keyway offers it here)."),
            "Sign in again.".into(),
        ],
    );
    x.instead = Some(format!("cloud:{}", found.as_str()));
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_different_built_in_cloud_is_wrong() {
        assert!(wrong_cloud(CloudId::Public, CloudId::Public).is_none());
        assert!(wrong_cloud(CloudId::Custom, CloudId::GccHigh).is_none());
        let x = wrong_cloud(CloudId::Public, CloudId::GccHigh).unwrap();
        assert_eq!(x.instead.as_deref(), Some("cloud:gcchigh"));
        assert!(x.title.contains("GCC High"), "{}", x.title);
    }
}
