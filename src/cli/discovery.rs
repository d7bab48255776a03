//! Which configuration file applies where: for the entries of each directory, the nearest
//! one at or above it (`gbcheck.toml`, then `.gbcheck.toml`, then a `pyproject.toml` with a
//! `[tool.gbcheck]` table, in one directory), as ruff and typos find theirs; or the one file
//! `--config` names, for everything; or none with `--no-config`.
//!
//! Each directory is looked at once (a few `stat` calls) and its answer kept, so a walk of
//! many files in few directories reads each configuration file once and asks the disk
//! nothing more per file. A file that cannot be read or parsed is recorded, and the run
//! stops with its error before anything is reported.

use std::collections::{BTreeSet, HashMap};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use crate::cli::config::{absolute, Loaded};

/// Where the configuration comes from.
enum Source {
    /// `--no-config`.
    Off,
    /// `--config FILE`.
    Fixed(Arc<Loaded>),
    /// The nearest file above each path.
    Nearest,
}

/// The configuration of the entries of one directory.
#[derive(Debug)]
pub struct Place {
    /// The configuration file that applies, if any.
    pub loaded: Option<Arc<Loaded>>,
    /// The directory relative to the configuration file's directory; `None` when it is not
    /// below it (an explicit `--config` elsewhere), where the file's globs match nothing.
    relative: Option<PathBuf>,
}

impl Place {
    /// Whether the configuration's `exclude` globs match the entry `name` of this directory.
    pub fn excludes(&self, name: &OsStr, is_dir: bool) -> bool {
        match (&self.loaded, &self.relative) {
            (Some(loaded), Some(relative)) if loaded.has_excludes() => {
                loaded.excludes(&relative.join(name), is_dir)
            }
            _ => false,
        }
    }

    /// The configuration's overrides that match the entry `name` of this directory.
    pub fn matching(&self, name: &OsStr) -> u64 {
        match (&self.loaded, &self.relative) {
            (Some(loaded), Some(relative)) if !loaded.config.overrides.is_empty() => {
                loaded.matching(&relative.join(name))
            }
            _ => 0,
        }
    }

    /// Whether both places have the same configuration file (or none).
    pub fn same_config(&self, other: &Place) -> bool {
        match (&self.loaded, &other.loaded) {
            (Some(a), Some(b)) => a.file == b.file,
            (None, None) => true,
            _ => false,
        }
    }
}

/// Finds, keeps and hands out the configuration of each directory.
pub struct Discovery {
    source: Source,
    /// The current directory, read once: relative paths are made absolute against it.
    cwd: PathBuf,
    /// By directory, as the walk names it (`./src`): what its entries are checked with.
    places: RwLock<HashMap<PathBuf, Arc<Place>>>,
    /// By absolute directory: the nearest configuration file at or above it.
    nearest: Mutex<HashMap<PathBuf, Option<Arc<Loaded>>>>,
    /// The configuration files that could not be read or parsed.
    errors: Mutex<BTreeSet<String>>,
    /// How many configuration files were found so far.
    files_found: AtomicUsize,
    /// Whether a directory without any configuration file above it was found.
    none_found: AtomicBool,
    /// Whether a configuration file with `exclude` globs was found.
    excludes_found: AtomicBool,
}

impl Discovery {
    /// The configuration `--config` / `--no-config` ask for; an error when `--config` names
    /// a file that cannot be read or parsed.
    pub fn new(explicit: Option<&Path>, disabled: bool) -> Result<Discovery, String> {
        let source = match (disabled, explicit) {
            (true, _) => Source::Off,
            (false, Some(file)) => Source::Fixed(Arc::new(Loaded::read(file)?)),
            (false, None) => Source::Nearest,
        };
        let excludes = matches!(&source, Source::Fixed(loaded) if loaded.has_excludes());
        Ok(Discovery {
            source,
            cwd: absolute(Path::new(".")),
            places: RwLock::default(),
            nearest: Mutex::default(),
            errors: Mutex::default(),
            files_found: AtomicUsize::new(0),
            none_found: AtomicBool::new(false),
            excludes_found: AtomicBool::new(excludes),
        })
    }

    /// Whether a configuration file found so far has `exclude` globs: until one does, the
    /// walk need not look up the configuration of each file. (The walk looks up each
    /// directory's configuration when it comes to the directory, before its entries.)
    pub fn may_exclude(&self) -> bool {
        self.excludes_found.load(Ordering::Acquire)
    }

