//! The binary side: arguments, inputs, output formats and the exit status.

mod args;
mod chunks;
mod config;
mod convert;
mod discovery;
mod effect;
mod escape;
mod explain;
mod filter;
mod fix;
mod input;
mod job;
mod locate;
mod merge;
mod output;
mod progress;
mod replace;
mod run;
mod settings;
mod shard;
mod stats;
mod walk;

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use clap::{CommandFactory, FromArgMatches, Parser};
use gbcheck::check::{EncodingChoice, Options};
use gbcheck::finding::{Rule, Severity};
use gbcheck::profile::Profile;
use gbcheck::rules::RuleSet;

use args::{CheckArgs, Cli, ColorArg, Command, ConfigArgs, EncodingArg, FailLevelArg, FormatArg, ProfileArg};
use input::describe_io_error;
use output::{brief::Brief, github::Github, human::Human, jsonl::JsonLines, sarif::Sarif, Reporter};

/// Exit status: no finding at or above the fail level, no operational error.
const EXIT_CLEAN: u8 = 0;
/// Exit status: at least one finding at or above the fail level.
const EXIT_FINDINGS: u8 = 1;
/// Exit status: an operational error (bad arguments, unreadable path); wins over 1.
const EXIT_ERROR: u8 = 2;

/// Runs the command line and returns the exit status.
pub fn main() -> ExitCode {
    let parsed = Cli::command().try_get_matches().and_then(|m| Ok((Cli::from_arg_matches(&m)?, m)));
    let (cli, matches) = match parsed {
        Ok(parsed) => parsed,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_ERROR } else { EXIT_CLEAN };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Check(args) => {
            let given =
                matches.subcommand_matches("check").map(config::Given::from_matches).unwrap_or_default();
            let format_given = matches
                .subcommand_matches("check")
                .and_then(|m| m.value_source("format"))
                .is_some_and(|s| s == clap::parser::ValueSource::CommandLine);
            run_check(args, given, format_given)
        }
        Command::Config(args) => print_config(&args),
        Command::Merge(args) => merge::run(&args),
        Command::Rules => print_rules(),
        Command::Convert(args) => convert::run(&args),
        Command::Explain { rule } => explain::print(&rule),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        // A closed output pipe (`gbcheck check | head`) ends the run quietly.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::from(EXIT_CLEAN),
        Err(e) => {
            let _ = writeln!(io::stderr(), "gbcheck: error: {}", describe_io_error(&e));
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn print_rules() -> io::Result<u8> {
    let mut out = io::stdout().lock();
    for rule in Rule::ALL {
        writeln!(
            out,
            "{}  {:<22} {:<8} {}",
            rule.id(),
            rule.name(),
            rule.default_severity(),
            rule.summary()
        )?;
    }
    Ok(EXIT_CLEAN)
}

fn use_color(choice: ColorArg) -> bool {
    match choice {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && io::stdout().is_terminal()
        }
    }
}

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

/// The rule set the arguments ask for, after the config file's rule severities.
fn rule_set(args: &CheckArgs, severities: &[(Rule, Option<Severity>)]) -> Result<RuleSet, String> {
    let mut rules = RuleSet::new(match args.profile {
        ProfileArg::Gb18030_2022 => Profile::Gb18030_2022,
        ProfileArg::Gb18030_2005 => Profile::Gb18030_2005,
        ProfileArg::Gbk => Profile::Gbk,
        ProfileArg::Whatwg => Profile::Whatwg,
    });
    rules.level = args.level;
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

/// The check options the arguments ask for.
fn options(args: &CheckArgs, severities: &[(Rule, Option<Severity>)]) -> Result<Options, String> {
    Ok(Options {
        encoding: match args.encoding {
            EncodingArg::Auto => EncodingChoice::Auto,
            EncodingArg::Gb18030 => EncodingChoice::Gb18030,
            EncodingArg::Utf8 => EncodingChoice::Utf8,
        },
        max_findings: args.max_findings.unwrap_or(usize::MAX),
        rules: rule_set(args, severities)?,
    })
}

/// The name clap gives a value of an argument.
fn value_name(value: impl clap::ValueEnum) -> String {
    value.to_possible_value().map_or_else(String::new, |v| v.get_name().to_string())
}

/// The settings the JSON Lines summary records, for `gbcheck merge`.
fn run_settings(args: &CheckArgs, rules: &RuleSet) -> output::jsonl::RunSettings {
    output::jsonl::RunSettings {
        encoding: value_name(args.encoding),
        profile: value_name(args.profile),
        level: args.level,
        rules: Rule::ALL
            .iter()
            .filter_map(|&rule| rules.severity(rule).map(|s| (rule.id().to_string(), s.as_str().to_string())))
            .collect(),
        fail_level: value_name(args.fail_level),
        max_findings: args.max_findings,
        binary: args.binary,
        max_filesize: args.max_filesize,
        shard: args.shard.map(|s| s.to_string()),
    }
}

/// The number of worker threads: `-j N`, or one per core.
fn thread_count(args: &CheckArgs) -> usize {
    match args.threads {
        Some(n) if n > 0 => n,
        _ => std::thread::available_parallelism().map_or(1, |n| n.get()),
    }
}

/// `gbcheck config [PATH]`: the configuration file that applies to a path (found from it
/// upwards) and the settings it gives.
fn print_config(args: &ConfigArgs) -> io::Result<u8> {
    let fail = |message: &str| -> io::Result<u8> {
        writeln!(io::stderr(), "gbcheck: error: {message}")?;
        Ok(EXIT_ERROR)
    };
    let configs = match discovery::Discovery::new(args.config.as_deref(), args.no_config) {
        Ok(configs) => configs,
        Err(message) => return fail(&message),
    };
    let path = args.path.clone().unwrap_or_else(|| ".".into());
    let is_dir = path.is_dir();
    // A directory: what its files get (overrides match files, one by one).
    let (place, mask) = match path.file_name() {
        Some(name) if !is_dir => {
            let place = configs.of_entry(&path);
            let mask = place.matching(name);
            (place, mask)
        }
        _ => (configs.of_dir(&path), 0),
    };
    let excluded = walk::is_excluded_by_config(&configs, &path, is_dir);
    if let Some(message) = configs.errors().first() {
        return fail(message);
    }
    let defaults = match Cli::try_parse_from(["gbcheck", "check"]) {
        Ok(Cli { command: Command::Check(check) }) => check,
        _ => return Err(io::Error::other("internal error: default check arguments")),
    };
    let loaded = place.loaded.as_deref();
    let check = config::resolve(&defaults, config::Given::default(), loaded, mask);
    let rules = match rule_set(&check, &loaded.map(|l| l.severities(mask)).unwrap_or_default()) {
        Ok(rules) => rules,
        Err(message) => return fail(&message),
    };
    let effective = config::Effective { loaded, path: &path, mask, excluded, args: &check, rules: &rules };
    write!(io::stdout().lock(), "{effective}")?;
    Ok(EXIT_CLEAN)
}

/// The configuration of the run's own settings (the fail level, the summary's `settings`):
/// the one that applies to the first path named (to the files of a directory named), or to
/// the current directory when there is none or the first is standard input. An error when a
/// configuration file found cannot be read.
fn run_place(configs: &discovery::Discovery, paths: &[PathBuf]) -> Result<Arc<discovery::Place>, String> {
    let run = match paths.first() {
        Some(path) if path.as_os_str() != "-" && path.is_dir() => configs.of_dir(path),
        Some(path) if path.as_os_str() != "-" => configs.of_entry(path),
        _ => configs.of_dir(Path::new(".")),
    };
    if paths.iter().any(|p| p.as_os_str() == "-") {
        // Standard input's configuration, that of the current directory, is known up front.
        configs.of_dir(Path::new("."));
    }
    configs.errors().into_iter().next().map_or(Ok(run), Err)
}

/// Finds the configuration files of the named files too (the walk found those of the
/// directories), so that a broken one stops the run before anything is reported.
fn read_all_configs(configs: &discovery::Discovery, entries: &[input::Entry]) -> Result<(), String> {
    let named = entries.iter().filter(|e| matches!(e.kind, input::EntryKind::File { explicit: true }));
    for entry in named.filter(|_| configs.varies()) {
        configs.of_entry(&entry.path);
    }
    configs.errors().into_iter().next().map_or(Ok(()), Err)
}

/// The settings of the files whose configuration file or matching overrides differ from the
/// run's, made once for each (configuration file, matching overrides); `None` when every
/// file is checked alike.
fn per_file_settings(
    configs: &Arc<discovery::Discovery>,
    run: &Arc<discovery::Place>,
    cli: &CheckArgs,
    given: config::Given,
    base: Options,
    threads: usize,
) -> Option<job::ForPath> {
    if !configs.varies() {
        return None;
    }
    let (configs, run, cli) = (Arc::clone(configs), Arc::clone(run), cli.clone());
    let cache = std::sync::Mutex::new(std::collections::HashMap::<(PathBuf, u64), Arc<job::Settings>>::new());
    Some(Box::new(move |path| {
        if configs.uniform(&run) {
            return None;
        }
        // Standard input (an empty path) gets the configuration of the current directory.
        let (place, mask) = match path.file_name() {
            Some(name) => {
                let place = configs.of_entry(path);
                let mask = place.matching(name);
                (place, mask)
            }
            None => (configs.of_dir(Path::new(".")), 0),
        };
        if mask == 0 && place.same_config(&run) {
            return None;
        }
        let loaded = place.loaded.as_deref();
        let key = (loaded.map(|l| l.file.clone()).unwrap_or_default(), mask);
        let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
        let settings = cache.entry(key).or_insert_with(|| {
            let own = config::resolve(&cli, given, loaded, mask);
            // The base options were made from the same --select/--ignore, so this cannot fail.
            let options =
                options(&own, &loaded.map(|l| l.severities(mask)).unwrap_or_default()).unwrap_or(base);
            Arc::new(check_settings(&own, options, threads, None))
        });
        Some(Arc::clone(settings))
    }))
}

/// How the workers check, from the arguments (after a path's overrides) and their options.
fn check_settings(
    args: &CheckArgs,
    options: Options,
    threads: usize,
    for_path: Option<job::ForPath>,
) -> job::Settings {
    job::Settings {
        options: Options { max_findings: usize::MAX, ..options },
        // The filter applies --max-findings after suppressions and the baseline.
        max_shown: usize::MAX,
        snippets: args.format == FormatArg::Human,
        binary: args.binary,
        max_filesize: args.max_filesize,
        chunk: args.chunk_size.max(1),
        threads,
        for_path,
    }
}

/// The paths to check: named, listed in `--files-from`, or `.`.
fn input_paths(args: &CheckArgs) -> Result<Vec<PathBuf>, String> {
    let mut paths = args.paths.clone();
    if let Some(list) = &args.files_from {
        if list.as_os_str() == "-" && paths.iter().any(|p| p.as_os_str() == "-") {
            return Err("standard input cannot be both the --files-from list and an input".to_string());
        }
        let listed = walk::read_file_list(list, args.null)
            .map_err(|e| format!("cannot read --files-from {}: {}", list.display(), describe_io_error(&e)))?;
        paths.extend(listed);
    } else if paths.is_empty() {
        paths.push(".".into());
    }
    Ok(paths)
}

fn run_check(mut args: CheckArgs, given: config::Given, format_given: bool) -> io::Result<u8> {
    let started = Instant::now();
    let fail = |message: &str| -> io::Result<u8> {
        writeln!(io::stderr(), "gbcheck: error: {message}")?;
        Ok(EXIT_ERROR)
    };
    if !format_given && std::env::var_os("GITHUB_ACTIONS").is_some_and(|v| v == "true") {
        args.format = FormatArg::Github;
    }
    let cli = &args;
    let configs = match discovery::Discovery::new(cli.config.as_deref(), cli.no_config) {
        Ok(configs) => Arc::new(configs),
        Err(message) => return fail(&message),
    };
    let paths = match input_paths(cli) {
        Ok(paths) => paths,
        Err(message) => return fail(&message),
    };
    let run = match run_place(&configs, &paths) {
        Ok(run) => run,
        Err(message) => return fail(&message),
    };
    let run_config = run.loaded.as_deref();
    let args = &config::resolve(cli, given, run_config, 0);
    let baseline = match &args.baseline {
        Some(file) => match filter::read_baseline(file) {
            Ok(baseline) => Some(baseline),
            Err(message) => return fail(&message),
        },
        None => None,
    };
    let options = match options(args, &run_config.map(|l| l.severities(0)).unwrap_or_default()) {
        Ok(options) => options,
        Err(message) => return fail(&message),
    };
    let fail_level = match args.fail_level {
        FailLevelArg::Error => Severity::Error,
        FailLevelArg::Warning => Severity::Warning,
    };
    let threads = thread_count(args);
    let progress = progress::Progress::start(!args.quiet && !args.no_progress);

    if args.shard.is_some() && paths.iter().any(|p| p.as_os_str() == "-") {
        return fail("--shard cannot split standard input (-): name files or directories");
    }
    let walk_options = walk::WalkOptions {
        hidden: args.hidden,
        no_ignore: args.no_ignore,
        require_git: !args.no_require_git,
        excludes: args.exclude.clone(),
        force_exclude: args.force_exclude,
        threads,
        shard: args.shard,
        configs: configs.varies().then(|| Arc::clone(&configs)),
    };
    if let Some(status) = fix::before_walk(args, &paths, &options, fail_level)? {
        return Ok(status);
    }
    let for_path = per_file_settings(&configs, &run, cli, given, options, threads);
    let settings = Arc::new(check_settings(args, options, threads, for_path));
    // The walk's threads check the files as they find them (for the run's first second).
    let walk_check = job::WalkCheck::new(Arc::clone(&settings), started);
    // Files about to be fixed are checked after the fixes, not as they are found.
    let early = |path: &Path| walk_check.check(path);
    let early = (!args.fix && !args.diff).then_some(&early as walk::CheckFound);
    let walked = match walk::collect(&paths, &walk_options, early) {
        Ok(walked) => walked,
        Err(message) => return fail(&message),
    };
    if let Err(message) = read_all_configs(&configs, &walked.entries) {
        return fail(&message);
    }
    if let Some(message) = effect::refusal(args, &options.rules, &configs.files(), run_config, given) {
        return fail(&message);
    }
    let entries = walked.entries;
    let fixes = fix::run_files(args, &entries, &settings)?;
    if args.diff {
        return Ok(fix::diff_status(&fixes, args.quiet));
    }
    progress.set_total(entries.len() as u64);

    let stdout = progress.writer(io::stdout().lock());
    let stderr = progress.writer(io::stderr());
    let mut reporter: Box<dyn Reporter> = match args.format {
        FormatArg::Human => {
            Box::new(Human::new(io::BufWriter::new(stdout), stderr, use_color(args.color), args.quiet))
        }
        FormatArg::Jsonl => {
            Box::new(JsonLines::new(io::BufWriter::new(stdout), Some(run_settings(args, &options.rules))))
        }
        FormatArg::Sarif => Box::new(Sarif::new(io::BufWriter::new(stdout))),
        FormatArg::Github => Box::new(Github::new(io::BufWriter::new(stdout), stderr, args.quiet)),
        FormatArg::Brief => Box::new(Brief::new(io::BufWriter::new(stdout), stderr, args.quiet)),
    };
    let mut counted = fix::Counted::new(reporter.as_mut(), fixes.fixed);
    let mut filter = filter::Filter::new(
        &mut counted,
        filter::FilterOptions {
            max_shown: options.max_findings,
            baseline,
            record: args.write_baseline.is_some(),
            fingerprints: args.format == FormatArg::Sarif,
        },
    );
    let runner = run::Runner::new(settings, &mut filter, &progress, stats::Stats::new(args.stats))?;
    let (summary, stats, written) = runner.run(entries);
    progress.finish();
    let summary = gbcheck::report::Summary { ignored: walked.ignored, ..summary };
    let written = written.and_then(|()| filter.summary(&summary, &stats, started.elapsed()));
    // A closed output pipe (`gbcheck check | head`) ends the run early and quietly; the
    // status still tells what was found up to there.
    let closed = matches!(&written, Err(e) if e.kind() == io::ErrorKind::BrokenPipe);
    if !closed {
        written?;
    }
    let (summary, _) = filter.adjust(&summary, &stats);
    if let (true, Some(file)) = (closed, &args.write_baseline) {
        return fail(&format!(
            "the output was closed before the run ended; baseline {} not written",
            file.display()
        ));
    }
    if let Some(file) = &args.write_baseline {
        if let Err(e) = filter.write_baseline(file) {
            return fail(&format!("cannot write baseline {}: {}", file.display(), describe_io_error(&e)));
        }
    }
    Ok(if summary.operational_errors + fixes.errors > 0 {
        EXIT_ERROR
    } else if !args.exit_zero && args.write_baseline.is_none() && summary.counts.reaches(fail_level) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}
