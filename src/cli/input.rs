//! Finding the inputs named on the command line and reading them.

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// One input to check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// Standard input (`-`).
    Stdin,
    /// A file, named on the command line or found in a directory.
    File {
        /// Its path, as given or joined below a given directory.
        path: PathBuf,
        /// Whether the user named it explicitly (skips are then reported, not silent).
        explicit: bool,
    },
}

/// Something found while expanding the paths.
#[derive(Debug)]
pub enum Found {
    /// An input to read.
    Input(Input),
    /// A path that could not be looked at or is not a file.
    Error(PathBuf, String),
    /// A path passed over on purpose.
    Skipped(PathBuf, String),
}

/// Expands the command-line paths into inputs: directories recursively, in sorted order.
/// Hidden entries (names starting with `.`) inside directories are passed over, and symbolic
/// links found inside directories are followed to files but never into directories, so a
/// link loop cannot trap the walk.
pub fn expand(paths: &[PathBuf]) -> Vec<Found> {
    let mut found = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            found.push(Found::Input(Input::Stdin));
            continue;
        }
        match fs::metadata(path) {
            Err(e) => found.push(Found::Error(path.clone(), describe_io_error(&e))),
            Ok(meta) if meta.is_dir() => walk(path, &mut found),
            Ok(meta) if meta.is_file() => {
                found.push(Found::Input(Input::File { path: path.clone(), explicit: true }))
            }
            Ok(meta) => found.push(Found::Error(path.clone(), not_a_file(&meta))),
        }
    }
    found
}

fn walk(dir: &Path, found: &mut Vec<Found>) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => return found.push(Found::Error(dir.to_path_buf(), describe_io_error(&e))),
    };
    let mut children = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) => children.push(entry),
            Err(e) => found.push(Found::Error(dir.to_path_buf(), describe_io_error(&e))),
        }
    }
    children.sort_by_key(|e| e.file_name());
    for entry in children {
        if entry.file_name().as_encoded_bytes().starts_with(b".") {
            continue;
        }
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            found.push(Found::Error(path, "cannot read the file type".to_string()));
            continue;
        };
        if kind.is_dir() {
            walk(&path, found);
        } else if kind.is_file() {
            found.push(Found::Input(Input::File { path, explicit: false }));
        } else if kind.is_symlink() {
            match fs::metadata(&path) {
                Ok(meta) if meta.is_file() => found.push(Found::Input(Input::File { path, explicit: false })),
                Ok(meta) if meta.is_dir() => {
                    found.push(Found::Skipped(path, "symbolic link to a directory, not followed".to_string()))
                }
                Ok(meta) => found.push(Found::Skipped(path, not_a_file(&meta))),
                Err(e) => {
                    found.push(Found::Error(path, format!("broken symbolic link: {}", describe_io_error(&e))))
                }
            }
        } else {
            found.push(Found::Skipped(path, "not a regular file".to_string()));
        }
    }
}

/// Why a path that exists is not checked.
fn not_a_file(meta: &fs::Metadata) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = meta.file_type();
        if kind.is_fifo() {
            return "a named pipe (FIFO), not a regular file: not read".to_string();
        }
        if kind.is_socket() {
            return "a socket, not a regular file: not read".to_string();
        }
        if kind.is_block_device() || kind.is_char_device() {
            return "a device, not a regular file: not read".to_string();
        }
    }
    let _ = meta;
    "not a regular file: not read".to_string()
}

/// An I/O error as a short sentence without Rust's "(os error N)" noise.
pub fn describe_io_error(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or directory".to_string(),
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => {
            let text = e.to_string();
            match text.find(" (os error") {
                Some(cut) => text[..cut].to_string(),
                None => text,
            }
        }
    }
}

/// Reads a whole input.
pub fn read(input: &Input) -> io::Result<Vec<u8>> {
    match input {
        Input::Stdin => {
            let mut bytes = Vec::new();
            io::stdin().lock().read_to_end(&mut bytes)?;
            Ok(bytes)
        }
        Input::File { path, .. } => fs::read(path),
    }
}

/// Whether the bytes look binary: a NUL byte in the first 8 KiB.
pub fn looks_binary(bytes: &[u8]) -> bool {
    memchr::memchr(0, &bytes[..bytes.len().min(8192)]).is_some()
}