    /// Whether every path looked up so far has the configuration of `run`, with no
    /// overrides: then every file is checked with the run's settings, and the settings of a
    /// file need no look-up. (`run` was looked up first.)
    pub fn uniform(&self, run: &Place) -> bool {
        match (&self.source, &run.loaded) {
            (Source::Off, _) => true,
            (Source::Fixed(loaded), _) => loaded.config.overrides.is_empty(),
            (Source::Nearest, Some(loaded)) => {
                loaded.config.overrides.is_empty()
                    && self.files_found.load(Ordering::Acquire) == 1
                    && !self.none_found.load(Ordering::Acquire)
            }
            (Source::Nearest, None) => self.files_found.load(Ordering::Acquire) == 0,
        }
    }

    /// Whether the settings, excludes or overrides can differ from path to path.
    pub fn varies(&self) -> bool {
        match &self.source {
            Source::Off => false,
            Source::Fixed(loaded) => loaded.has_excludes() || !loaded.config.overrides.is_empty(),
            Source::Nearest => true,
        }
    }

    /// The configuration files found so far (each once), or the one `--config` names.
    pub fn files(&self) -> Vec<Arc<Loaded>> {
        match &self.source {
            Source::Off => Vec::new(),
            Source::Fixed(loaded) => vec![Arc::clone(loaded)],
            Source::Nearest => {
                let nearest = self.nearest.lock().unwrap_or_else(PoisonError::into_inner);
                let mut files: Vec<Arc<Loaded>> = nearest.values().flatten().cloned().collect();
                files.sort_by(|a, b| a.file.cmp(&b.file));
                files.dedup_by(|a, b| a.file == b.file);
                files
            }
        }
    }

    /// The configuration files that could not be read or parsed, each error once.
    pub fn errors(&self) -> Vec<String> {
        self.errors.lock().unwrap_or_else(PoisonError::into_inner).iter().cloned().collect()
    }

    /// The configuration of the file or directory `path` as an entry of its directory (the
    /// one that decides whether it is excluded, and the overrides of a file).
    pub fn of_entry(&self, path: &Path) -> Arc<Place> {
        self.of_dir(path.parent().unwrap_or(Path::new("")))
    }

    /// The configuration of the entries of the directory `dir` (as named or walked; empty
    /// for the current directory).
    pub fn of_dir(&self, dir: &Path) -> Arc<Place> {
        let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
        if let Some(place) = self.places.read().unwrap_or_else(PoisonError::into_inner).get(dir) {
            return Arc::clone(place);
        }
        let absolute_dir = absolute(&self.cwd.join(dir));
        let loaded = match &self.source {
            Source::Off => None,
            Source::Fixed(loaded) => Some(Arc::clone(loaded)),
            Source::Nearest => self.nearest_to(&absolute_dir),
        };
        let relative = loaded
            .as_ref()
            .and_then(|loaded| absolute_dir.strip_prefix(&loaded.dir).ok().map(Path::to_path_buf));
        let place = Arc::new(Place { loaded, relative });
        let mut places = self.places.write().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(places.entry(dir.to_path_buf()).or_insert(place))
    }

    /// The nearest configuration file at or above the absolute directory `dir`. The lock is
    /// held throughout, so that each file is read once.
    fn nearest_to(&self, dir: &Path) -> Option<Arc<Loaded>> {
        let mut nearest = self.nearest.lock().unwrap_or_else(PoisonError::into_inner);
        let mut looked = Vec::new();
        let mut found = None;
        // Whether `found` was read here (and not known before).
        let mut read = false;
        for here in dir.ancestors() {
            if let Some(known) = nearest.get(here) {
                found = known.clone();
                break;
            }
            looked.push(here);
            match Loaded::in_dir(here) {
                Ok(Some(loaded)) => {
                    found = Some(Arc::new(loaded));
                    read = true;
                    break;
                }
                Ok(None) => {}
                // A broken file stops the run; until then, the directory has none.
                Err(message) => {
                    self.errors.lock().unwrap_or_else(PoisonError::into_inner).insert(message);
                    break;
                }
            }
        }
        match &found {
            Some(loaded) if read => {
                self.files_found.fetch_add(1, Ordering::AcqRel);
                if loaded.has_excludes() {
                    self.excludes_found.store(true, Ordering::Release);
                }
            }
            Some(_) => {}
            None => self.none_found.store(true, Ordering::Release),
        }
        for here in looked {
            nearest.insert(here.to_path_buf(), found.clone());
        }
        found
    }
}
