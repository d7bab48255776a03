//! The configuration file's text to settings: TOML in, every key and value checked, an error
//! naming the line, column and key out. Pure (no files, no environment), so the fuzz crate
//! builds it as it is (`fuzz/fuzz_targets/config_parse.rs`); finding and applying the file is
//! `config`'s job.

use std::collections::BTreeMap;
use std::path::Path;

use clap::ValueEnum;
use gbcheck::finding::{Rule, Severity};
use gbcheck::formats::Format;
use globset::{GlobBuilder, GlobMatcher};
use serde::de::{self, Deserializer};
use serde::Deserialize;

use super::args::{EncodingArg, FailLevelArg, ProfileArg};

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

/// A file format named in an override: one of gbcheck's (`docs/formats.md`), or `"none"`
/// (plain text: no declaration read, no escapes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FormatName(pub Option<Format>);

impl<'de> Deserialize<'de> for FormatName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        match Format::from_name(&text) {
            Some(format) => Ok(FormatName(Some(format))),
            None if text == "none" => Ok(FormatName(None)),
            None => {
                let names: Vec<String> = Format::ALL.iter().map(|f| format!("\"{}\"", f.name())).collect();
                Err(de::Error::custom(format!(
                    "invalid format \"{text}\", expected one of {} or \"none\"",
                    names.join(", ")
                )))
            }
        }
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
    /// The severity findings get, `None` for off.
    pub fn severity(self) -> Option<Severity> {
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

impl Glob {
    /// Whether the glob matches a path relative to the configuration file's directory.
    pub fn is_match(&self, relative: &Path) -> bool {
        self.matcher.is_match(relative)
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
    /// Their file format, instead of the one their extension gives.
    pub format: Option<FormatName>,
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

/// 1-based line and column of a byte offset in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Parses the text of a configuration file; an error names the file, line, column and key.
pub fn parse(text: &str, file: &Path) -> Result<Config, String> {
    let config = toml::from_str::<Config>(text).map_err(|e| describe(&e, text, file))?;
    checked(config, file)
}

/// The parts of a `pyproject.toml` gbcheck reads: `[tool.gbcheck]`; other keys are other
/// tools' business.
#[derive(Deserialize)]
struct Pyproject {
    tool: Option<Tool>,
}

#[derive(Deserialize)]
struct Tool {
    gbcheck: Option<Config>,
}

/// Parses a `pyproject.toml`: its `[tool.gbcheck]` table, or `None` without one (the file is
/// then no configuration file, as for ruff). A file that is not TOML but names gbcheck is an
/// error; one that does not name it is some other tool's to judge.
pub fn parse_pyproject(text: &str, file: &Path) -> Result<Option<Config>, String> {
    match toml::from_str::<Pyproject>(text) {
        Ok(Pyproject { tool: Some(Tool { gbcheck: Some(config) }) }) => checked(config, file).map(Some),
        Ok(_) => Ok(None),
        Err(e) if e.span().is_some() && !text.contains("gbcheck") => Ok(None),
        Err(e) => Err(describe(&e, text, file)),
    }
}

/// A TOML error as `FILE:LINE:COLUMN: message (key `KEY`)`.
fn describe(e: &toml::de::Error, text: &str, file: &Path) -> String {
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
}

/// The checks serde cannot make.
fn checked(config: Config, file: &Path) -> Result<Config, String> {
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
    fn pyproject_tables_are_read_and_others_passed_over() {
        let file = Path::new("pyproject.toml");
        let config = parse_pyproject("[project]\nname = \"x\"\n[tool.gbcheck]\nlevel = 2\n", file);
        assert_eq!(config.unwrap().unwrap().level, Some(Level(2)));
        let inline = parse_pyproject("tool = { gbcheck = { level = 1 } }\n", file);
        assert_eq!(inline.unwrap().unwrap().level, Some(Level(1)));
        assert!(parse_pyproject("[tool.ruff]\nline-length = 1\n", file).unwrap().is_none());
        assert!(parse_pyproject("[project\n", file).unwrap().is_none());
        let e = parse_pyproject("[tool.ruff]\nx = 1\n[tool.gbcheck]\nlevel = 9\n", file).unwrap_err();
        assert!(e.starts_with("pyproject.toml:4:") && e.contains("level"), "{e}");
        let e = parse_pyproject("[tool.gbcheck\n", file).unwrap_err();
        assert!(e.starts_with("pyproject.toml:1:"), "{e}");
    }
}
