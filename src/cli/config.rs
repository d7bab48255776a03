//! The configuration file: `gbcheck.toml`, `.gbcheck.toml`, or the `[tool.gbcheck]` table of
//! a `pyproject.toml`; the nearest one above each checked path applies to it (see
//! [`crate::cli::discovery`]), or the one named with `--config`; `--no-config` ignores them.
//!
//! ```toml
//! encoding = "auto"            # auto | gb18030 | utf-8
//! profile = "gb18030-2022"     # gb18030-2022 | gb18030-2005 | gbk | whatwg | cp936
//! level = 2                    # 1 | 2 | 3
//! fail-level = "error"         # error | warning
//! exclude = ["vendor/**"]      # relative to the directory of the config file
//!
//! [rules]
//! GB007 = "error"              # error | warning | off; ids or names
//!
//! [[overrides]]
//! glob = "po/**/*.po"          # relative to the directory of the config file
//! encoding = "utf-8"
//! level = 2
//! ```
//!
//! Precedence, per setting: a command-line flag, then the last matching override, then the
//! file's top level, then the built-in default. `--select` and `--ignore` apply after the
//! `[rules]` tables. Every key is checked: an unknown key, a bad value or a bad glob is an
//! error naming the file, line and key.

use std::fmt;
use std::path::{Component, Path, PathBuf};

use clap::ValueEnum;
use gbcheck::finding::{Rule, Severity};
use gbcheck::formats::Format;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

use crate::cli::args::{CheckArgs, EncodingArg, FailLevelArg, ProfileArg};
use crate::cli::settings;
pub use crate::cli::settings::{parse, Choice, Config, Level, Override, MAX_OVERRIDES};

/// The names the configuration file may have, in order of preference; after them, a
/// [`PYPROJECT`] with a `[tool.gbcheck]` table.
pub const FILE_NAMES: [&str; 2] = ["gbcheck.toml", ".gbcheck.toml"];

/// The Python project file, a configuration file when it has a `[tool.gbcheck]` table.
pub const PYPROJECT: &str = "pyproject.toml";

/// A configuration file, read.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The file.
    pub file: PathBuf,
    /// The directory its globs (`exclude`, overrides) are relative to (absolute).
    pub dir: PathBuf,
    /// The settings.
    pub config: Config,
    /// The `exclude` globs, rooted at `dir`.
    excludes: Gitignore,
}

/// Which settings were given on the command line (and so win over the file).
#[derive(Clone, Copy, Debug, Default)]
pub struct Given {
    /// `--encoding`.
    pub encoding: bool,
    /// `--profile`.
    pub profile: bool,
    /// `--level`.
    pub level: bool,
    /// `--fail-level`.
    pub fail_level: bool,
}

impl Given {
    /// What the command line set explicitly.
    pub fn from_matches(matches: &clap::ArgMatches) -> Given {
        let given =
            |id: &str| matches!(matches.value_source(id), Some(clap::parser::ValueSource::CommandLine));
        Given {
            encoding: given("encoding"),
            profile: given("profile"),
            level: given("level"),
            fail_level: given("fail_level"),
        }
    }
}

/// Makes a path absolute and removes `.` and `..` components, without touching the disk.
pub fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut out = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

impl Loaded {
    /// Reads the file `--config` names (a `pyproject.toml` must have the table).
    pub fn read(file: &Path) -> Result<Loaded, String> {
        let text = read_text(file)?;
        let config = if file.file_name().is_some_and(|name| name == PYPROJECT) {
            settings::parse_pyproject(&text, file)?
                .ok_or_else(|| format!("{}: no [tool.gbcheck] table", file.display()))?
        } else {
            parse(&text, file)?
        };
        Loaded::new(file.to_path_buf(), config)
    }

    /// The configuration file in the directory `dir` (absolute), if it holds one.
    pub fn in_dir(dir: &Path) -> Result<Option<Loaded>, String> {
        for name in FILE_NAMES {
            let file = dir.join(name);
            if file.is_file() {
                return Loaded::read(&file).map(Some);
            }
        }
        let file = dir.join(PYPROJECT);
        if !file.is_file() {
            return Ok(None);
        }
        match settings::parse_pyproject(&read_text(&file)?, &file)? {
            Some(config) => Loaded::new(file, config).map(Some),
            None => Ok(None),
        }
    }

    fn new(file: PathBuf, config: Config) -> Result<Loaded, String> {
        let dir = absolute(&file).parent().map(Path::to_path_buf).unwrap_or_default();
        let mut builder = GitignoreBuilder::new(&dir);
        for glob in &config.exclude {
            builder
                .add_line(None, &glob.0)
                .map_err(|e| format!("{}: bad exclude glob \"{}\": {e}", file.display(), glob.0))?;
        }
        let excludes = builder.build().map_err(|e| format!("{}: bad exclude globs: {e}", file.display()))?;
        Ok(Loaded { file, dir, config, excludes })
    }

    /// Whether the file has `exclude` globs.
    pub fn has_excludes(&self) -> bool {
        !self.excludes.is_empty()
    }

