//! The inputs of a run and how one is opened and read.
//!
//! Opening never blocks: files are opened with `O_NONBLOCK`, so a path that turned into a
//! FIFO between the walk and the read is seen (by `fstat` on the open file) and reported
//! instead of waiting for a writer forever. A file is read whole only when it is small (at
//! most one chunk); its size is taken from the open file and checked against what was read,
//! so a file that shrinks or grows meanwhile is reported, not half checked.

use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// One thing to report on, in output order.
#[derive(Debug)]
pub struct Entry {
    /// The path as given or found (empty for standard input).
    pub path: PathBuf,
    /// What to do with it.
    pub kind: EntryKind,
    /// The file's outcome, when the walk checked it as it found it.
    pub checked: Option<crate::cli::job::InputOutcome>,
}

/// What an entry is.
#[derive(Debug)]
pub enum EntryKind {
    /// A file to check; `explicit` when the user named it.
    File {
        /// Whether the user named it (on the command line or in `--files-from`).
        explicit: bool,
    },
    /// Standard input.
    Stdin,
    /// A path that cannot be checked, with the reason.
    Error(String),
    /// A path passed over on purpose.
    Skipped(crate::cli::stats::SkipReason, String),
}

/// What opening a file gave.
pub enum Opened {
    /// A small file, read whole: its bytes are the buffer's first `len`.
    Small(Vec<u8>, usize),
    /// A file bigger than one chunk, open, with its size when opened.
    Big(File, u64),
    /// Larger than `--max-filesize`.
    TooLarge(u64),
    /// Could not be opened or read.
    Error(String),
}

/// Opens a file without blocking and reads it if it is at most `chunk` bytes long.
#[cfg(test)]
pub fn open(path: &Path, chunk: u64, max_filesize: Option<u64>) -> Opened {
    open_with(path, chunk, max_filesize, Vec::new())
}

/// [`open`], reading a small file into `buffer` (its contents are replaced): a worker that
/// checks many small files reuses one buffer instead of allocating (and zeroing) one a file.
/// The buffer keeps the length of the largest file read into it (the file's own length is
/// returned beside it), so that bytes zeroed once are never zeroed again.
pub fn open_with(path: &Path, chunk: u64, max_filesize: Option<u64>, mut buffer: Vec<u8>) -> Opened {
    let file = match open_nonblocking(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Opened::Error("the file vanished before it could be read".to_string())
        }
        Err(e) => return Opened::Error(describe_io_error(&e)),
    };
    let meta = match file.metadata() {
        Ok(meta) => meta,
        Err(e) => return Opened::Error(describe_io_error(&e)),
    };
    if !meta.is_file() {
        return Opened::Error(not_a_file(&meta));
    }
    let size = meta.len();
    if max_filesize.is_some_and(|max| size > max) {
        return Opened::TooLarge(size);
    }
    if size > chunk {
        return Opened::Big(file, size);
    }
    let len = match read_small(&file, size, &mut buffer) {
        Ok(len) => len,
        Err(e) => return Opened::Error(describe_io_error(&e)),
    };
    match size_change(size, len as u64) {
        Some(message) => Opened::Error(format!("{message}; not checked")),
        None => Opened::Small(buffer, len),
    }
}

/// Reads a file of `size` bytes (when opened) into the start of `buffer`, asking for one
/// byte more to see whether it grew, and returns how many bytes it read. A regular file's
/// read returns fewer bytes than asked only at the end of the file, so once `size` bytes are
/// in, the read that brought them met the end: one read call for a file that did not change,
/// not a second one to see the end.
fn read_small(mut file: &File, size: u64, buffer: &mut Vec<u8>) -> io::Result<usize> {
    let want = size as usize + 1;
    // Only the part of the buffer never used before is zeroed (it is never shortened).
    if buffer.len() < want {
        buffer.resize(want, 0);
    }
    let mut filled = 0;
    while filled < want {
        match file.read(&mut buffer[filled..want]) {
            Ok(0) => break,
            Ok(n) => {
                filled += n;
                if filled as u64 >= size && filled < want {
                    break;
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Opens a file for reading with `O_NONBLOCK` (and `O_NOCTTY`), so that opening a FIFO or a
/// device that took a file's place cannot hang the run.
pub fn open_nonblocking(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    options.open(path)
}

/// Reads all of standard input, or, with a `max` (`--max-filesize`), at most one byte more
/// than `max`: an endless stream (`< /dev/zero`) then ends the read instead of filling memory.
pub fn read_stdin(max: Option<u64>) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    let mut stdin = io::stdin().lock();
    match max {
        Some(max) => (&mut stdin).take(max.saturating_add(1)).read_to_end(&mut bytes)?,
        None => stdin.read_to_end(&mut bytes)?,
    };
    Ok(bytes)
}

/// The message for a file whose length changed between opening and reading, if it did:
/// `read` is how many bytes were there, reading at most one byte past `size`.
pub fn size_change(size: u64, read: u64) -> Option<String> {
    if read < size {
        Some(format!("the file shrank while it was read ({size} bytes when opened, {read} read)"))
    } else if read > size {
        Some(format!("the file grew while it was read (it had {size} bytes when opened)"))
    } else {
        None
    }
}

/// Whether the bytes look binary: a NUL byte in the first 8 KiB.
pub fn looks_binary(bytes: &[u8]) -> bool {
    memchr::memchr(0, &bytes[..bytes.len().min(8192)]).is_some()
}

/// Why a path that exists is not checked.
pub fn not_a_file(meta: &Metadata) -> String {
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

/// What a path that `fs::metadata` (which follows links) could not look at is.
pub fn describe_stat_error(path: &Path, e: &io::Error) -> String {
    let is_link = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if is_loop(e) {
        "a symbolic link loop (too many levels of symbolic links)".to_string()
    } else if is_link && e.kind() == io::ErrorKind::NotFound {
        "a broken symbolic link (its target does not exist)".to_string()
    } else if is_link {
        format!("a symbolic link whose target cannot be read: {}", describe_io_error(e))
    } else {
        describe_io_error(e)
    }
}

fn is_loop(e: &io::Error) -> bool {
    #[cfg(unix)]
    if e.raw_os_error() == Some(libc::ELOOP) {
        return true;
    }
    let _ = e;
    false
}

/// An I/O error as a short sentence without Rust's "(os error N)" noise.
pub fn describe_io_error(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or directory".to_string(),
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ if is_loop(e) => "a symbolic link loop (too many levels of symbolic links)".to_string(),
        _ => {
            let text = e.to_string();
            let text = match text.find(" (os error") {
                Some(cut) => &text[..cut],
                None => &text[..],
            };
            // Lowercase like the other messages ("File name too long" -> "file name too long").
            let mut chars = text.chars();
            chars.next().map_or_else(String::new, |c| c.to_lowercase().chain(chars).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_vanished_is_said_so() {
        let dir = tempfile::tempdir().unwrap();
        match open(&dir.path().join("gone"), 1024, None) {
            Opened::Error(message) => assert!(message.contains("vanished"), "{message}"),
            _ => panic!("opened a missing file"),
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_opened_without_blocking_and_refused() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        match open(&fifo, 1024, None) {
            Opened::Error(message) => assert!(message.contains("FIFO"), "{message}"),
            _ => panic!("read a FIFO"),
        }
    }

    #[test]
    fn size_changes_are_described() {
        assert_eq!(size_change(10, 10), None);
        assert!(size_change(10, 4).unwrap().contains("shrank"));
        assert!(size_change(10, 11).unwrap().contains("grew"));
    }
}
