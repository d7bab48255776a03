//! The binary side: arguments, inputs, output formats and the exit status.

mod args;
mod escape;
mod explain;
mod input;
mod output;

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use gbcheck::check::{check_bytes, EncodingChoice, Options};
use gbcheck::finding::{Rule, Severity};
use gbcheck::profile::Profile;
use gbcheck::report::Summary;
use gbcheck::rules::RuleSet;

use args::{CheckArgs, Cli, ColorArg, Command, EncodingArg, FailLevelArg, FormatArg, ProfileArg};
use input::{describe_io_error, expand, looks_binary, read, Found, Input};
use output::{human::Human, jsonl::JsonLines, DisplayPath, Reporter};

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

fn run_check(args: &CheckArgs) -> io::Result<u8> {
    let started = Instant::now();
    let options = match options(args) {
        Ok(options) => options,
        Err(message) => {
            writeln!(io::stderr(), "gbcheck: error: {message}")?;
            return Ok(EXIT_ERROR);
        }
    };
    let fail_level = match args.fail_level {
        FailLevelArg::Error => Severity::Error,
        FailLevelArg::Warning => Severity::Warning,
    };
    let stdout = io::stdout().lock();
    let mut reporter: Box<dyn Reporter> = match args.format {
        FormatArg::Human => {
            Box::new(Human::new(io::BufWriter::new(stdout), io::stderr(), use_color(args.color), args.quiet))
        }
        FormatArg::Jsonl => Box::new(JsonLines::new(io::BufWriter::new(stdout))),
    };

    let mut summary = Summary::default();
    for found in expand(&args.paths) {
        match found {
            Found::Input(input) => {
                let (path, explicit) = match &input {
                    Input::Stdin => (DisplayPath::stdin(), true),
                    Input::File { path, explicit } => (DisplayPath::of(path), *explicit),
                };
                let bytes = match read(&input) {
                    Ok(bytes) => bytes,
                    Err(e) => {
                        summary.operational_errors += 1;
                        reporter.error(&path, &describe_io_error(&e))?;
                        continue;
                    }
                };
                if !args.binary && looks_binary(&bytes) {
                    summary.files_skipped += 1;
                    let reason = "binary file (a NUL byte in the first 8 KiB); use --binary to check it";
                    reporter.skipped(&path, reason, explicit)?;
                    continue;
                }
                let report = check_bytes(&bytes, &options);
                summary.add(&report);
                reporter.file(&path, &bytes, &report)?;
            }
            Found::Error(path, message) => {
                summary.operational_errors += 1;
                reporter.error(&DisplayPath::of(&path), &message)?;
            }
            Found::Skipped(path, reason) => {
                summary.files_skipped += 1;
                reporter.skipped(&DisplayPath::of(&path), &reason, false)?;
            }
        }
    }
    reporter.summary(&summary, started.elapsed())?;
    Ok(if summary.operational_errors > 0 {
        EXIT_ERROR
    } else if !args.exit_zero && summary.counts.reaches(fail_level) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}
