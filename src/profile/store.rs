//! The profiles file on disk.
//!
//! Every change is a read-modify-write under a lock shared by every Keyway process
//! ([`ProfileStore::update`]): without it, two Keyways saving at once (the app and a script, or a
//! dozen imports) each read the same list and the last rename wins, silently dropping the others'
//! profiles. The lock is an advisory lock (`flock` on Unix, `LockFileEx` on Windows, through the
//! `fd-lock` crate) on `profiles.json.lock` beside the file.
//!
//! The file is written atomically: a temporary file, flushed to disk, renamed over the old one,
//! and (on Unix) the folder flushed too, so a crash or power cut leaves the old list or the new
//! one, never half a file and never none. On Unix the file is private to its owner (0600) in a
//! folder Keyway makes private (0700): it names tenants, apps, users and where secrets are kept.
//!
//! A file Keyway can't read (damaged, not UTF-8, or written by a newer Keyway) is moved aside
//! with a note of where, never overwritten: nothing is lost.

use super::{LastCheck, Profile, ProfileError, ProfilesFile, SCHEMA};
use fd_lock::RwLock;
use serde_json::Value;
use std::ffi::OsString;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Only the owner may read or write the file (and what is moved aside).
#[cfg(unix)]
const FILE_MODE: u32 = 0o600;
/// Only the owner may list or enter the folder Keyway makes.
#[cfg(unix)]
const DIR_MODE: u32 = 0o700;

/// The profiles file.
#[derive(Debug, Clone)]
pub struct ProfileStore {
    path: PathBuf,
}

/// Keyway's configuration folder: `KEYWAY_CONFIG_DIR` when set, else the platform's.
pub fn config_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("KEYWAY_CONFIG_DIR") {
        return PathBuf::from(dir);
    }
    directories::ProjectDirs::from("app", "keyway", "Keyway")
        .map(|d| d.config_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".keyway"))
}

/// What is on disk.
enum OnDisk {
    Missing,
    Read(Vec<Profile>),
    /// Why it can't be used.
    Unreadable(String),
}

impl ProfileStore {
    /// The store in Keyway's configuration folder.
    pub fn default_location() -> ProfileStore {
        ProfileStore {
            path: config_dir().join("profiles.json"),
        }
    }

    /// A store at a given file.
    pub fn at(path: impl Into<PathBuf>) -> ProfileStore {
        ProfileStore { path: path.into() }
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads every profile. A file that can't be read is moved aside and reported; the
    /// caller gets that as an error once, and an empty list from then on.
    pub fn load(&self) -> Result<Vec<Profile>, ProfileError> {
        // No lock to read: the file is only ever replaced whole, by a rename, which is atomic
        // (POSIX rename(2); MoveFileEx on Windows, and std opens files there with
        // FILE_SHARE_DELETE so a reader never blocks it). A reader sees the old list or the new
        // one, never a mix, and the home screen never waits behind a writer.
        match self.read()? {
            OnDisk::Missing => Ok(vec![]),
            OnDisk::Read(all) => Ok(all),
            // Moving the file aside is a change, so it takes the lock and looks again: another
            // Keyway may have moved it already and saved a good list since, which must stay.
            OnDisk::Unreadable(_) => self.locked(|| self.load_locked()),
        }
    }

    /// Changes the profiles: reads them, lets `change` edit the list, and writes the result,
    /// all under the lock, so what another Keyway saves meanwhile is never lost. When `change`
    /// fails, nothing is written. Keep `change` quick (no network, no keyring): every other
    /// Keyway that saves waits for it.
    pub fn update<T>(
        &self,
        change: impl FnOnce(&mut Vec<Profile>) -> Result<T, ProfileError>,
    ) -> Result<T, ProfileError> {
        self.locked(|| {
            let mut all = self.load_locked()?;
            let out = change(&mut all)?;
            self.write(&all)?;
            Ok(out)
        })
    }

    /// One profile.
    pub fn get(&self, name: &str) -> Result<Profile, ProfileError> {
        self.load()?
            .into_iter()
            .find(|p| p.name == name)
            .ok_or_else(|| ProfileError::NotFound(name.into()))
    }

    /// Adds or replaces a profile. `replace`: whether an existing one of that name may go.
    pub fn put(&self, profile: Profile, replace: bool) -> Result<(), ProfileError> {
        self.update(|all| {
            match all.iter().position(|p| p.name == profile.name) {
                Some(_) if !replace => return Err(ProfileError::Exists(profile.name)),
                Some(i) => all[i] = profile,
                None => all.push(profile),
            }
            Ok(())
        })
    }

    /// Removes a profile.
    pub fn remove(&self, name: &str) -> Result<(), ProfileError> {
        self.update(|all| {
            let before = all.len();
            all.retain(|p| p.name != name);
            if all.len() == before {
                return Err(ProfileError::NotFound(name.into()));
            }
            Ok(())
        })
    }

    /// Records the latest check of a profile.
    pub fn record_check(&self, name: &str, check: LastCheck) -> Result<(), ProfileError> {
        self.update(|all| {
            let p = all
                .iter_mut()
                .find(|p| p.name == name)
                .ok_or_else(|| ProfileError::NotFound(name.into()))?;
            p.last_check = Some(check);
            Ok(())
        })
    }

    fn io(&self, action: &'static str, e: std::io::Error) -> ProfileError {
        ProfileError::Io {
            path: self.path.clone(),
            action,
            reason: e.to_string(),
        }
    }

    /// The file's name with `suffix` added, in the same folder.
    fn beside(&self, suffix: &str) -> PathBuf {
        let mut name = self
            .path
            .file_name()
            .map(OsString::from)
            .unwrap_or_default();
        name.push(suffix);
        self.path.with_file_name(name)
    }

    /// The folder, made when missing (private, on Unix). A folder that exists is left as it
    /// is: `KEYWAY_CONFIG_DIR` may name one the person shares with other things.
    fn folder(&self) -> Result<PathBuf, ProfileError> {
        let dir = match self.path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, DIR_MODE);
        builder.create(&dir).map_err(|e| self.io("written", e))?;
        Ok(dir)
    }

