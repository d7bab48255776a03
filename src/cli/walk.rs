//! Finding the inputs: the paths named (on the command line or in `--files-from`), and the
//! files below the directories among them, walked in parallel with the `ignore` crate.
//!
//! The walk lists (file types come from the directory entries, and symbolic links are looked
//! through with `stat`); the list is then sorted by path, so the output order never depends
//! on thread scheduling. It may also check each file it finds, with a check the caller gives
//! (which may decline): the walk's threads then check while they list, and the outcome waits
//! in the entry for the file's turn to be reported.
//!
//! - `.ignore` files are respected, and `.gitignore` and `.git/info/exclude` inside a Git
//!   repository (anywhere with `--no-require-git`), as ripgrep does; hidden entries are
//!   passed over, unless `--no-ignore` / `--hidden`. A `.git` directory is never walked.
//! - `--exclude GLOB` (gitignore syntax, matched against paths relative to the current
//!   directory) prunes the walk, and so do the `exclude` globs of the configuration file
//!   that applies to each directory (relative to that file, see [`crate::cli::discovery`]);
//!   with `--force-exclude` they also drop named paths.
//! - The entries passed over by ignore files and excludes are counted (not the entries
//!   inside an ignored directory, which is not read): [`Walked::ignored`].
//! - Symbolic links are never followed into directories (so a link loop cannot trap the
//!   walk); a link to a file is checked, a broken link or a loop is an error.
//! - FIFOs, sockets and devices are never opened: they are errors ("not a regular file").

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc};

use ignore::overrides::{Override, OverrideBuilder};
use ignore::{WalkBuilder, WalkState};

use crate::cli::discovery::Discovery;
use crate::cli::input::{describe_io_error, describe_stat_error, not_a_file, Entry, EntryKind};
use crate::cli::job::InputOutcome;
use crate::cli::shard::{self, Shard};
use crate::cli::stats::SkipReason;

/// How to walk.
pub struct WalkOptions {
    /// Check hidden files and directories too.
    pub hidden: bool,
    /// Do not respect ignore files.
    pub no_ignore: bool,
    /// Respect `.gitignore` files only inside a Git repository (`--no-require-git` turns
    /// this off).
    pub require_git: bool,
    /// Globs to exclude (gitignore syntax).
    pub excludes: Vec<String>,
    /// Apply the excludes to named paths too.
    pub force_exclude: bool,
    /// Threads for the walk.
    pub threads: usize,
    /// Keep only the paths of this shard (`--shard`).
    pub shard: Option<Shard>,
    /// The configuration files, whose `exclude` globs apply to their directories; `None`
    /// when no configuration has excludes.
    pub configs: Option<Arc<Discovery>>,
}

/// What the walk found.
pub struct Walked {
    /// The entries to report on, sorted by path (standard input last).
    pub entries: Vec<Entry>,
    /// Entries (files and directories) passed over by ignore files, `--exclude` and the
    /// configuration's excludes, named paths dropped by `--force-exclude` among them. With
    /// `--shard`, shard 1 counts them for the whole tree (every shard walks it), so that the
    /// shards add up.
    pub ignored: u64,
}

/// Reads the paths listed in `--files-from`: one a line (or NUL-separated with `-0`), given
/// exactly as bytes; empty entries are skipped. A list with a NUL byte read one a line is
/// refused (it must be read with `-0`).
pub fn read_file_list(source: &Path, null: bool) -> io::Result<Vec<PathBuf>> {
    let mut bytes = Vec::new();
    if source.as_os_str() == "-" {
        io::stdin().lock().read_to_end(&mut bytes)?;
    } else {
        std::fs::File::open(source)?.read_to_end(&mut bytes)?;
    }
    if !null && bytes.contains(&0) {
        // A NUL never belongs in a path: this is a NUL-separated list (`git ls-files -z`,
        // `find -print0`) read one a line, which would be one long wrong path.
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "the list holds NUL bytes, so it is NUL-separated: use -0 (--null) to read it",
        ));
    }
    let separator = if null { b'\0' } else { b'\n' };
    Ok(bytes
        .split(|&b| b == separator)
        .map(|name| if !null && name.ends_with(b"\r") { &name[..name.len() - 1] } else { name })
        .filter(|name| !name.is_empty())
        .map(path_from_bytes)
        .collect())
}

