//! The binary side: arguments, inputs, output formats and the exit status.

mod advice;
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
mod path_settings;
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
use gbcheck::check::Options;
use gbcheck::finding::{Rule, Severity};
use gbcheck::rules::RuleSet;

use args::{CheckArgs, Cli, ColorArg, Command, ConfigArgs, FailLevelArg, FormatArg};
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
            "{}  {:<26} {:<8} {}",
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

/// The name clap gives a value of an argument.
fn value_name(value: impl clap::ValueEnum) -> String {
    value.to_possible_value().map_or_else(String::new, |v| v.get_name().to_string())
}

/// The settings the JSON Lines summary records, for `gbcheck merge`.
fn run_settings(
    args: &CheckArgs,
    settings: &config::Resolved,
    rules: &RuleSet,
) -> output::jsonl::RunSettings {
    output::jsonl::RunSettings {
        encoding: value_name(settings.encoding),
        profile: value_name(settings.profile),
        level: settings.level,
        rules: Rule::ALL
            .iter()
            .filter_map(|&rule| rules.severity(rule).map(|s| (rule.id().to_string(), s.as_str().to_string())))
            .collect(),
        fail_level: value_name(settings.fail_level),
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
    let settings = config::resolve(&defaults, config::Given::default(), loaded, mask);
    let rules = match path_settings::rule_set(&defaults, &settings, &path_settings::severities(loaded, mask))
    {
        Ok(rules) => rules,
        Err(message) => return fail(&message),
    };
    let effective =
        config::Effective { loaded, path: &path, mask, excluded, settings: &settings, rules: &rules };
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

/// What a run settles before it walks: where its configuration comes from and the settings
/// that gives, every value final.
struct RunPlan {
    configs: Arc<discovery::Discovery>,
    paths: Vec<PathBuf>,
    /// Where the run's own settings come from.
    run: Arc<discovery::Place>,
    /// The run's layered settings (those of the files `run` applies to, with no override).
    settings: config::Resolved,
    options: Options,
    /// `--baseline`, read.
    baseline: Option<std::collections::HashMap<(String, String, String), u64>>,
}

/// Finds the configuration, the paths and the baseline, and resolves the run's settings; an
/// error message names the first thing that is wrong.
fn plan_run(args: &CheckArgs, given: config::Given) -> Result<RunPlan, String> {
    let configs = Arc::new(discovery::Discovery::new(args.config.as_deref(), args.no_config)?);
    let paths = input_paths(args)?;
    let run = run_place(&configs, &paths)?;
    let run_config = run.loaded.as_deref();
    let settings = config::resolve(args, given, run_config, 0);
    let baseline = args.baseline.as_deref().map(filter::read_baseline).transpose()?;
    let options = path_settings::options(args, &settings, &path_settings::severities(run_config, 0))?;
    Ok(RunPlan { configs, paths, run, settings, options, baseline })
}

fn run_check(args: CheckArgs, given: config::Given, format_given: bool) -> io::Result<u8> {
    let started = Instant::now();
    let fail = |message: &str| -> io::Result<u8> {
        writeln!(io::stderr(), "gbcheck: error: {message}")?;
        Ok(EXIT_ERROR)
    };
    let format = if !format_given && std::env::var_os("GITHUB_ACTIONS").is_some_and(|v| v == "true") {
        FormatArg::Github
    } else {
        args.format
    };
    let plan = match plan_run(&args, given) {
        Ok(plan) => plan,
        Err(message) => return fail(&message),
    };
    let (configs, paths, options) = (&plan.configs, &plan.paths, plan.options);
    let threads = thread_count(&args);
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
        configs: configs.varies().then(|| Arc::clone(configs)),
    };
    if let Some(status) = fix::before_walk(&args, paths, &options, fail_level(&plan.settings))? {
        return Ok(status);
    }
    let per_path =
        path_settings::PathSettings::new(configs, &plan.run, &args, given, format, options, threads);
    let for_path = per_path.map(|per_path| Box::new(move |path: &Path| per_path.of(path)) as job::ForPath);
    let settings = Arc::new(path_settings::check_settings(&args, format, options, threads, for_path));
    // The walk's threads check the files as they find them (for the run's first second); files
    // about to be fixed are checked after the fixes, not as they are found.
    let walk_check = job::WalkCheck::new(Arc::clone(&settings), started);
    let early = |path: &Path| walk_check.check(path);
    let early = (!args.fix && !args.diff).then_some(&early as walk::CheckFound);
    let walked = match walk::collect(paths, &walk_options, early) {
        Ok(walked) => walked,
        Err(message) => return fail(&message),
    };
    if let Err(message) = read_all_configs(configs, &walked.entries) {
        return fail(&message);
    }
    let run_config = plan.run.loaded.as_deref();
    let refusal = effect::refusal(&args, &plan.settings, &options.rules, &configs.files(), run_config, given);
    if let Some(message) = refusal {
        return fail(&message);
    }
    let fixes = fix::run_files(&args, &walked.entries, &settings)?;
    if args.diff {
        return Ok(fix::diff_status(&fixes, args.quiet));
    }
    progress.set_total(walked.entries.len() as u64);
    report_run(&args, format, plan, (settings, walked, fixes), &progress, started)
}

/// The lowest severity that fails the run.
fn fail_level(settings: &config::Resolved) -> Severity {
    match settings.fail_level {
        FailLevelArg::Error => Severity::Error,
        FailLevelArg::Warning => Severity::Warning,
    }
}

/// Checks the walked entries with `settings` (after `--fix` wrote `fixes`) and reports them;
/// the exit status.
fn report_run(
    args: &CheckArgs,
    format: FormatArg,
    plan: RunPlan,
    (settings, walked, fixes): (Arc<job::Settings>, walk::Walked, fix::Tally),
    progress: &progress::Progress,
    started: Instant,
) -> io::Result<u8> {
    let fail = |message: &str| -> io::Result<u8> {
        writeln!(io::stderr(), "gbcheck: error: {message}")?;
        Ok(EXIT_ERROR)
    };
    let rules = &plan.options.rules;
    let stdout = progress.writer(io::stdout().lock());
    let stderr = progress.writer(io::stderr());
    let mut reporter: Box<dyn Reporter> = match format {
        FormatArg::Human => {
            Box::new(Human::new(io::BufWriter::new(stdout), stderr, use_color(args.color), args.quiet))
        }
        FormatArg::Jsonl => Box::new(JsonLines::new(
            io::BufWriter::new(stdout),
            Some(run_settings(args, &plan.settings, rules)),
        )),
        FormatArg::Sarif => Box::new(Sarif::new(io::BufWriter::new(stdout))),
        FormatArg::Github => Box::new(Github::new(io::BufWriter::new(stdout), stderr, args.quiet)),
        FormatArg::Brief => Box::new(Brief::new(io::BufWriter::new(stdout), stderr, args.quiet)),
    };
    let mut counted = fix::Counted::new(reporter.as_mut(), fixes.fixed);
    let mut filter = filter::Filter::new(
        &mut counted,
        filter::FilterOptions {
            max_shown: plan.options.max_findings,
            baseline: plan.baseline,
            record: args.write_baseline.is_some(),
        },
    );
    let runner = run::Runner::new(settings, &mut filter, progress, stats::Stats::new(args.stats))?;
    let (summary, stats, written) = runner.run(walked.entries);
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
    let fail_level = fail_level(&plan.settings);
    Ok(if summary.operational_errors + fixes.errors > 0 {
        EXIT_ERROR
    } else if !args.exit_zero && args.write_baseline.is_none() && summary.counts.reaches(fail_level) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}
