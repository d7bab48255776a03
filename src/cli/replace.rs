//! Replacing a file atomically: a temporary file beside it, written, flushed and verified by
//! the caller, then given the permissions of the file it replaces and renamed over it. Used
//! by `gbcheck convert` and by `gbcheck check --fix`.
//!
//! Temporary files are `tempfile`'s: created with a random name (`.NAME.gbcheck-tmp-XXXXXX`)
//! that cannot collide, and removed on every way out but a kill. A process killed on the way
//! (`kill -9`) leaves its temporary file and the original untouched.

use std::fs::{self, File, Metadata};
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use tempfile::NamedTempFile;

use super::escape::escape_str;
use super::input::describe_io_error;
use super::output::DisplayPath;

/// A failure, said in a sentence.
type Failure = String;

/// Marks the name of a temporary file: `.NAME.gbcheck-tmp-XXXXXX` (random letters).
const TEMP_MARK: &str = ".gbcheck-tmp-";

/// What [`commit`] replaces, and with whose permissions.
pub struct Replace<'a> {
    /// The file the content came from (checked to be unchanged since `source_meta`).
    pub source: &'a Path,
    /// The source's metadata when it was read.
    pub source_meta: &'a Metadata,
    /// The file replaced.
    pub target: &'a Path,
    /// Whether the target is the source.
    pub in_place: bool,
    /// Keep the original target as `TARGET` + this suffix.
    pub backup: Option<&'a str>,
    /// The content came from standard input (a new target gets a new file's permissions).
    pub from_stdin: bool,
    /// What was being done, for the message when the source changed meanwhile
    /// ("it was converted").
    pub while_doing: &'a str,
}

/// Gives the temporary file (written, flushed and verified) the permissions (and, where
/// allowed, the owner) of the file it replaces, checks that the source did not change since
/// it was read, makes the backup, and renames it over the target.
pub fn commit(temp: NamedTempFile, r: &Replace) -> Result<(), Failure> {
    let (source, source_meta, target, in_place, backup, from_stdin) =
        (r.source, r.source_meta, r.target, r.in_place, r.backup, r.from_stdin);
    let unchanged = "; nothing was changed";
    // The permissions (and owner, where allowed) of the file replaced, or of the source; a new
    // file made from standard input gets those of any new file.
    let model = if in_place { Some(source_meta.clone()) } else { fs::metadata(target).ok() };
    let permissions = match model {
        None if from_stdin => new_file_permissions(),
        model => {
            let model = model.unwrap_or_else(|| source_meta.clone());
            let _ = std::os::unix::fs::fchown(temp.as_file(), Some(model.uid()), Some(model.gid()));
            model.permissions()
        }
    };
    temp.as_file()
        .set_permissions(permissions)
        .map_err(|e| format!("cannot set the permissions: {}{unchanged}", describe_io_error(&e)))?;

    // The source must still be what was checked and converted.
    let now =
        fs::metadata(source).map_err(|e| format!("cannot stat: {}{unchanged}", describe_io_error(&e)))?;
    if now.len() != source_meta.len()
        || now.mtime() != source_meta.mtime()
        || now.mtime_nsec() != source_meta.mtime_nsec()
    {
        return Err(format!("the file changed while {}{unchanged}", r.while_doing));
    }
    if let Some(suffix) = backup {
        make_backup(target, suffix)?;
    }
    temp.persist(target)
        .map_err(|e| format!("cannot replace the file: {}{unchanged}", describe_io_error(&e.error)))?;
    // The rename is durable once the directory is.
    if let Ok(dir) = File::open(parent_of(target)) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// The directory holding `path` (`.` for a bare name).
pub fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// The start of the name of a temporary file for `path`: `.NAME.gbcheck-tmp-`, which
/// `tempfile` ends with random letters (and creates readable and writable by the owner only).
fn temp_prefix(path: &Path) -> String {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    format!(".{name}{TEMP_MARK}")
}

/// Creates a new temporary file beside `path`.
pub fn create_temp(path: &Path) -> Result<NamedTempFile, Failure> {
    let prefix = temp_prefix(path);
    tempfile::Builder::new().prefix(&prefix).tempfile_in(parent_of(path)).map_err(|e| {
        let dir = escape_str(&DisplayPath::of(parent_of(path)).text);
        let why = if matches!(e.kind(), io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem) {
            format!("{} (the directory is not writable)", describe_io_error(&e))
        } else {
            describe_io_error(&e)
        };
        format!("cannot create a temporary file in {dir}: {why}; nothing was changed")
    })
}

/// The permissions a new file gets: read and write for all, less the umask.
fn new_file_permissions() -> fs::Permissions {
    use rustix::fs::Mode;
    use std::os::unix::fs::PermissionsExt;
    // The mask is read by setting it and set back at once; `convert` runs on one thread, so
    // no file is created in between.
    let mask = rustix::process::umask(Mode::from_raw_mode(0o077));
    rustix::process::umask(mask);
    // `mode_t` is not `u32` everywhere (it is `u16` on macOS).
    #[allow(clippy::useless_conversion)]
    let mask = u32::from(mask.as_raw_mode());
    fs::Permissions::from_mode(0o666 & !mask)
}

/// Keeps the original as `PATH` + `suffix`: a hard link when the file system allows it, a copy
/// otherwise; either way through a temporary name, so an older backup is replaced whole.
fn make_backup(path: &Path, suffix: &str) -> Result<(), Failure> {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    let backup = path.with_file_name(name);
    let fail = |e: io::Error| {
        format!("cannot make the backup {}: {}; nothing was changed", backup.display(), describe_io_error(&e))
    };
    let (dir, prefix) = (parent_of(&backup), temp_prefix(&backup));
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix);
    match builder.make_in(dir, |temp| fs::hard_link(path, temp)) {
        Ok(link) => link.persist(&backup).map_err(|e| fail(e.error))?,
        Err(_) => {
            let mut copy = builder.tempfile_in(dir).map_err(fail)?;
            let mut original = File::open(path).map_err(fail)?;
            io::copy(&mut original, copy.as_file_mut()).map_err(fail)?;
            let permissions = original.metadata().map_err(fail)?.permissions();
            copy.as_file().set_permissions(permissions).map_err(fail)?;
            copy.as_file().sync_all().map_err(fail)?;
            copy.persist(&backup).map_err(|e| fail(e.error))?;
        }
    }
    Ok(())
}