#[cfg(unix)]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
}

/// Builds the `--exclude` matcher.
pub fn excludes(globs: &[String]) -> Result<Override, String> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let mut builder = OverrideBuilder::new(cwd);
    for glob in globs {
        builder.add(&format!("!{glob}")).map_err(|e| format!("bad --exclude glob '{glob}': {e}"))?;
    }
    builder.build().map_err(|e| format!("bad --exclude globs: {e}"))
}

/// Whether a named path, or a directory above it, matches an exclude of the configuration
/// of the directory holding it (as the walk would judge it on its way down).
pub fn is_excluded_by_config(configs: &Discovery, path: &Path, is_dir: bool) -> bool {
    path.ancestors()
        .enumerate()
        .filter_map(|(i, p)| p.file_name().map(|name| (i, p, name)))
        .any(|(i, p, name)| configs.of_entry(p).excludes(name, i > 0 || is_dir))
}

/// Whether a named path, or a directory above it, matches an exclude.
fn is_excluded(excludes: &Override, path: &Path, is_dir: bool) -> bool {
    if excludes.is_empty() {
        return false;
    }
    let path = path.strip_prefix("./").unwrap_or(path);
    if excludes.matched(path, is_dir).is_ignore() {
        return true;
    }
    path.ancestors()
        .skip(1)
        .filter(|p| !p.as_os_str().is_empty() && *p != Path::new("/"))
        .any(|p| excludes.matched(p, true).is_ignore())
}

/// A check the walk's threads run on the files they find, or `None` where it declines.
pub type CheckFound<'a> = &'a (dyn Fn(&Path) -> Option<InputOutcome> + Sync);

/// Lists every entry to report on, sorted by path (standard input last); the files found by
/// walking a directory are checked with `check` as they are found, if given.
pub fn collect(
    paths: &[PathBuf],
    options: &WalkOptions,
    check: Option<CheckFound>,
) -> Result<Walked, String> {
    let excludes = excludes(&options.excludes)?;
    let mut entries = Vec::new();
    let mut roots = Vec::new();
    let mut ignored = 0;
    let force_excluded = |path: &Path, is_dir: bool| {
        options.force_exclude
            && (is_excluded(&excludes, path, is_dir)
                || options
                    .configs
                    .as_ref()
                    .is_some_and(|configs| is_excluded_by_config(configs, path, is_dir)))
    };
    for path in paths {
        if path.as_os_str() == "-" {
            entries.push(Entry { path: PathBuf::new(), kind: EntryKind::Stdin, checked: None });
            continue;
        }
        let kind = match std::fs::metadata(path) {
            Err(e) => EntryKind::Error(describe_stat_error(path, &e)),
            Ok(meta) if force_excluded(path, meta.is_dir()) => {
                ignored += 1;
                continue;
            }
            Ok(meta) if meta.is_dir() => {
                roots.push(path.clone());
                continue;
            }
            Ok(meta) if meta.is_file() => EntryKind::File { explicit: true },
            Ok(meta) => EntryKind::Error(not_a_file(&meta)),
        };
        entries.push(Entry { path: path.clone(), kind, checked: None });
    }
    if let Some(shard) = options.shard {
        entries.retain(|e| matches!(e.kind, EntryKind::Stdin) || shard.holds(&shard::key(&e.path, &roots)));
    }
    if !roots.is_empty() {
        ignored += walk(&roots, options, excludes, check, &mut entries);
    }
    if options.shard.is_some_and(|shard| shard.index > 0) {
        ignored = 0;
    }
    // Sorted by path, component by component (as a sorted recursive walk would list them);
    // standard input comes last, so that a pipe left open cannot hold up the files.
    // Each thread of the walk has sorted what it found: this merges those runs (the sort
    // finds them), and keeps paths named twice in the order named (the first is kept, below).
    entries.sort_by(entry_order);
    // A path named twice (or found under two roots) is checked once. The walk of a single
    // directory finds each path once.
    if paths.len() > 1 {
        entries.dedup_by(|b, a| {
            a.path == b.path && !matches!(a.kind, EntryKind::Stdin) && !matches!(b.kind, EntryKind::Stdin)
        });
    }
    if entries.iter().filter(|e| matches!(e.kind, EntryKind::Stdin)).count() > 1 {
        let mut seen = false;
        entries.retain(|e| !matches!(e.kind, EntryKind::Stdin) || !std::mem::replace(&mut seen, true));
    }
    Ok(Walked { entries, ignored })
}

