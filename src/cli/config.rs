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

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Component, Path, PathBuf};

use clap::ValueEnum;
use gbcheck::finding::{Rule, Severity};
use globset::{GlobBuilder, GlobMatcher};
use serde::de::{self, Deserializer};
use serde::Deserialize;

use crate::cli::args::{CheckArgs, EncodingArg, FailLevelArg, ProfileArg};

/// The names the configuration file may have, in order of preference.
pub const FILE_NAMES: [&str; 2] = ["gbcheck.toml", ".gbcheck.toml"];

/// A value of one of the command line's enumerations (`utf-8`, `gbk`, `warning`...).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Choice<T>(pub T);

impl<'de, T: ValueEnum> Deserialize<'de> for Choice<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        T::from_str(&text, false).map(Choice).map_err(|_| {
            let names: Vec<String> = T::value_variants()
                .iter()
                .filter_map(|v| v.to_possible_value().map(|p| format!("\"{}\"", p.get_name())))
                .collect();
            de::Error::custom(format!("invalid value \"{text}\", expected one of {}", names.join(", ")))
        })
    }
}

/// An implementation level, 1 to 3.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Level(pub u8);

impl<'de> Deserialize<'de> for Level {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = i64::deserialize(d)?;
        match n {
            1..=3 => Ok(Level(n as u8)),
            _ => Err(de::Error::custom(format!("invalid level {n}, expected 1, 2 or 3"))),
        }
    }
}

/// A rule named by id or name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct RuleKey(pub Rule);

impl<'de> Deserialize<'de> for RuleKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Rule::lookup(&text)
            .map(RuleKey)
            .ok_or_else(|| de::Error::custom(format!("unknown rule \"{text}\" (see `gbcheck rules`)")))
    }
}

/// What `[rules]` sets a rule to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleSetting {
    /// Findings are errors.
    Error,
    /// Findings are warnings.
    Warning,
    /// The rule is not checked.
    Off,
}

/// Read as a string first, so that a value of the wrong type is named as such ("expected a
/// string") rather than as TOML's "wanted string or table".
impl<'de> Deserialize<'de> for RuleSetting {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        match text.as_str() {
            "error" => Ok(RuleSetting::Error),
            "warning" => Ok(RuleSetting::Warning),
            "off" => Ok(RuleSetting::Off),
            _ => Err(de::Error::custom(format!(
                "invalid value \"{text}\", expected one of \"error\", \"warning\", \"off\""
            ))),
        }
    }
}

impl RuleSetting {
    fn severity(self) -> Option<Severity> {
        match self {
            RuleSetting::Error => Some(Severity::Error),
            RuleSetting::Warning => Some(Severity::Warning),
            RuleSetting::Off => None,
        }
    }
}

/// A glob, compiled when the file is read (a bad one is an error with its place).
#[derive(Clone, Debug)]
pub struct Glob {
    /// As written.
    pub text: String,
    matcher: GlobMatcher,
}

impl<'de> Deserialize<'de> for Glob {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        // A glob without `/` matches a file name at any depth, as in .gitignore.
        let pattern =
            if text.contains('/') { text.trim_start_matches('/').to_string() } else { format!("**/{text}") };
        let glob = GlobBuilder::new(&pattern)
            .literal_separator(true)
            .build()
            .map_err(|e| de::Error::custom(format!("bad glob \"{text}\": {}", e.kind())))?;
        Ok(Glob { text, matcher: glob.compile_matcher() })
    }
}

/// A gitignore-style exclude glob, checked when the file is read.
#[derive(Clone, Debug)]
pub struct ExcludeGlob(pub String);

impl<'de> Deserialize<'de> for ExcludeGlob {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        let mut builder = ignore::overrides::OverrideBuilder::new("/");
        builder
            .add(&format!("!{text}"))
            .map_err(|e| de::Error::custom(format!("bad exclude glob \"{text}\": {e}")))?;
        Ok(ExcludeGlob(text))
    }
}

