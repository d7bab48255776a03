//! The binary side: arguments, inputs, output formats and the exit status.

mod args;
mod chunks;
mod convert;
mod escape;
mod explain;
mod input;
mod locate;
mod output;
mod progress;
mod run;
mod stats;
mod walk;

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use gbcheck::check::{EncodingChoice, Options};
use gbcheck::finding::{Rule, Severity};
use gbcheck::profile::Profile;
use gbcheck::rules::RuleSet;

use args::{CheckArgs, Cli, ColorArg, Command, EncodingArg, FailLevelArg, FormatArg, ProfileArg};
use input::describe_io_error;
use output::{human::Human, jsonl::JsonLines, Reporter};

/// Exit status: no finding at or above the fail level, no operational error.
const EXIT_CLEAN: u8 = 0;
/// Exit status: at least one finding at or above the fail level.
const EXIT_FINDINGS: u8 = 1;
/// Exit status: an operational error (bad arguments, unreadable path); wins over 1.
const EXIT_ERROR: u8 = 2;

/// Runs the command line and returns the exit status.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_ERROR } else { EXIT_CLEAN };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Check(args) => run_check(&args),
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

/// The rule set the arguments ask for.
fn rule_set(args: &CheckArgs) -> Result<RuleSet, String> {
    let mut rules = RuleSet::new(match args.profile {
        ProfileArg::Gb18030_2022 => Profile::Gb18030_2022,
        ProfileArg::Gb18030_2005 => Profile::Gb18030_2005,
        ProfileArg::Gbk => Profile::Gbk,
        ProfileArg::Whatwg => Profile::Whatwg,
    });
    rules.level = args.level;
    let selected = parse_rules(&args.select)?;
    if !selected.is_empty() {
        for &rule in Rule::ALL {
            if !selected.contains(&rule) {
                rules.set_severity(rule, None);
            }
        }
    }
    for rule in parse_rules(&args.ignore)? {
        rules.set_severity(rule, None);
    }
    Ok(rules)
}

/// The check options the arguments ask for.
fn options(args: &CheckArgs) -> Result<Options, String> {
    Ok(Options {
        encoding: match args.encoding {
            EncodingArg::Auto => EncodingChoice::Auto,
            EncodingArg::Gb18030 => EncodingChoice::Gb18030,
            EncodingArg::Utf8 => EncodingChoice::Utf8,
        },
        max_findings: args.max_findings.unwrap_or(usize::MAX),
        rules: rule_set(args)?,
    })
}

/// The number of worker threads: `-j N`, or one per core.
fn thread_count(args: &CheckArgs) -> usize {
    match args.threads {
        Some(n) if n > 0 => n,
        _ => std::thread::available_parallelism().map_or(1, |n| n.get()),
    }
}

fn run_check(args: &CheckArgs) -> io::Result<u8> {
    let started = Instant::now();
    let fail = |message: &str| -> io::Result<u8> {
        writeln!(io::stderr(), "gbcheck: error: {message}")?;
        Ok(EXIT_ERROR)
    };
    let options = match options(args) {
        Ok(options) => options,
        Err(message) => return fail(&message),
    };
    let fail_level = match args.fail_level {
        FailLevelArg::Error => Severity::Error,
        FailLevelArg::Warning => Severity::Warning,
    };
    let threads = thread_count(args);
    let progress = progress::Progress::start(!args.quiet && !args.no_progress);

    // The paths: named, listed in --files-from, or `.`.
    let mut paths = args.paths.clone();
    if let Some(list) = &args.files_from {
        if list.as_os_str() == "-" && paths.iter().any(|p| p.as_os_str() == "-") {
            return fail("standard input cannot be both the --files-from list and an input");
        }
        match walk::read_file_list(list, args.null) {
            Ok(listed) => paths.extend(listed),
            Err(e) => {
                return fail(&format!(
                    "cannot read --files-from {}: {}",
                    list.display(),
                    describe_io_error(&e)
                ))
            }
        }
    } else if paths.is_empty() {
        paths.push(".".into());
    }
    let walk_options = walk::WalkOptions {
        hidden: args.hidden,
        no_ignore: args.no_ignore,
        excludes: args.exclude.clone(),
        force_exclude: args.force_exclude,
        threads,
    };
    let entries = match walk::collect(&paths, &walk_options) {
        Ok(entries) => entries,
        Err(message) => return fail(&message),
    };
    progress.set_total(entries.len() as u64);

    let stdout = progress.writer(io::stdout().lock());
    let stderr = progress.writer(io::stderr());
    let mut reporter: Box<dyn Reporter> = match args.format {
        FormatArg::Human => {
            Box::new(Human::new(io::BufWriter::new(stdout), stderr, use_color(args.color), args.quiet))
        }
        FormatArg::Jsonl => Box::new(JsonLines::new(io::BufWriter::new(stdout))),
    };
    let settings = run::Settings {
        options: Options { max_findings: usize::MAX, ..options },
        max_shown: options.max_findings,
        snippets: args.format == FormatArg::Human,
        binary: args.binary,
        max_filesize: args.max_filesize,
        chunk: args.chunk_size.max(1),
        threads,
    };
    let runner = run::Runner::new(settings, reporter.as_mut(), &progress, stats::Stats::new(args.stats))?;
    let result = runner.run(entries);
    progress.finish();
    let (summary, stats) = result?;
    reporter.summary(&summary, &stats, started.elapsed())?;
    Ok(if summary.operational_errors > 0 {
        EXIT_ERROR
    } else if !args.exit_zero && summary.counts.reaches(fail_level) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}