/// The output order: by path (see [`compare_paths`]), standard input last.
fn entry_order(a: &Entry, b: &Entry) -> std::cmp::Ordering {
    let stdin = |e: &Entry| matches!(e.kind, EntryKind::Stdin);
    stdin(a).cmp(&stdin(b)).then_with(|| compare_paths(&a.path, &b.path))
}

/// Compares two paths as their [`sort_key_bytes`] compare, without making the keys: the
/// first byte where the paths differ decides, a separator counting as the lowest byte (so
/// that `a/b` comes before `a.txt`, as a sorted recursive walk lists them).
fn compare_paths(a: &Path, b: &Path) -> std::cmp::Ordering {
    let (a, b) = (a.as_os_str().as_encoded_bytes(), b.as_os_str().as_encoded_bytes());
    let rank = |b: u8| if std::path::is_separator(char::from(b)) { 0 } else { u16::from(b) + 1 };
    // Paths of one tree share long prefixes: skip them eight bytes at a time.
    let n = a.len().min(b.len());
    let word = |s: &[u8], i: usize| u64::from_ne_bytes(s[i..i + 8].try_into().unwrap_or([0; 8]));
    let mut i = 0;
    while i + 8 <= n && word(a, i) == word(b, i) {
        i += 8;
    }
    while i < n && a[i] == b[i] {
        i += 1;
    }
    if i < n {
        rank(a[i]).cmp(&rank(b[i]))
    } else {
        a.len().cmp(&b.len())
    }
}

/// A key that orders paths component by component, as a sorted recursive walk lists them
/// (`a/b` before `a.txt`): the path's bytes with each separator made the lowest byte, 00,
/// which no path holds. `gbcheck merge` orders records with it.
pub fn sort_key_bytes(path: &[u8]) -> Vec<u8> {
    path.iter().map(|&b| sort_key_byte(b)).collect()
}

/// One byte of [`sort_key_bytes`]: a separator sorts as 0, before every other byte.
fn sort_key_byte(b: u8) -> u8 {
    if std::path::is_separator(char::from(b)) {
        0
    } else {
        b
    }
}

