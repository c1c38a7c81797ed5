//! Replays every committed fuzz corpus (`fuzz/corpus/<target>/`) through the same bodies and
//! property checks the `cargo fuzz` targets run (`keyway::fuzzing`), on stable: a crash found
//! once and added to the corpus stays fixed.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A panic is the failure report.

use std::path::PathBuf;

/// Runs `check` on every file of one target's corpus; fails naming the file that panicked.
fn replay(target: &str, check: fn(&[u8])) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no seeds in {}", dir.display());
    for file in files {
        let data = std::fs::read(&file).unwrap();
        if std::panic::catch_unwind(|| check(&data)).is_err() {
            panic!("{} fails its fuzz properties", file.display());
        }
    }
}

#[test]
fn token_response_corpus() {
    replay("token_response", keyway::fuzzing::token_response);
}

#[test]
fn explain_corpus() {
    replay("explain", keyway::fuzzing::explain);
}

#[test]
fn claims_corpus() {
    replay("claims", keyway::fuzzing::claims);
}

#[test]
fn preset_corpus() {
    replay("preset", keyway::fuzzing::preset);
}

#[test]
fn callback_query_corpus() {
    replay("callback_query", keyway::fuzzing::callback_query);
}