    /// Whether `relative` (a path relative to [`Loaded::dir`]) matches an `exclude` glob.
    pub fn excludes(&self, relative: &Path, is_dir: bool) -> bool {
        !self.excludes.is_empty() && self.excludes.matched(relative, is_dir).is_ignore()
    }

    /// The overrides that match `relative` (a path relative to [`Loaded::dir`]), as a mask.
    pub fn matching(&self, relative: &Path) -> u64 {
        let mut mask = 0;
        for (i, o) in self.config.overrides.iter().enumerate().take(MAX_OVERRIDES) {
            if o.glob.is_match(relative) {
                mask |= 1 << i;
            }
        }
        mask
    }

    /// The format the last override in `mask` with a `format` gives (`Some(None)`: plain
    /// text), or `None` when the extension decides.
    pub fn format(&self, mask: u64) -> Option<Option<Format>> {
        self.overrides(mask).filter_map(|o| o.format).last().map(|f| f.0)
    }

    fn overrides(&self, mask: u64) -> impl Iterator<Item = &Override> {
        self.config
            .overrides
            .iter()
            .enumerate()
            .filter(move |(i, _)| *i < MAX_OVERRIDES && mask & (1 << i) != 0)
            .map(|(_, o)| o)
    }

    /// Rule severities from `[rules]` and the matching overrides' `rules`, in order.
    pub fn severities(&self, mask: u64) -> Vec<(Rule, Option<Severity>)> {
        let mut out: Vec<(Rule, Option<Severity>)> =
            self.config.rules.iter().map(|(k, v)| (k.0, v.severity())).collect();
        for o in self.overrides(mask) {
            out.extend(o.rules.iter().map(|(k, v)| (k.0, v.severity())));
        }
        out
    }
}

fn read_text(file: &Path) -> Result<String, String> {
    std::fs::read_to_string(file).map_err(|e| {
        format!("cannot read config file {}: {}", file.display(), crate::cli::input::describe_io_error(&e))
    })
}

/// The settings that a configuration file can also give, as they apply to one path: final
/// values, each from the first layer that has it (flag, last matching override, the file's
/// top level, built-in default). Made once for a (file, overrides) pair and never changed;
/// clap's argument structs are never changed either.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Resolved {
    /// `encoding`.
    pub encoding: EncodingArg,
    /// `profile`.
    pub profile: ProfileArg,
    /// `level`; `None` when no layer gives one (GB010 is then off).
    pub level: Option<u8>,
    /// `fail-level`: the run's, from the file's top level only (an override cannot set it).
    pub fail_level: FailLevelArg,
}

/// The settings of the files that `loaded` applies to with the overrides in `mask`: the
/// command line's where it gave them (`given`), else the overrides', the file's top level's
/// and clap's defaults (in `args` when not given), in that order.
pub fn resolve(args: &CheckArgs, given: Given, loaded: Option<&Loaded>, mask: u64) -> Resolved {
    // The built-in defaults, and the flags where given: clap leaves its defaults in `args`.
    let mut own = Resolved {
        encoding: args.encoding,
        profile: args.profile,
        level: args.level,
        fail_level: args.fail_level,
    };
    let Some(loaded) = loaded else { return own };
    let top = &loaded.config;
    let layers = std::iter::once((top.encoding, top.profile, top.level))
        .chain(loaded.overrides(mask).map(|o| (o.encoding, o.profile, o.level)));
    for (encoding, profile, level) in layers {
        if let (false, Some(Choice(v))) = (given.encoding, encoding) {
            own.encoding = v;
        }
        if let (false, Some(Choice(v))) = (given.profile, profile) {
            own.profile = v;
        }
        if let (false, Some(Level(v))) = (given.level, level) {
            own.level = Some(v);
        }
    }
    if let (false, Some(Choice(v))) = (given.fail_level, top.fail_level) {
        own.fail_level = v;
    }
    own
}

/// The effective configuration of one path, for `gbcheck config`.
pub struct Effective<'a> {
    /// The configuration that applies, if any.
    pub loaded: Option<&'a Loaded>,
    /// The path.
    pub path: &'a Path,
    /// The overrides that match.
    pub mask: u64,
    /// Whether `exclude` globs pass the path over (it, or a directory above it).
    pub excluded: bool,
    /// The settings after the file's.
    pub settings: &'a Resolved,
    /// The rule set they give.
    pub rules: &'a gbcheck::rules::RuleSet,
}

fn possible_name<T: ValueEnum>(value: T) -> String {
    value.to_possible_value().map_or_else(String::new, |p| p.get_name().to_string())
}