/// Walks the directories in parallel and appends what it finds (only the shard's, with
/// `--shard`), checking the files with `check`; returns the number of entries ignore files
/// and excludes passed over.
fn walk(
    roots: &[PathBuf],
    options: &WalkOptions,
    excludes: Override,
    check: Option<CheckFound>,
    entries: &mut Vec<Entry>,
) -> u64 {
    let respect = !options.no_ignore;
    // Without ignore files or --exclude, only hidden entries (never counted) are passed over.
    let listing = respect || !excludes.is_empty();
    let mut builder = WalkBuilder::new(&roots[0]);
    for root in &roots[1..] {
        builder.add(root);
    }
    builder
        .hidden(!options.hidden)
        .ignore(respect)
        .git_ignore(respect)
        .git_exclude(respect)
        .git_global(respect)
        .parents(respect)
        .require_git(options.require_git)
        .follow_links(false)
        .overrides(excludes)
        .threads(options.threads)
        // A Git repository's own directory is never text to check, even with --hidden. The
        // type is looked at first: taking a path's file name is the dearer test, and only
        // directories need it.
        .filter_entry(|dent| !(dent.file_type().is_some_and(|t| t.is_dir()) && dent.file_name() == ".git"));
    let (tx, rx) = mpsc::channel::<(Vec<Entry>, Tally)>();
    builder.build_parallel().run(|| {
        let mut found = Found { entries: Vec::new(), tally: Tally::default(), tx: tx.clone() };
        let in_shard =
            |entry: &Entry| options.shard.is_none_or(|shard| shard.holds(&shard::key(&entry.path, roots)));
        Box::new(move |result| {
            match result {
                Ok(dent) => {
                    if found.tally.passed_over(&dent, options, listing) {
                        return WalkState::Skip;
                    }
                    let Some(mut entry) = classify(dent).filter(in_shard) else { return WalkState::Continue };
                    if let (EntryKind::File { .. }, Some(check)) = (&entry.kind, check) {
                        entry.checked = check(&entry.path);
                    }
                    found.entries.push(entry);
                }
                Err(e) => found.entries.extend(walk_errors(&e, None).into_iter().filter(in_shard)),
            }
            WalkState::Continue
        })
    });
    drop(tx);
    let mut total = Tally::default();
    for (found, tally) in rx {
        entries.extend(found);
        total.listed += tally.listed;
        total.reached += tally.reached;
        total.excluded += tally.excluded;
    }
    // `listed` counts each directory's entries as this thread saw them, just after the
    // walk's own read: a file made or removed in between may tip the count by one.
    total.listed.saturating_sub(total.reached) + total.excluded
}

/// What one thread of the walk counts to tell how many entries were passed over: the
/// entries ignore files and `--exclude` pass over are never shown to the walk's callback,
/// so they are the entries of the directories read (`listed`) less those shown (`reached`).
#[derive(Default)]
struct Tally {
    /// The entries of the directories walked that the walk could show (not a `.git`
    /// directory; not hidden ones, unless `--hidden`).
    listed: u64,
    /// The entries below the roots the walk showed, less the hidden ones an ignore file let
    /// through (not in `listed` either).
    reached: u64,
    /// The entries the configuration's excludes passed over.
    excluded: u64,
}

impl Tally {
    /// Counts an entry the walk shows; whether the configuration's excludes pass it over
    /// (and so, for a directory, whether to skip it).
    fn passed_over(&mut self, dent: &ignore::DirEntry, options: &WalkOptions, listing: bool) -> bool {
        let is_dir = dent.file_type().is_some_and(|t| t.is_dir());
        let configs = options.configs.as_deref();
        if dent.depth() > 0 {
            let name = dent.file_name();
            if listing && (options.hidden || !name.as_encoded_bytes().starts_with(b".")) {
                self.reached += 1;
            }
            if let Some(configs) = configs.filter(|configs| configs.may_exclude()) {
                if configs.of_entry(dent.path()).excludes(name, is_dir) {
                    self.excluded += 1;
                    return true;
                }
            }
        }
        if is_dir {
            // A configuration file in the directory is found before its entries are judged.
            if let Some(configs) = configs {
                configs.of_dir(dent.path());
            }
            if listing {
                self.listed += count_entries(dent.path(), options.hidden);
            }
        }
        false
    }
}

/// The entries of a directory the walk could show: all but a `.git` directory, and, unless
/// `hidden`, those whose names start with a dot.
fn count_entries(dir: &Path, hidden: bool) -> u64 {
    let Ok(read) = std::fs::read_dir(dir) else { return 0 };
    let shown = |entry: &std::fs::DirEntry| {
        let name = entry.file_name();
        if name.as_encoded_bytes().starts_with(b".") {
            hidden && !(name == ".git" && entry.file_type().is_ok_and(|t| t.is_dir()))
        } else {
            true
        }
    };
    read.filter_map(Result::ok).filter(shown).count() as u64
}

/// What one thread of the walk found: sorted by that thread when it is done (the threads
/// sort in parallel; the main thread only merges), then sent.
struct Found {
    entries: Vec<Entry>,
    tally: Tally,
    tx: mpsc::Sender<(Vec<Entry>, Tally)>,
}

