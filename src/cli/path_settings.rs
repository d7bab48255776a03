//! From the command line and the configuration files to the immutable values a check runs
//! with, in ruff's three steps: the options as written (clap's `CheckArgs`, never changed;
//! a file's `settings::Config`), the layered values of one path (`config::Resolved`), and the
//! final settings (`job::Settings`, shared by `Arc`). [`PathSettings`] makes them once for
//! each configuration file and set of matching overrides that the run meets.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use gbcheck::check::{EncodingChoice, Options};
use gbcheck::finding::{Rule, Severity};
use gbcheck::profile::Profile;
use gbcheck::rules::RuleSet;

use crate::cli::args::{CheckArgs, EncodingArg, FormatArg, ProfileArg};
use crate::cli::config::{self, Given, Loaded, Resolved};
use crate::cli::discovery::{Discovery, Place};
use crate::cli::job;

/// Turns rule ids or names into rules; an unknown one is an error that names it.
fn parse_rules(names: &[String]) -> Result<Vec<Rule>, String> {
    names
        .iter()
        .filter(|name| !name.trim().is_empty())
        .map(|name| {
            Rule::lookup(name.trim()).ok_or_else(|| format!("unknown rule '{name}' (see `gbcheck rules`)"))
        })
        .collect()
}

/// The rule set of `settings`, after the configuration's rule severities, then `--select`
/// and `--ignore` (from `args`).
pub fn rule_set(
    args: &CheckArgs,
    settings: &Resolved,
    severities: &[(Rule, Option<Severity>)],
) -> Result<RuleSet, String> {
    let mut rules = RuleSet::new(match settings.profile {
        ProfileArg::Gb18030_2022 => Profile::Gb18030_2022,
        ProfileArg::Gb18030_2005 => Profile::Gb18030_2005,
        ProfileArg::Gbk => Profile::Gbk,
        ProfileArg::Whatwg => Profile::Whatwg,
        ProfileArg::Cp936 => Profile::Cp936,
    });
    rules.level = settings.level;
    for &(rule, severity) in severities {
        rules.set_severity(rule, severity);
    }
    let selected = parse_rules(&args.select)?;
    if !selected.is_empty() {
        for &rule in Rule::ALL {
            if !selected.contains(&rule) {
                rules.set_severity(rule, None);
            } else if rules.severity(rule).is_none() {
                rules.set_severity(rule, Some(rule.default_severity()));
            }
        }
    }
    for rule in parse_rules(&args.ignore)? {
        rules.set_severity(rule, None);
    }
    Ok(rules)
}

/// The library's check options for `settings`.
pub fn options(
    args: &CheckArgs,
    settings: &Resolved,
    severities: &[(Rule, Option<Severity>)],
) -> Result<Options, String> {
    Ok(Options {
        encoding: match settings.encoding {
            EncodingArg::Auto => EncodingChoice::Auto,
            EncodingArg::Gb18030 => EncodingChoice::Gb18030,
            EncodingArg::Utf8 => EncodingChoice::Utf8,
        },
        max_findings: args.max_findings.unwrap_or(usize::MAX),
        rules: rule_set(args, settings, severities)?,
    })
}

/// The rule severities a configuration gives the files with the overrides in `mask`.
pub fn severities(loaded: Option<&Loaded>, mask: u64) -> Vec<(Rule, Option<Severity>)> {
    loaded.map(|l| l.severities(mask)).unwrap_or_default()
}

/// How the workers check: the library's `options` and what only the command line sets.
pub fn check_settings(
    args: &CheckArgs,
    format: FormatArg,
    options: Options,
    threads: usize,
    for_path: Option<job::ForPath>,
) -> job::Settings {
    job::Settings {
        options: Options { max_findings: usize::MAX, ..options },
        // The filter applies --max-findings after suppressions and the baseline.
        max_shown: usize::MAX,
        snippets: format == FormatArg::Human,
        // SARIF and baselines need each finding's fingerprint, made from the bytes in hand.
        fingerprints: format == FormatArg::Sarif || args.baseline.is_some() || args.write_baseline.is_some(),
        binary: args.binary,
        max_filesize: args.max_filesize,
        chunk: args.chunk_size.max(1),
        threads,
        for_path,
        format: None,
    }
}

/// The settings of the paths whose configuration file or matching overrides differ from
/// the run's. Each distinct (configuration file, overrides) pair is resolved once, on first
/// meeting it, and its settings are shared from then on.
pub struct PathSettings {
    configs: Arc<Discovery>,
    /// Where the run's own settings come from.
    run: Arc<Place>,
    /// The command line as parsed, and which of its settings were given.
    args: CheckArgs,
    given: Given,
    format: FormatArg,
    threads: usize,
    /// The run's options, which were made from the same `--select` and `--ignore`.
    run_options: Options,
    made: Mutex<HashMap<(PathBuf, u64), Arc<job::Settings>>>,
}

impl PathSettings {
    /// The settings of each path for a run whose own settings come from `run`; `None` when
    /// configuration files cannot make any file's differ.
    pub fn new(
        configs: &Arc<Discovery>,
        run: &Arc<Place>,
        args: &CheckArgs,
        given: Given,
        format: FormatArg,
        run_options: Options,
        threads: usize,
    ) -> Option<PathSettings> {
        configs.varies().then(|| PathSettings {
            configs: Arc::clone(configs),
            run: Arc::clone(run),
            args: args.clone(),
            given,
            format,
            threads,
            run_options,
            made: Mutex::new(HashMap::new()),
        })
    }

    /// The settings of `path` when they differ from the run's; standard input (an empty
    /// path) gets the configuration of the current directory.
    pub fn of(&self, path: &Path) -> Option<Arc<job::Settings>> {
        if self.configs.uniform(&self.run) {
            return None;
        }
        let (place, mask) = match path.file_name() {
            Some(name) => {
                let place = self.configs.of_entry(path);
                let mask = place.matching(name);
                (place, mask)
            }
            None => (self.configs.of_dir(Path::new(".")), 0),
        };
        if mask == 0 && place.same_config(&self.run) {
            return None;
        }
        let loaded = place.loaded.as_deref();
        let key = (loaded.map(|l| l.file.clone()).unwrap_or_default(), mask);
        let mut made = self.made.lock().unwrap_or_else(PoisonError::into_inner);
        let settings = made.entry(key).or_insert_with(|| Arc::new(self.resolve(loaded, mask)));
        Some(Arc::clone(settings))
    }

    /// The settings of the files `loaded` applies to with the overrides in `mask`.
    fn resolve(&self, loaded: Option<&Loaded>, mask: u64) -> job::Settings {
        let own = config::resolve(&self.args, self.given, loaded, mask);
        // The run's options came from the same --select and --ignore: this cannot fail.
        let options = options(&self.args, &own, &severities(loaded, mask)).unwrap_or(self.run_options);
        let format = loaded.and_then(|l| l.format(mask));
        job::Settings { format, ..check_settings(&self.args, self.format, options, self.threads, None) }
    }
}
