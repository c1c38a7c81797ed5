#![allow(clippy::unwrap_used, clippy::expect_used)] // A panic is the failure report.
//! `keyway explain` judged on what people really paste: error texts collected from public issue
//! threads, forums and Microsoft's pages (tests/explain_corpus/<form>/*.toml, each with its
//! source), in every form they come in. And every code Microsoft publishes has an entry.

use keyway::diagnose::{catalogue, explain_text, Context};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    source: String,
    form: String,
    /// The most specific code the text shows.
    code: String,
    /// What the thread found was wrong (or what the code means).
    #[allow(dead_code)] // Read by people; the test checks the explanation for `code`.
    cause: String,
    text: String,
}

fn cases() -> Vec<(PathBuf, Case)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/explain_corpus");
    let mut all = vec![];
    for form in std::fs::read_dir(&root).unwrap() {
        let form = form.unwrap().path();
        for file in std::fs::read_dir(&form).unwrap() {
            let path = file.unwrap().path();
            if path.extension().is_some_and(|e| e == "toml") {
                let text = std::fs::read_to_string(&path).unwrap();
                let case: Case =
                    toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                all.push((path, case));
            }
        }
    }
    all.sort_by(|a, b| a.0.cmp(&b.0));
    all
}

#[test]
fn every_collected_text_is_explained_by_its_code() {
    let cases = cases();
    assert!(cases.len() >= 60, "{} cases", cases.len());
    let mut by_form: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut wrong = vec![];
    for (path, case) in &cases {
        assert!(
            case.source.starts_with("https://"),
            "{}: no source",
            path.display()
        );
        assert_eq!(
            path.parent().and_then(|p| p.file_name()).unwrap(),
            case.form.as_str(),
            "{}",
            path.display()
        );
        let x = explain_text(&case.text, &Context::default());
        let tally = by_form.entry(case.form.clone()).or_default();
        tally.1 += 1;
        // Right: the code named, and (when Keyway knows it) that code's own explanation.
        // An OAuth `error` value is Keyway's OAUTH_ code.
        let oauth = case
            .code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c == '_');
        let expected = match oauth {
            true => keyway::auth::error::oauth_code(&case.code),
            false => case.code.clone(),
        };
        let entry = catalogue::find(&expected);
        let explained = entry.is_none_or(|e| x.recognized && x.cause.starts_with(e.cause));
        if x.code.eq_ignore_ascii_case(&expected) && explained {
            tally.0 += 1;
        } else {
            wrong.push(format!(
                "{}: expected {}, got {} ({})",
                path.display(),
                case.code,
                x.code,
                x.title
            ));
        }
    }
    for (form, (right, all)) in &by_form {
        println!("{form:16} {right:3} of {all:3}");
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

fn reference(name: &str) -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/reference")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn every_published_code_has_an_entry() {
    let entra = reference("aadsts-codes.json");
    let services = reference("powerbi-fabric-error-codes.json");
    let mut missing = vec![];
    for c in entra["codes"]
        .as_array()
        .unwrap()
        .iter()
        .chain(services["codes"].as_array().unwrap())
    {
        let code = c["code"].as_str().unwrap();
        if catalogue::find(code).is_none() {
            missing.push(code.to_string());
        }
    }
    for e in entra["oauth_errors"].as_array().unwrap() {
        let code = keyway::auth::error::oauth_code(e.as_str().unwrap());
        if catalogue::find(&code).is_none() {
            missing.push(code);
        }
    }
    assert_eq!(entra["codes"].as_array().unwrap().len(), 304);
    assert!(missing.is_empty(), "no entry for: {missing:?}");
}