impl Drop for Found {
    fn drop(&mut self) {
        let mut entries = std::mem::take(&mut self.entries);
        sort_found(&mut entries);
        let _ = self.tx.send((entries, std::mem::take(&mut self.tally)));
    }
}

/// Sorts what the walk found (never standard input) by path, as [`entry_order`] would.
///
/// [`compare_paths`] goes through the long prefix that the paths of one tree share on every
/// comparison; sorting 20,000 paths that way was a twentieth of the instructions of a run
/// on 20,000 small files. Here each path gets a 16-byte key once, the bytes of its sort key
/// ([`sort_key_bytes`]) just past the prefix all the paths share, and the keys decide the
/// order; only paths whose keys are equal are compared in full.
fn sort_found(entries: &mut [Entry]) {
    fn bytes(entry: &Entry) -> &[u8] {
        entry.path.as_os_str().as_encoded_bytes()
    }
    let Some(first) = entries.first().map(bytes) else { return };
    let shared = entries.iter().fold(first.len(), |n, entry| {
        first[..n].iter().zip(bytes(entry)).take_while(|(a, b)| a == b).count()
    });
    let mut order: Vec<(u128, usize)> =
        entries.iter().enumerate().map(|(i, entry)| (key_after(bytes(entry), shared), i)).collect();
    order.sort_unstable_by(|(key_a, a), (key_b, b)| {
        key_a.cmp(key_b).then_with(|| compare_paths(&entries[*a].path, &entries[*b].path)).then(a.cmp(b))
    });
    // Entry `source[j]` goes to `j`: each cycle of the permutation is followed once, with
    // swaps, so that no second list of entries is made (its pages cost more than the swaps).
    let mut source: Vec<usize> = order.into_iter().map(|(_, i)| i).collect();
    for start in 0..source.len() {
        let mut j = start;
        loop {
            let k = source[j];
            source[j] = j;
            if k == start {
                break;
            }
            entries.swap(j, k);
            j = k;
        }
    }
}

/// The 16 bytes of a path's [`sort_key_bytes`] from `from` on, big-endian, zero-padded:
/// paths whose keys differ are in the order of their keys (a path that ends is padded with
/// zeros, which sort first, like a shorter path; a separator is zero too, so such keys may
/// tie, and ties are settled by the whole paths).
fn key_after(path: &[u8], from: usize) -> u128 {
    let mut key = [0u8; 16];
    for (k, &b) in key.iter_mut().zip(path.get(from..).unwrap_or_default()) {
        *k = sort_key_byte(b);
    }
    u128::from_be_bytes(key)
}

/// What one entry found by the walk means (nothing for a directory).
fn classify(dent: ignore::DirEntry) -> Option<Entry> {
    let kind = dent.file_type()?;
    if kind.is_dir() {
        return None;
    }
    let path = dent.into_path();
    let kind = if kind.is_file() {
        EntryKind::File { explicit: false }
    } else if kind.is_symlink() {
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_file() => EntryKind::File { explicit: false },
            Ok(meta) if meta.is_dir() => EntryKind::Skipped(
                SkipReason::LinkToDirectory,
                "a symbolic link to a directory: not followed".to_string(),
            ),
            Ok(meta) => EntryKind::Error(not_a_file(&meta)),
            Err(e) => EntryKind::Error(describe_stat_error(&path, &e)),
        }
    } else {
        match std::fs::symlink_metadata(&path) {
            Ok(meta) => EntryKind::Error(not_a_file(&meta)),
            Err(e) => EntryKind::Error(describe_io_error(&e)),
        }
    };
    Some(Entry { path, kind, checked: None })
}