impl fmt::Display for Effective<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.loaded {
            Some(loaded) => writeln!(f, "# config file: {}", loaded.file.display())?,
            None => writeln!(f, "# config file: none (built-in defaults)")?,
        }
        writeln!(f, "# path: {}", self.path.display())?;
        if self.excluded {
            writeln!(f, "# excluded: an exclude glob matches it or a directory above it (not walked)")?;
        }
        for o in self.loaded.into_iter().flat_map(|loaded| loaded.overrides(self.mask)) {
            writeln!(f, "# matching override: glob = \"{}\"", o.glob.text)?;
        }
        writeln!(f, "encoding = \"{}\"", possible_name(self.settings.encoding))?;
        writeln!(f, "profile = \"{}\"", possible_name(self.settings.profile))?;
        match (self.loaded.and_then(|l| l.format(self.mask)), Format::of_path(self.path)) {
            (Some(set), _) => {
                writeln!(f, "# format: {} (set by an override)", set.map_or("none", Format::name))?
            }
            (None, Some(format)) => writeln!(f, "# format: {} (by extension)", format.name())?,
            (None, None) => {}
        }
        match self.settings.level {
            Some(level) => writeln!(f, "level = {level}")?,
            None => writeln!(f, "# level: not checked (GB010 needs a level)")?,
        }
        writeln!(f, "fail-level = \"{}\"", possible_name(self.settings.fail_level))?;
        let globs = self.loaded.map_or(&[][..], |loaded| &loaded.config.exclude[..]);
        let excludes: Vec<String> = globs.iter().map(|g| format!("\"{}\"", g.0)).collect();
        match self.loaded {
            Some(loaded) if !excludes.is_empty() => {
                writeln!(f, "exclude = [{}]  # relative to {}", excludes.join(", "), loaded.dir.display())?
            }
            _ => writeln!(f, "exclude = []")?,
        }
        writeln!(f, "\n[rules]")?;
        for &rule in Rule::ALL {
            let setting = self.rules.severity(rule).map_or("off", Severity::as_str);
            writeln!(f, "{} = \"{setting}\"  # {}", rule.id(), rule.name())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::settings::{RuleKey, RuleSetting};

    #[test]
    fn a_full_file_parses() {
        let text = "encoding = \"utf-8\"\nprofile = \"gbk\"\nlevel = 2\nfail-level = \"warning\"\n\
                    exclude = [\"vendor/**\"]\n[rules]\nGB007 = \"error\"\nmojibake = \"off\"\n\
                    [[overrides]]\nglob = \"po/**/*.po\"\nencoding = \"utf-8\"\nlevel = 2\n\
                    [overrides.rules]\nGB005 = \"off\"\n";
        let config = parse(text, Path::new("x.toml")).unwrap();
        assert_eq!(config.level, Some(Level(2)));
        assert_eq!(config.rules.get(&RuleKey(Rule::Mojibake)), Some(&RuleSetting::Off));
        let loaded = Loaded::new(PathBuf::from("/repo/gbcheck.toml"), config).unwrap();
        assert_eq!(loaded.dir, Path::new("/repo"));
        assert_eq!(loaded.matching(Path::new("po/zh/a.po")), 1);
        assert_eq!(loaded.matching(Path::new("po/a.po")), 1);
        assert_eq!(loaded.matching(Path::new("src/a.po")), 0);
        assert!(loaded.excludes(Path::new("vendor/x.txt"), false));
        assert!(!loaded.excludes(Path::new("src/vendor.txt"), false));
    }

    /// Each setting from the first layer that has it: flag, last matching override, the
    /// file's top level, default; the arguments themselves stay as clap parsed them.
    #[test]
    fn settings_resolve_flag_over_override_over_file_over_default() {
        use crate::cli::args::{Cli, Command};
        use clap::Parser;

        let text = "profile = \"gbk\"\nlevel = 1\nfail-level = \"warning\"\n\
                    [[overrides]]\nglob = \"*.po\"\nencoding = \"utf-8\"\nlevel = 2\n\
                    [[overrides]]\nglob = \"po/*\"\nlevel = 3\n";
        let loaded =
            Loaded::new(PathBuf::from("/repo/gbcheck.toml"), parse(text, Path::new("x.toml")).unwrap())
                .unwrap();
        let Ok(Cli { command: Command::Check(args) }) =
            Cli::try_parse_from(["gbcheck", "check", "--level", "2"])
        else {
            panic!("check arguments")
        };
        let before = format!("{args:?}");
        let flags = Given { level: true, ..Given::default() };
        let defaults = Given::default();
        let both = loaded.matching(Path::new("po/a.po"));
        assert_eq!(both, 0b11);
        // No file: clap's defaults, and the flag.
        assert_eq!(
            resolve(&args, flags, None, 0),
            Resolved {
                encoding: EncodingArg::Auto,
                profile: ProfileArg::Gb18030_2022,
                level: Some(2),
                fail_level: FailLevelArg::Error
            }
        );
        // The file's top level, then the last matching override; the flag wins over both.
        let top = resolve(&args, defaults, Some(&loaded), 0);
        assert_eq!(
            (top.encoding, top.profile, top.level, top.fail_level),
            (EncodingArg::Auto, ProfileArg::Gbk, Some(1), FailLevelArg::Warning)
        );
        let po = resolve(&args, defaults, Some(&loaded), both);
        assert_eq!((po.encoding, po.profile, po.level), (EncodingArg::Utf8, ProfileArg::Gbk, Some(3)));
        assert_eq!(resolve(&args, flags, Some(&loaded), both).level, Some(2));
        assert_eq!(format!("{args:?}"), before);
    }
}
