//! Keyway's own log: what a help desk needs to follow a sign-in, a check and a save after the
//! fact, in a file that rolls over daily, a few days kept.
//!
//! The folder is `KEYWAY_LOG_DIR` when set, otherwise the platform's place for such files
//! (`~/.local/state/keyway/logs` on Linux, the app's local data folder elsewhere). Each shell
//! calls [`init`] once at start. Only Keyway's own events are written (not those of the HTTP
//! or TLS libraries), and those carry codes, hosts and masked IDs only: the secret types have no
//! `Display` and no `Serialize`, so no event can print one. [`last_lines`] reads the end back for
//! the support report, scrubbed once more.

use crate::report::scrub;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::prelude::*;

/// The start of every log file's name (`keyway.2026-05-01.log`).
const PREFIX: &str = "keyway";
const SUFFIX: &str = "log";
/// Daily files kept: about a working week.
const KEEP: usize = 7;

/// Where Keyway writes its log.
pub fn dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("KEYWAY_LOG_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    directories::ProjectDirs::from("app", "keyway", "Keyway")
        .map(|d| {
            d.state_dir()
                .unwrap_or_else(|| d.data_local_dir())
                .join("logs")
        })
        .unwrap_or_else(|| PathBuf::from(".keyway").join("logs"))
}

/// Starts writing Keyway's events to [`dir`]; later calls do nothing. Returns the folder, or
/// why it can't be written (Keyway then runs without a log: it is an aid, not a need).
pub fn init() -> std::io::Result<PathBuf> {
    static STARTED: OnceLock<PathBuf> = OnceLock::new();
    if let Some(dir) = STARTED.get() {
        return Ok(dir.clone());
    }
    let dir = dir();
    std::fs::create_dir_all(&dir)?;
    let appender = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(PREFIX)
        .filename_suffix(SUFFIX)
        .max_log_files(KEEP)
        .build(&dir)
        .map_err(std::io::Error::other)?;
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(appender)
        .with_ansi(false)
        .with_target(false);
    // Keyway's crates only: the HTTP and TLS libraries log addresses with query strings.
    let only_ours = Targets::new()
        .with_target("keyway", LevelFilter::INFO)
        .with_target("keyway_app_lib", LevelFilter::INFO)
        .with_default(LevelFilter::OFF);
    let installed = tracing_subscriber::registry()
        .with(layer.with_filter(only_ours))
        .try_init();
    if installed.is_ok() {
        let _ = STARTED.set(dir.clone());
    }
    installed.map_err(std::io::Error::other)?;
    Ok(dir)
}

/// The last `n` lines of the log in `dir`, newest last, scrubbed of addresses and IDs unless
/// `unmask_ids`. Empty when there is no log.
pub fn last_lines(dir: &Path, n: usize, unmask_ids: bool) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return vec![];
    };
    // Daily files are named by date, so name order is time order.
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|f| f.to_str())
                .is_some_and(|f| f.starts_with(PREFIX) && f.ends_with(SUFFIX))
        })
        .collect();
    files.sort();
    let mut lines: Vec<String> = vec![];
    for file in files.iter().rev() {
        let text = std::fs::read(file).unwrap_or_default();
        let text = String::from_utf8_lossy(&text);
        let mut these: Vec<String> = text.lines().map(str::to_string).collect();
        these.append(&mut lines);
        lines = these;
        if lines.len() >= n {
            break;
        }
    }
    let skip = lines.len().saturating_sub(n);
    lines
        .into_iter()
        .skip(skip)
        .map(|l| scrub(&l, unmask_ids))
        .filter(|l| !l.is_empty())
        .collect()
}

/// A host from an address, for log lines (never the path or query).
pub fn host(url: &str) -> String {
    reqwest::Url::parse(url)
        .ok()
        .and_then(|u| {
            let host = u.host_str()?.to_string();
            Some(match u.port() {
                Some(p) => format!("{host}:{p}"),
                None => host,
            })
        })
        .unwrap_or_else(|| "?".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_lines_come_from_the_newest_files_scrubbed() {
        let dir = std::env::temp_dir().join(format!("keyway-log-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap_or_default();
        let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).ok();
        write("keyway.2026-05-01.log", "old 1\nold 2\n");
        write(
            "keyway.2026-05-02.log",
            "new 1 ada@contoso.com\nnew 2 7b0c3a4e-1f2d-4c5b-9a8e-0d1c2b3a4f5e\n",
        );
        write("other.txt", "not a log\n");
        let lines = last_lines(&dir, 3, false);
        assert_eq!(
            lines,
            vec!["old 2", "new 1 a…@cont….com", "new 2 7b0c…4f5e"]
        );
        assert_eq!(
            last_lines(&dir, 1, true),
            vec!["new 2 7b0c3a4e-1f2d-4c5b-9a8e-0d1c2b3a4f5e"]
        );
        assert!(last_lines(&dir.join("none"), 5, false).is_empty());
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(
            host("https://login.example.com/t/oauth2?x=1"),
            "login.example.com"
        );
        assert_eq!(host("http://127.0.0.1:8080/a"), "127.0.0.1:8080");
    }
}