/// The errors inside an error of the walk, each with its path.
fn walk_errors(error: &ignore::Error, path: Option<&Path>) -> Vec<Entry> {
    use ignore::Error as E;
    match error {
        E::Partial(errors) => errors.iter().flat_map(|e| walk_errors(e, path)).collect(),
        E::WithPath { path, err } => walk_errors(err, Some(path)),
        E::WithDepth { err, .. } => walk_errors(err, path),
        E::WithLineNumber { line, err } => walk_errors(err, path)
            .into_iter()
            .map(|mut entry| {
                if let EntryKind::Error(message) = &mut entry.kind {
                    *message = format!("line {line}: {message}");
                }
                entry
            })
            .collect(),
        E::Io(e) => {
            let message = match path {
                Some(p) if e.kind() == io::ErrorKind::PermissionDenied && p.is_dir() => {
                    "permission denied: the directory cannot be read".to_string()
                }
                _ => describe_io_error(e),
            };
            vec![Entry {
                path: path.map(Path::to_path_buf).unwrap_or_default(),
                kind: EntryKind::Error(message),
                checked: None,
            }]
        }
        other => vec![Entry {
            path: path.map(Path::to_path_buf).unwrap_or_default(),
            kind: EntryKind::Error(other.to_string()),
            checked: None,
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn found_entries_sort_as_entry_order_sorts_them() {
        let names = [
            "a",
            "a.txt",
            "a/b",
            "a/b/c",
            "a-b",
            "a/",
            "ab",
            "b",
            "a/b.txt",
            "a//b",
            "./a",
            "中/文",
            "中.txt",
            "/t/walk/d00/s000/zh00000.po",
            "/t/walk/d00/s000/zh00001.po",
            "/t/walk/d00/s000/zh00000.pox",
            "/t/walk/d00/s000/zh00000.po/x",
            "/t/walk/d00/s001",
            "/t/walk/d00/s000/zh00000.p",
            "/t/walk/d00/s000/zh00000.po",
            "/t/walk/d0",
            "/t/walk/d00/s000/a-very-long-file-name-that-shares-a-prefix-1.txt",
            "/t/walk/d00/s000/a-very-long-file-name-that-shares-a-prefix-0.txt",
            "/t/walk/d00/s000/a-very-long-file-name-that-shares-a-prefix/0.txt",
        ];
        let entries = |names: &[&str]| -> Vec<Entry> {
            names
                .iter()
                .enumerate()
                .map(|(i, name)| Entry {
                    path: PathBuf::from(name),
                    kind: if i % 2 == 0 {
                        EntryKind::File { explicit: false }
                    } else {
                        EntryKind::Error(i.to_string())
                    },
                    checked: None,
                })
                .collect()
        };
        let shown = |entries: &[Entry]| -> Vec<String> {
            entries.iter().map(|e| format!("{} {:?}", e.path.display(), e.kind)).collect()
        };
        // Every rotation of the list, and the tree's paths alone (a long shared prefix).
        for start in 0..names.len() {
            let rotated: Vec<&str> = names[start..].iter().chain(&names[..start]).copied().collect();
            for list in [&rotated[..], &rotated[..rotated.len().min(3)]] {
                let mut expected = entries(list);
                expected.sort_by(entry_order);
                let mut found = entries(list);
                sort_found(&mut found);
                assert_eq!(shown(&found), shown(&expected), "{list:?}");
            }
        }
        let tree: Vec<&str> = names.iter().copied().filter(|n| n.starts_with("/t/")).rev().collect();
        let mut expected = entries(&tree);
        expected.sort_by(entry_order);
        let mut found = entries(&tree);
        sort_found(&mut found);
        assert_eq!(shown(&found), shown(&expected));
    }

    #[test]
    fn paths_compare_as_their_sort_keys() {
        let names = [
            "a", "a.txt", "a/b", "a/b/c", "a-b", "a/", "ab", "b", "a/b.txt", "a//b", "", "./a", "中/文",
            "中.txt",
        ];
        for x in names {
            for y in names {
                let expected = sort_key_bytes(x.as_bytes()).cmp(&sort_key_bytes(y.as_bytes()));
                assert_eq!(compare_paths(Path::new(x), Path::new(y)), expected, "{x} vs {y}");
            }
        }
    }
}