/// Settings for the files one glob matches.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Override {
    /// The files: a glob relative to the config file's directory.
    pub glob: Glob,
    /// Their encoding.
    pub encoding: Option<Choice<EncodingArg>>,
    /// Their profile.
    pub profile: Option<Choice<ProfileArg>>,
    /// Their implementation level.
    pub level: Option<Level>,
    /// Rule severities for them.
    #[serde(default)]
    pub rules: BTreeMap<RuleKey, RuleSetting>,
}

/// The contents of a configuration file.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// The expected encoding.
    pub encoding: Option<Choice<EncodingArg>>,
    /// The profile.
    pub profile: Option<Choice<ProfileArg>>,
    /// The implementation level.
    pub level: Option<Level>,
    /// The severity that fails a run.
    pub fail_level: Option<Choice<FailLevelArg>>,
    /// Rule severities.
    #[serde(default)]
    pub rules: BTreeMap<RuleKey, RuleSetting>,
    /// Paths not to check (gitignore syntax, as `--exclude`).
    #[serde(default)]
    pub exclude: Vec<ExcludeGlob>,
    /// Per-glob settings, applied in order.
    #[serde(default)]
    pub overrides: Vec<Override>,
}

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

/// 1-based line and column of a byte offset in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Parses the text of a configuration file; an error names the file, line, column and key.
pub fn parse(text: &str, file: &Path) -> Result<Config, String> {
    let config = toml::from_str::<Config>(text).map_err(|e| {
        let message = e.message().trim_end().to_string();
        match e.span() {
            Some(span) => {
                let (line, column) = line_column(text, span.start);
                let source_line = text.lines().nth(line - 1).unwrap_or("");
                // `key = value`, or a table header `[key]` / `[[key]]` / `[a.key]`.
                let header = source_line.trim().trim_start_matches('[').split(']').next();
                let key = match source_line.split_once('=') {
                    Some((k, _)) => Some(k.trim()),
                    None if source_line.trim_start().starts_with('[') => header.map(str::trim),
                    None => None,
                }
                .filter(|k| !k.is_empty());
                let key = match key {
                    Some(key) if !message.contains(&format!("`{key}`")) => format!(" (key `{key}`)"),
                    _ => String::new(),
                };
                format!("{}:{line}:{column}: {message}{key}", file.display())
            }
            None => format!("{}: {message}", file.display()),
        }
    })?;
    // Matching overrides are kept as bits of a u64: more would be silently ignored.
    if config.overrides.len() > MAX_OVERRIDES {
        return Err(format!(
            "{}: {} [[overrides]] entries; at most {MAX_OVERRIDES} are supported",
            file.display(),
            config.overrides.len()
        ));
    }
    Ok(config)
}

/// The most `[[overrides]]` entries a file may have (one bit each in a `u64` mask).
pub const MAX_OVERRIDES: usize = 64;

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
            if o.glob.matcher.is_match(relative) {
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

    #[test]
    fn errors_name_the_line_and_key() {
        let file = Path::new("gbcheck.toml");
        let e = parse("profile = \"gbk\"\nfrobnicate = 1\n", file).unwrap_err();
        assert!(e.starts_with("gbcheck.toml:2:1:"), "{e}");
        assert!(e.contains("frobnicate"), "{e}");
        let e = parse("fail-level = \"fatal\"\n", file).unwrap_err();
        assert!(e.starts_with("gbcheck.toml:1:"), "{e}");
        assert!(e.contains("fail-level") && e.contains("fatal"), "{e}");
        let e = parse("[rules]\nGB999 = \"off\"\n", file).unwrap_err();
        assert!(e.starts_with("gbcheck.toml:2:"), "{e}");
        assert!(e.contains("GB999"), "{e}");
        let e = parse("[[overrides]]\nglob = \"po/[\"\n", file).unwrap_err();
        assert!(e.starts_with("gbcheck.toml:2:"), "{e}");
        assert!(e.contains("glob"), "{e}");
        let e = parse("level = 4\n", file).unwrap_err();
        assert!(e.contains("level"), "{e}");
    }

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
