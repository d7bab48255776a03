//! The configuration file: `gbcheck.toml` or `.gbcheck.toml`, found by walking up from the
//! current directory (the first directory holding one wins; `gbcheck.toml` before
//! `.gbcheck.toml`), or named with `--config`; `--no-config` ignores them.
//!
//! ```toml
//! encoding = "auto"            # auto | gb18030 | utf-8
//! profile = "gb18030-2022"     # gb18030-2022 | gb18030-2005 | gbk | whatwg
//! level = 2                    # 1 | 2 | 3
//! fail-level = "error"         # error | warning
//! exclude = ["vendor/**"]
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

use crate::cli::args::CheckArgs;
pub use crate::cli::settings::{parse, Choice, Config, Level, Override, MAX_OVERRIDES};

/// The names the configuration file may have, in order of preference.
pub const FILE_NAMES: [&str; 2] = ["gbcheck.toml", ".gbcheck.toml"];

/// A configuration and where it came from.
#[derive(Clone, Debug, Default)]
pub struct Loaded {
    /// The file, if one was read.
    pub file: Option<PathBuf>,
    /// The directory override globs are relative to (absolute).
    pub dir: PathBuf,
    /// The settings.
    pub config: Config,
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

/// Finds the configuration file for the current directory, walking up.
pub fn discover() -> Option<PathBuf> {
    let cwd = absolute(Path::new("."));
    for dir in cwd.ancestors() {
        for name in FILE_NAMES {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// Loads the configuration `--config`/`--no-config` ask for.
pub fn load(explicit: Option<&Path>, disabled: bool) -> Result<Loaded, String> {
    let cwd = absolute(Path::new("."));
    if disabled {
        return Ok(Loaded { file: None, dir: cwd, config: Config::default() });
    }
    let file = match explicit {
        Some(file) => file.to_path_buf(),
        None => match discover() {
            Some(file) => file,
            None => return Ok(Loaded { file: None, dir: cwd, config: Config::default() }),
        },
    };
    let text = std::fs::read_to_string(&file).map_err(|e| {
        format!("cannot read config file {}: {}", file.display(), crate::cli::input::describe_io_error(&e))
    })?;
    let config = parse(&text, &file)?;
    let dir = absolute(&file).parent().map(Path::to_path_buf).unwrap_or(cwd);
    Ok(Loaded { file: Some(file), dir, config })
}

impl Loaded {
    /// The overrides that match `path` (a path as named or walked), as a bit mask.
    pub fn matching(&self, path: &Path) -> u64 {
        if self.config.overrides.is_empty() {
            return 0;
        }
        let path = absolute(path);
        let Ok(relative) = path.strip_prefix(&self.dir) else { return 0 };
        let mut mask = 0;
        for (i, o) in self.config.overrides.iter().enumerate().take(MAX_OVERRIDES) {
            if o.glob.is_match(relative) {
                mask |= 1 << i;
            }
        }
        mask
    }

    /// The file's top-level settings where the command line gave none.
    pub fn apply_defaults(&self, args: &mut CheckArgs, given: Given) {
        let c = &self.config;
        if !given.encoding {
            if let Some(Choice(v)) = c.encoding {
                args.encoding = v;
            }
        }
        if !given.profile {
            if let Some(Choice(v)) = c.profile {
                args.profile = v;
            }
        }
        if !given.level {
            if let Some(Level(v)) = c.level {
                args.level = Some(v);
            }
        }
        if !given.fail_level {
            if let Some(Choice(v)) = c.fail_level {
                args.fail_level = v;
            }
        }
        args.exclude.extend(c.exclude.iter().map(|g| g.0.clone()));
    }

    /// The matching overrides' settings where the command line gave none.
    pub fn apply_overrides(&self, args: &mut CheckArgs, mask: u64, given: Given) {
        for o in self.overrides(mask) {
            if let (false, Some(Choice(v))) = (given.encoding, o.encoding) {
                args.encoding = v;
            }
            if let (false, Some(Choice(v))) = (given.profile, o.profile) {
                args.profile = v;
            }
            if let (false, Some(Level(v))) = (given.level, o.level) {
                args.level = Some(v);
            }
        }
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

/// The effective configuration of one path, for `gbcheck config`.
pub struct Effective<'a> {
    /// The configuration.
    pub loaded: &'a Loaded,
    /// The path.
    pub path: &'a Path,
    /// The overrides that match.
    pub mask: u64,
    /// The arguments after the file's settings.
    pub args: &'a CheckArgs,
    /// The rule set they give.
    pub rules: &'a gbcheck::rules::RuleSet,
}

fn possible_name<T: ValueEnum>(value: T) -> String {
    value.to_possible_value().map_or_else(String::new, |p| p.get_name().to_string())
}

impl fmt::Display for Effective<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.loaded.file {
            Some(file) => writeln!(f, "# config file: {}", file.display())?,
            None => writeln!(f, "# config file: none (built-in defaults)")?,
        }
        writeln!(f, "# path: {}", self.path.display())?;
        for o in self.loaded.overrides(self.mask) {
            writeln!(f, "# matching override: glob = \"{}\"", o.glob.text)?;
        }
        writeln!(f, "encoding = \"{}\"", possible_name(self.args.encoding))?;
        writeln!(f, "profile = \"{}\"", possible_name(self.args.profile))?;
        match self.args.level {
            Some(level) => writeln!(f, "level = {level}")?,
            None => writeln!(f, "# level: not checked (GB010 needs a level)")?,
        }
        writeln!(f, "fail-level = \"{}\"", possible_name(self.args.fail_level))?;
        let excludes: Vec<String> = self.args.exclude.iter().map(|g| format!("\"{g}\"")).collect();
        writeln!(f, "exclude = [{}]", excludes.join(", "))?;
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
        let loaded = Loaded { file: None, dir: PathBuf::from("/repo"), config };
        assert_eq!(loaded.matching(Path::new("/repo/po/zh/a.po")), 1);
        assert_eq!(loaded.matching(Path::new("/repo/po/a.po")), 1);
        assert_eq!(loaded.matching(Path::new("/repo/src/a.po")), 0);
        assert_eq!(loaded.matching(Path::new("/other/po/a.po")), 0);
    }
}