    /// Runs `then` holding the lock, which is let go when the lock file closes. The lock file
    /// is never deleted: a Keyway waiting on a deleted one would lock a file nobody else sees.
    fn locked<T>(&self, then: impl FnOnce() -> Result<T, ProfileError>) -> Result<T, ProfileError> {
        self.folder()?;
        let mut options = OpenOptions::new();
        // Windows' LockFileEx wants the file open for reading or writing.
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, FILE_MODE);
        let file = options
            .open(self.beside(".lock"))
            .map_err(|e| self.io("locked", e))?;
        let mut lock = RwLock::new(file);
        let _held = lock.write().map_err(|e| self.io("locked", e))?;
        then()
    }

    fn read(&self) -> Result<OnDisk, ProfileError> {
        let bytes = match std::fs::read(&self.path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(OnDisk::Missing),
            Err(e) => return Err(self.io("read", e)),
        };
        let text = match std::str::from_utf8(&bytes) {
            Ok(t) => t,
            Err(e) => {
                return Ok(OnDisk::Unreadable(format!(
                    "it is not UTF-8 text, perhaps saved in another encoding: {e}"
                )))
            }
        };
        let reason = match serde_json::from_str::<Value>(text) {
            Err(e) => format!("it is damaged: {e}"),
            Ok(v) => match v.get("schema").and_then(Value::as_u64) {
                Some(n) if n > u64::from(SCHEMA) => {
                    format!("it was written by a newer Keyway (format {n})")
                }
                _ => match serde_json::from_value::<ProfilesFile>(v) {
                    Ok(file) => return Ok(OnDisk::Read(file.profiles)),
                    Err(e) => format!("it is damaged: {e}"),
                },
            },
        };
        Ok(OnDisk::Unreadable(reason))
    }

    /// Reads, moving an unreadable file aside. Only under the lock.
    fn load_locked(&self) -> Result<Vec<Profile>, ProfileError> {
        let reason = match self.read()? {
            OnDisk::Missing => return Ok(vec![]),
            OnDisk::Read(all) => return Ok(all),
            OnDisk::Unreadable(reason) => reason,
        };
        let stamp = format!(".unreadable-{}", crate::clock::now());
        // Never over an earlier kept file (two in the same second).
        let kept = (1..)
            .map(|n| match n {
                1 => self.beside(&stamp),
                n => self.beside(&format!("{stamp}-{n}")),
            })
            .find(|p| !p.exists())
            .unwrap_or_else(|| self.beside(&stamp));
        std::fs::rename(&self.path, &kept).map_err(|e| self.io("moved aside", e))?;
        // It holds the same details as the file did; an old Keyway made that readable to all.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(FILE_MODE));
        }
        Err(ProfileError::Unreadable { reason, kept })
    }

    /// Writes every profile, atomically and durably. Only under the lock.
    fn write(&self, profiles: &[Profile]) -> Result<(), ProfileError> {
        let dir = self.folder()?;
        let text = serde_json::to_string_pretty(&ProfilesFile {
            schema: SCHEMA,
            profiles: profiles.to_vec(),
        })
        .map_err(|e| self.io("written", std::io::Error::other(e)))?;
        // One writer at a time (the lock), so the process ID is name enough.
        let tmp = self.beside(&format!(".tmp-{}", std::process::id()));
        let written =
            write_private(&tmp, text.as_bytes()).and_then(|()| std::fs::rename(&tmp, &self.path));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(self.io("written", e));
        }
        sync_folder(&dir).map_err(|e| self.io("written", e))
    }
}

/// Replaces a file in Keyway's configuration folder the way `profiles.json` is replaced: a
/// private file (0600 in a 0700 folder on Unix) flushed to disk, renamed into place, the folder
/// flushed. For small settings files written by one person at a time.
pub fn replace_config_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, DIR_MODE);
    builder.create(dir)?;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".tmp-{}", std::process::id()));
    let tmp = PathBuf::from(tmp);
    let written = write_private(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written?;
    sync_folder(dir)
}

/// Writes a new file only its owner may read (on Unix), flushed to disk before it is renamed
/// into place: otherwise a power cut soon after can leave the renamed file empty.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, FILE_MODE);
    let mut file = options.open(path)?;
    // `mode` only applies to a file it creates; one left behind by a crash is made private too.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(FILE_MODE))?;
    }
    file.write_all(bytes)?;
    file.sync_all()
}

/// Flushes the folder, where the rename is recorded: until then a power cut can bring back the
/// old file.
#[cfg(unix)]
fn sync_folder(dir: &Path) -> std::io::Result<()> {
    match File::open(dir)?.sync_all() {
        // Some file systems (a few network ones) can't flush a folder; the file itself is.
        Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => Ok(()),
        other => other,
    }
}

/// Windows can't flush a folder: std can't open one as a file (that needs
/// FILE_FLAG_BACKUP_SEMANTICS), and NTFS records the rename in its own journal.
#[cfg(not(unix))]
fn sync_folder(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::goal::Method;

    fn temp() -> PathBuf {
        std::env::temp_dir()
            .join(format!("keyway-store-{}", uuid::Uuid::new_v4()))
            .join("keyway")
            .join("profiles.json")
    }

    #[test]
    fn saves_from_many_threads_at_once_all_survive() {
        let store = ProfileStore::at(temp());
        let start = std::sync::Arc::new(std::sync::Barrier::new(16));
        let threads: Vec<_> = (0..16)
            .map(|i| {
                let (store, start) = (store.clone(), start.clone());
                std::thread::spawn(move || {
                    start.wait();
                    store.put(
                        Profile::new(format!("p{i:02}"), Method::ClientSecret),
                        false,
                    )
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap().unwrap();
        }
        let mut names: Vec<String> = store.load().unwrap().into_iter().map(|p| p.name).collect();
        names.sort();
        assert_eq!(
            names,
            (0..16).map(|i| format!("p{i:02}")).collect::<Vec<_>>()
        );
    }

    #[cfg(unix)]
    #[test]
    fn the_file_and_the_folder_keyway_makes_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let store = ProfileStore::at(temp());
        store
            .put(Profile::new("a", Method::Browser), false)
            .unwrap();
        assert_eq!(format!("{:o}", mode(store.path())), "600");
        assert_eq!(format!("{:o}", mode(store.path().parent().unwrap())), "700");
        // A file an older Keyway left readable to all is made private by the next save.
        let all = std::fs::Permissions::from_mode(0o644);
        std::fs::set_permissions(store.path(), all).unwrap();
        store
            .put(Profile::new("b", Method::Browser), false)
            .unwrap();
        assert_eq!(format!("{:o}", mode(store.path())), "600");
    }

    #[test]
    fn a_file_that_is_not_utf8_is_kept_aside_and_reported() {
        let store = ProfileStore::at(temp());
        std::fs::create_dir_all(store.path().parent().unwrap()).unwrap();
        // Latin-1 "café" in a name: one byte 0xE9, which UTF-8 never has on its own.
        let bytes = b"{\"schema\": 1, \"profiles\": [{\"name\": \"caf\xe9\"}]}".to_vec();
        std::fs::write(store.path(), &bytes).unwrap();
        let err = store.load().unwrap_err();
        let ProfileError::Unreadable { kept, reason } = &err else {
            panic!("{err:?}")
        };
        assert!(reason.contains("not UTF-8"), "{reason}");
        assert_eq!(std::fs::read(kept).unwrap(), bytes, "kept as it was");
        assert!(store.load().unwrap().is_empty(), "a fresh start afterwards");
        // Files kept earlier in these seconds are never written over.
        let now = crate::clock::now();
        let earlier: Vec<PathBuf> = (now..now + 5)
            .map(|t| store.beside(&format!(".unreadable-{t}")))
            .collect();
        for p in &earlier {
            std::fs::write(p, b"kept before").unwrap();
        }
        std::fs::write(store.path(), b"\xff").unwrap();
        let ProfileError::Unreadable { kept: second, .. } = store.load().unwrap_err() else {
            panic!()
        };
        assert!(!earlier.contains(&second), "{second:?}");
        for p in &earlier {
            assert_eq!(std::fs::read(p).unwrap(), b"kept before");
        }
    }
}
