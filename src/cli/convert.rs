//! `gbcheck convert`: lossless transcoding between GB 18030 and UTF-8, written atomically.
//!
//! The output is always in the encoding asked for. A file already in it (or pure ASCII, the
//! same bytes in both) is checked like any other and copied as it is, less a byte order mark
//! that is dropped; in place, it is not rewritten at all (unless it loses its BOM).
//!
//! Each file is read in chunks (bounded memory):
//!
//! 1. with `--from auto`, for detection (stopped as soon as the answer is settled);
//! 2. for the conversion, which is also the check: the converter stops at the first place it
//!    cannot convert exactly (what the refusal rules GB001-GB004 and GB006 find), and the same
//!    read looks for text that is damaged already (GB009 mojibake; GB008, UTF-8 read as GB
//!    18030), refused at the end unless `--allow-mojibake`. It writes to a temporary file in
//!    the destination's directory, flushed and fsynced; to standard output straight when that
//!    is a regular file written at its end (a conversion that stops is cut off again), else to
//!    a spool (memory, then an unnamed temporary file). Nothing stays on standard output or
//!    reaches the destination unless the whole file converted; `--dry-run` converts into
//!    nothing;
//! 3. only when it stopped: by the library's checker with the refusal rules, for the findings
//!    to print. A refused file is left as it was, and the exit status is 1;
//! 4. for a file destination, the verification: the temporary file is converted back and
//!    compared with the source, byte for byte. Then the permissions (and, where allowed, the
//!    owner) are copied, the source is checked to be unchanged since it was opened, the
//!    backup is made (a hard link, or a copy), the temporary file is renamed over the
//!    destination and the directory fsynced.
//!
//! Temporary files are `tempfile`'s: created with a random name (`.NAME.gbcheck-tmp-XXXXXX`)
//! that cannot collide, and removed on every way out but a kill. A process killed on the way
//! (`kill -9`) leaves its temporary file; gbcheck never removes a temporary file it did not
//! create, since it cannot prove that no other process (in another PID namespace, or on
//! another machine sharing the directory) is writing it. So the directory is never listed.
//!
//! Diagnostics go to standard error (standard output may carry the converted text).

use std::fs::{self, File, Metadata};
use std::io::{self, Read, Seek, Write};
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use gbcheck::check::{Encoding, EncodingChoice, FileChecker};
use gbcheck::convert::{bom_of, check_options, side_profile, Bom, Converter, Lossy, Suspicions};
use gbcheck::detect::Detector;
use gbcheck::finding::{HexBytes, Rule};
use gbcheck::lines::Locator;
use gbcheck::profile::Profile;
use gbcheck::report::FileReport;
use gbcheck::rules::RuleSet;
use tempfile::NamedTempFile;

use super::args::{ConvertArgs, EncodingArg, ProfileArg, TargetArg};
use super::escape::escape_str;
use super::input::describe_io_error;
use super::output::DisplayPath;
use super::replace::{self, create_temp};
use super::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};

/// Findings of a refused file are shown with lines and columns when it is at most this big
/// (it is read whole for that); bigger files show byte offsets only.
const LOCATE_LIMIT: u64 = 64 << 20;

/// How standard input is named in messages.
const STDIN_SHOWN: &str = "<stdin>";

/// What was asked, for every file.
struct Plan {
    to: Encoding,
    from: Option<Encoding>,
    profile: Profile,
    bom: Bom,
    chunk: usize,
    dry_run: bool,
    max_findings: usize,
    /// Convert text that looks damaged already (GB008, GB009) instead of refusing it.
    allow_mojibake: bool,
}

/// Where the conversion goes.
enum Destination<'a> {
    Stdout,
    InPlace { backup: Option<&'a str> },
    File(&'a Path),
}

/// How one file ended.
enum Outcome {
    Done,
    Refused,
}

/// An operational error about one file: a sentence, shown after the path.
type Failure = String;

/// Runs `gbcheck convert` and returns the exit status.
pub fn run(args: &ConvertArgs) -> io::Result<u8> {
    let err = &mut io::stderr();
    if !args.in_place && args.files.len() != 1 {
        let what = if args.output.is_some() { "-o" } else { "standard output" };
        writeln!(err, "gbcheck: error: {what} takes exactly one FILE; use --in-place to convert several")?;
        return Ok(EXIT_ERROR);
    }
    if args.in_place && args.files.iter().any(|f| f.as_os_str() == "-") {
        writeln!(err, "gbcheck: error: standard input (-) cannot be converted in place; use -o OUT")?;
        return Ok(EXIT_ERROR);
    }
    let plan = Plan {
        to: match args.to {
            TargetArg::Gb18030 => Encoding::Gb18030,
            TargetArg::Utf8 => Encoding::Utf8,
        },
        from: match args.from {
            EncodingArg::Auto => None,
            EncodingArg::Gb18030 => Some(Encoding::Gb18030),
            EncodingArg::Utf8 => Some(Encoding::Utf8),
        },
        profile: match args.profile {
            ProfileArg::Gb18030_2022 => Profile::Gb18030_2022,
            ProfileArg::Gb18030_2005 => Profile::Gb18030_2005,
            ProfileArg::Gbk => Profile::Gbk,
            ProfileArg::Whatwg => Profile::Whatwg,
            ProfileArg::Cp936 => Profile::Cp936,
        },
        bom: if args.keep_bom { Bom::Keep } else { Bom::Drop },
        chunk: usize::try_from(args.chunk_size).unwrap_or(usize::MAX).clamp(4, 64 << 20),
        dry_run: args.dry_run,
        max_findings: args.max_findings,
        allow_mojibake: args.allow_mojibake,
    };
    let destination = match (&args.output, args.in_place) {
        (Some(out), _) => Destination::File(out),
        (None, true) => Destination::InPlace { backup: args.backup.as_deref() },
        (None, false) => Destination::Stdout,
    };
    let mut status = EXIT_CLEAN;
    for path in &args.files {
        let from_stdin = path.as_os_str() == "-";
        let shown =
            if from_stdin { STDIN_SHOWN.to_string() } else { escape_str(&DisplayPath::of(path).text) };
        let result = if from_stdin {
            hold_stdin().and_then(|held| convert_one(held.path(), &shown, &plan, &destination, true))
        } else {
            convert_one(path, &shown, &plan, &destination, false)
        };
        match result {
            Ok(Outcome::Done) => {}
            Ok(Outcome::Refused) => status = status.max(EXIT_FINDINGS),
            Err(message) => {
                writeln!(err, "gbcheck: error: {shown}: {message}")?;
                status = EXIT_ERROR;
            }
        }
    }
    Ok(status)
}

/// Copies standard input into a temporary file in `$TMPDIR` (removed when dropped): a
/// conversion reads its source more than once (detection, conversion, the findings of a
/// refusal), and a pipe can be read only once.
fn hold_stdin() -> Result<NamedTempFile, Failure> {
    let mut held = tempfile::Builder::new().prefix(".gbcheck-stdin-").tempfile().map_err(|e| {
        format!("cannot create a temporary file for standard input: {}", describe_io_error(&e))
    })?;
    io::copy(&mut io::stdin().lock(), held.as_file_mut())
        .map_err(|e| format!("cannot hold standard input in a temporary file: {}", describe_io_error(&e)))?;
    Ok(held)
}

/// Opens a source and checks that it is a regular file.
fn open_source(path: &Path) -> Result<(File, Metadata), Failure> {
    let file = File::open(path).map_err(|e| format!("cannot read: {}", describe_io_error(&e)))?;
    let meta = file.metadata().map_err(|e| format!("cannot read: {}", describe_io_error(&e)))?;
    if !meta.is_file() {
        return Err("not a regular file".to_string());
    }
    Ok((file, meta))
}

/// Reads a file in chunks of `chunk` bytes, giving each to `each`; stops early when it says
/// so (returns `false`).
fn for_each_chunk(
    mut file: impl Read,
    chunk: usize,
    mut each: impl FnMut(&[u8]) -> Result<bool, Failure>,
) -> Result<(), Failure> {
    let mut buf = vec![0u8; chunk];
    loop {
        let mut filled = 0;
        while filled < chunk {
            match file.read(&mut buf[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(format!("cannot read: {}", describe_io_error(&e))),
            }
        }
        if filled == 0 || !each(&buf[..filled])? || filled < chunk {
            return Ok(());
        }
    }
}

/// Converts one file; `from_stdin` says that it holds what came on standard input.
fn convert_one(
    path: &Path,
    shown: &str,
    plan: &Plan,
    destination: &Destination,
    from_stdin: bool,
) -> Result<Outcome, Failure> {
    let (file, meta) = open_source(path)?;
    // The real file behind a symbolic link is what an in-place conversion replaces.
    let target = match destination {
        Destination::InPlace { .. } => Some(fs::canonicalize(path).map_err(|e| describe_io_error(&e))?),
        Destination::File(out) => Some(out.to_path_buf()),
        Destination::Stdout => None,
    };
    // `-o` naming the source itself is an in-place conversion.
    let out_is_source = match destination {
        Destination::File(out) => {
            fs::metadata(out).is_ok_and(|m| (m.dev(), m.ino()) == (meta.dev(), meta.ino()))
        }
        _ => false,
    };
    let in_place = matches!(destination, Destination::InPlace { .. }) || out_is_source;
    let (from, attempted) = match settle_from(path, &file, &meta, plan, destination)? {
        (from, Attempt::Stopped(e, name)) => return stopped(e, path, shown, from, plan, name),
        (from, Attempt::Converted(sink, streamed)) => (from, Some((sink, streamed))),
        (from, Attempt::None) => (from, None),
    };
    let has_bom = {
        let mut start = [0u8; 4];
        let n = read_prefix(path, &mut start)?;
        start[..n].starts_with(bom_of(from))
    };
    // A pure-ASCII file is the same bytes in both encodings: in place, it is left alone.
    if in_place && !plan.dry_run && from != plan.to && is_ascii(path, plan.chunk)? {
        say_done(shown, plan, plan.to, false, &Done::InPlace(meta.len(), meta.len()));
        return Ok(Outcome::Done);
    }
    let drops_bom = has_bom && plan.bom == Bom::Drop;
    if plan.dry_run || (in_place && from == plan.to && !drops_bom) {
        // One read into nothing: the check of a dry run, or of a file that stays as it is.
        return match convert_stream(path, from, plan, &mut io::sink()) {
            Ok(streamed) => {
                let from = if streamed.ascii { plan.to } else { from };
                let done = if plan.dry_run {
                    Done::DryRun(meta.len())
                } else {
                    Done::InPlace(meta.len(), meta.len())
                };
                say_done(shown, plan, from, has_bom, &done);
                Ok(Outcome::Done)
            }
            Err(e) => stopped(e, path, shown, from, plan, "nowhere"),
        };
    }
    match (destination, target) {
        (Destination::Stdout, _) | (_, None) => to_stdout(path, shown, &meta, from, plan, has_bom, attempted),
        (destination, Some(target)) => {
            let source = Source { path, shown, meta: &meta, from, has_bom, from_stdin };
            to_file(&source, destination, &target, out_is_source, plan)
        }
    }
}

/// A source whose encoding is settled.
struct Source<'a> {
    path: &'a Path,
    /// How it is named in messages.
    shown: &'a str,
    meta: &'a Metadata,
    from: Encoding,
    /// Whether it starts with the byte order mark of `from`.
    has_bom: bool,
    /// Whether it holds what came on standard input.
    from_stdin: bool,
}

/// Converts into a file: the source itself (in place, or `-o` naming it) or another.
///
/// One read converts and checks at once: the converter stops at the first place it cannot
/// convert exactly, which is where the check would find something. Only then does the check
/// run, to say what it found. Nothing reaches the destination before the whole source has
/// converted and the temporary file has been verified.
fn to_file(
    source: &Source,
    destination: &Destination,
    target: &Path,
    out_is_source: bool,
    plan: &Plan,
) -> Result<Outcome, Failure> {
    let Source { path, shown, meta, from, has_bom, from_stdin } = *source;
    let (backup, into) = match destination {
        Destination::InPlace { backup } => (*backup, None),
        _ => (None, Some(target)),
    };
    let target = if out_is_source {
        fs::canonicalize(target).map_err(|e| describe_io_error(&e))?
    } else {
        target.to_path_buf()
    };
    let in_place = into.is_none() || out_is_source;
    let written = write_atomically(path, meta, &target, in_place, backup, from, plan, has_bom, from_stdin);
    match written {
        Err(WriteError::Stopped(e)) => stopped(e, path, shown, from, plan, "the temporary file"),
        Err(WriteError::Failed(failure)) => Err(failure),
        Ok(streamed) => {
            let from = if streamed.ascii { plan.to } else { from };
            let done = match into {
                None => Done::InPlace(meta.len(), streamed.written),
                Some(_) => {
                    Done::Into(escape_str(&DisplayPath::of(&target).text), meta.len(), streamed.written)
                }
            };
            say_done(shown, plan, from, has_bom, &done);
            Ok(Outcome::Done)
        }
    }
}

/// What came of converting a source bound for standard output as UTF-8 before detection.
enum Attempt {
    /// No attempt was made.
    None,
    /// The source converted: its output waits in the sink.
    Converted(StdoutSink, Streamed),
    /// The source is UTF-8 but refused, or the output failed (said about the sink named).
    Stopped(StreamError, &'static str),
}

/// The encoding of the source: `--from`, or detected.
///
/// Bound for standard output with `--from auto`, the source is first converted as UTF-8,
/// which validates it on the way: a valid UTF-8 file is then read once, not twice. That is
/// what detection says of it, or (all ASCII) converts to the same bytes as GB 18030 would.
/// Anything else stops the attempt, its output is thrown away, and detection decides.
fn settle_from(
    path: &Path,
    file: &File,
    meta: &Metadata,
    plan: &Plan,
    destination: &Destination,
) -> Result<(Encoding, Attempt), Failure> {
    let detect = || {
        // `auto` never gives GB008: the rules only matter for that.
        let mut detector = Detector::new(EncodingChoice::Auto, &RuleSet::default());
        for_each_chunk(file, plan.chunk, |chunk| {
            detector.feed(chunk);
            Ok(!detector.is_settled())
        })?;
        Ok::<_, Failure>(detector.finish().encoding)
    };
    match plan.from {
        Some(from) => Ok((from, Attempt::None)),
        None if matches!(destination, Destination::Stdout) && !plan.dry_run => {
            let mut sink = StdoutSink::new(meta, min_output(meta.len(), Encoding::Utf8, plan.to));
            match convert_stream(path, Encoding::Utf8, plan, &mut sink) {
                Ok(streamed) => Ok((Encoding::Utf8, Attempt::Converted(sink, streamed))),
                Err(StreamError::Lossy(_)) => {
                    sink.discard()?;
                    Ok((detect()?, Attempt::None))
                }
                Err(e) => {
                    let name = sink.name();
                    sink.discard()?;
                    Ok((Encoding::Utf8, Attempt::Stopped(e, name)))
                }
            }
        }
        None => Ok((detect()?, Attempt::None)),
    }
}

/// Converts into standard output (the attempt as UTF-8 already made, when it went through).
fn to_stdout(
    path: &Path,
    shown: &str,
    meta: &Metadata,
    from: Encoding,
    plan: &Plan,
    has_bom: bool,
    attempted: Option<(StdoutSink, Streamed)>,
) -> Result<Outcome, Failure> {
    let (sink, streamed) = match attempted {
        Some(attempted) => attempted,
        None => {
            let mut sink = StdoutSink::new(meta, min_output(meta.len(), from, plan.to));
            match convert_stream(path, from, plan, &mut sink) {
                Ok(streamed) => (sink, streamed),
                Err(e) => {
                    let name = sink.name();
                    sink.discard()?;
                    return stopped(e, path, shown, from, plan, name);
                }
            }
        }
    };
    let from = if streamed.ascii { plan.to } else { from };
    say_done(shown, plan, from, has_bom, &Done::Stdout);
    // A closed output pipe ends the conversion quietly, as it ends `gbcheck check`.
    match sink.finish() {
        Ok(()) => Ok(Outcome::Done),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(Outcome::Done),
        Err(e) => Err(format!("cannot write standard output: {}", describe_io_error(&e))),
    }
}

/// What became of a file that went through.
enum Done {
    /// Written to standard output.
    Stdout,
    /// Replaced in place, or left as it was; the bytes read and written.
    InPlace(u64, u64),
    /// Written into the file named; the bytes read and written.
    Into(String, u64, u64),
    /// Nothing written (`--dry-run`); the bytes read.
    DryRun(u64),
}

/// Says on standard error what became of a file that went through. `from` is the target
/// encoding for a file already in it (pure ASCII included).
fn say_done(shown: &str, plan: &Plan, from: Encoding, has_bom: bool, done: &Done) {
    let to = plan.to.as_str();
    let keep_note = "(--keep-bom keeps it)";
    let note = if from == plan.to {
        let drops = has_bom && plan.bom == Bom::Drop;
        match (done, drops) {
            (Done::DryRun(_), false) => format!("already {to}; nothing to convert"),
            (Done::DryRun(_), true) => {
                format!("already {to}; its byte order mark would be dropped {keep_note}")
            }
            (Done::Stdout, false) => format!("already {to}; written unchanged"),
            (Done::Stdout, true) => format!("already {to}; written without its byte order mark {keep_note}"),
            (Done::Into(out, ..), false) => format!("already {to}; copied unchanged into {out}"),
            (Done::Into(out, ..), true) => {
                format!("already {to}; copied into {out} without its byte order mark {keep_note}")
            }
            (Done::InPlace(..), false) => format!("already {to}; left unchanged"),
            (Done::InPlace(..), true) => format!("already {to}; byte order mark dropped {keep_note}"),
        }
    } else {
        if has_bom {
            let bom = match (plan.bom, done) {
                (Bom::Drop, Done::DryRun(_)) => format!("byte order mark would be dropped {keep_note}"),
                (Bom::Drop, _) => format!("byte order mark dropped {keep_note}"),
                (Bom::Keep, _) => format!("byte order mark kept as the {to} one"),
            };
            eprintln!("gbcheck: {shown}: {bom}");
        }
        let direction = format!("{} -> {to}", from.as_str());
        match done {
            Done::Stdout => return,
            Done::DryRun(read) => format!("would convert {direction} ({read} bytes)"),
            Done::InPlace(read, written) => format!("converted {direction} ({read} -> {written} bytes)"),
            Done::Into(out, read, written) => {
                format!("converted {direction} into {out} ({read} -> {written} bytes)")
            }
        }
    };
    eprintln!("gbcheck: {shown}: {note}");
}

/// Whether a file is all ASCII (read up to its first other byte).
fn is_ascii(path: &Path, chunk: usize) -> Result<bool, Failure> {
    let (file, _) = open_source(path)?;
    let mut ascii = true;
    for_each_chunk(file, chunk, |bytes| {
        ascii = bytes.is_ascii();
        Ok(ascii)
    })?;
    Ok(ascii)
}

/// A conversion that stopped: refused (with the findings that say why), or failed.
fn stopped(
    e: StreamError,
    path: &Path,
    shown: &str,
    from: Encoding,
    plan: &Plan,
    output: &str,
) -> Result<Outcome, Failure> {
    match e {
        StreamError::Lossy(lossy) => refuse_after(path, shown, from, plan, lossy),
        StreamError::Suspect(report) => refuse_suspect(path, shown, from, plan, &report),
        e => Err(e.describe(output)),
    }
}

/// The direction of a conversion, for messages: `gb18030 -> utf-8`.
fn direction(from: Encoding, plan: &Plan) -> String {
    format!("{} -> {}", from.as_str(), plan.to.as_str())
}

/// What a refusal leaves: the file as it was, or (standard input) nothing.
fn unchanged(shown: &str) -> &'static str {
    if shown == STDIN_SHOWN {
        "nothing was written"
    } else {
        "the file is unchanged"
    }
}

/// Prints the findings of a file the check refuses and says so.
fn refuse(
    path: &Path,
    shown: &str,
    report: &FileReport,
    from: Encoding,
    plan: &Plan,
) -> Result<Outcome, Failure> {
    print_refusal(path, shown, report, from, plan)?;
    let verb = if plan.dry_run { "would refuse" } else { "refused" };
    eprintln!(
        "gbcheck: {shown}: {verb} ({} under {}): {} finding{} would make the conversion lossy; {}",
        direction(from, plan),
        side_profile(from, plan.to, plan.profile),
        report.counts.findings,
        if report.counts.findings == 1 { "" } else { "s" },
        unchanged(shown),
    );
    Ok(Outcome::Refused)
}

/// The conversion stopped where it could not go on exactly: the check says what it found.
fn refuse_after(
    path: &Path,
    shown: &str,
    from: Encoding,
    plan: &Plan,
    lossy: Lossy,
) -> Result<Outcome, Failure> {
    let report = check(path, from, plan)?;
    if report.counts.findings == 0 {
        // The source changed between the two reads.
        return Err(format!("the file changed while it was converted ({lossy}); nothing was changed"));
    }
    refuse(path, shown, &report, from, plan)
}

/// The text converts exactly but looks damaged already (GB008, GB009): converting it would
/// make the damage permanent, so it is refused unless `--allow-mojibake`.
fn refuse_suspect(
    path: &Path,
    shown: &str,
    from: Encoding,
    plan: &Plan,
    report: &FileReport,
) -> Result<Outcome, Failure> {
    print_refusal(path, shown, report, from, plan)?;
    let verb = if plan.dry_run { "would refuse" } else { "refused" };
    let why = if report.findings.first().is_some_and(|f| f.rule == Rule::WrongEncoding) {
        "the file is valid UTF-8 (GB008 wrong-encoding): read as GB 18030 its text would become \
         mojibake; name its encoding with --from utf-8 (or --from auto), or convert it as asked \
         with --allow-mojibake"
            .to_string()
    } else {
        let n = report.counts.findings;
        format!(
            "{n} run{} of mojibake (GB009: text decoded with the wrong encoding and saved again), \
             which converting would make permanent; repair the text, or convert it anyway with \
             --allow-mojibake",
            if n == 1 { "" } else { "s" }
        )
    };
    eprintln!("gbcheck: {shown}: {verb} ({}): {why}; {}", direction(from, plan), unchanged(shown));
    Ok(Outcome::Refused)
}

/// Standard output as the destination of one file's conversion. Nothing of a conversion that
/// stops may stay there, and the text should not be written twice when it need not be.
enum StdoutSink {
    /// A regular file (`> out.txt`) written at its end: the conversion goes straight into it,
    /// and a conversion that stops is cut off again at `start`, where it began.
    Direct { out: io::BufWriter<File>, start: u64 },
    /// Anything else (a pipe, a terminal, the source itself): the whole conversion is held,
    /// then written.
    Spool(Spool),
}

impl StdoutSink {
    /// The sink for the conversion of `source`, whose output is at least `min_len` bytes.
    fn new(source: &Metadata, min_len: u64) -> StdoutSink {
        match direct_stdout(source) {
            Some((file, start)) => {
                StdoutSink::Direct { out: io::BufWriter::with_capacity(1 << 20, file), start }
            }
            None => StdoutSink::Spool(Spool::new(min_len)),
        }
    }

    /// What a write error is about.
    fn name(&self) -> &'static str {
        match self {
            StdoutSink::Direct { .. } => "standard output",
            StdoutSink::Spool(_) => "the spool file",
        }
    }

    /// Takes back whatever of a conversion that stopped was written.
    fn discard(self) -> Result<(), Failure> {
        match self {
            StdoutSink::Spool(_) => Ok(()),
            StdoutSink::Direct { out, start } => {
                // What is still buffered is dropped unwritten.
                let (file, _) = out.into_parts();
                file.set_len(start).and_then(|()| (&file).seek(io::SeekFrom::Start(start)).map(drop)).map_err(
                    |e| {
                        format!(
                            "cannot take back the partial output on standard output: {}",
                            describe_io_error(&e)
                        )
                    },
                )
            }
        }
    }

    /// Completes a conversion that went through.
    fn finish(self) -> io::Result<()> {
        match self {
            StdoutSink::Direct { out, .. } => {
                out.into_inner().map(drop).map_err(io::IntoInnerError::into_error)
            }
            StdoutSink::Spool(spool) => {
                let stdout = io::stdout();
                let mut out = stdout.lock();
                spool.copy_to(&mut out).and_then(|()| out.flush())
            }
        }
    }
}

impl Write for StdoutSink {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        match self {
            StdoutSink::Direct { out, .. } => out.write(bytes),
            StdoutSink::Spool(spool) => spool.write(bytes),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Standard output as a file of its own, and where writing starts, when it is a regular file
/// other than `source` and is written at its end: then a conversion that stops can be cut off
/// without touching anything that was there before. Appending (`>>`) to a file that is not
/// empty does not qualify: its position is not yet at the end.
fn direct_stdout(source: &Metadata) -> Option<(File, u64)> {
    use std::os::fd::AsFd;
    let file = File::from(io::stdout().as_fd().try_clone_to_owned().ok()?);
    let meta = file.metadata().ok()?;
    if !meta.is_file() || (meta.dev(), meta.ino()) == (source.dev(), source.ino()) {
        return None;
    }
    let start = (&file).stream_position().ok()?;
    (start == meta.len()).then_some((file, start))
}

/// The converted text of a file bound for standard output, held until the whole file has
/// converted: in memory up to [`SPOOL_IN_MEMORY`] bytes, then in an unnamed temporary file.
struct Spool {
    memory: Vec<u8>,
    file: Option<File>,
    /// Whether the output will outgrow the memory (judged from the source size): then it goes
    /// to the file at once, not first to memory and then copied.
    straight_to_file: bool,
}

/// The fewest bytes a source of `len` bytes converts to (when it converts): UTF-8 is never
/// shorter than GB 18030 (one byte for one, two or three for two, four for four), and GB
/// 18030 at least two thirds of UTF-8 (two bytes for three at best).
fn min_output(len: u64, from: Encoding, to: Encoding) -> u64 {
    match (from, to) {
        (Encoding::Utf8, Encoding::Gb18030) => len / 3 * 2,
        _ => len,
    }
}

/// How much of a spool stays in memory.
const SPOOL_IN_MEMORY: usize = 16 << 20;

impl Spool {
    /// A spool for at least `min_len` bytes.
    fn new(min_len: u64) -> Spool {
        Spool { memory: Vec::new(), file: None, straight_to_file: min_len > SPOOL_IN_MEMORY as u64 }
    }

    /// A temporary file in `$TMPDIR` with no name (it lives while open).
    fn create_file() -> io::Result<File> {
        tempfile::tempfile()
    }

    /// Writes the spool out.
    fn copy_to(self, out: &mut impl Write) -> io::Result<()> {
        match self.file {
            None => out.write_all(&self.memory),
            Some(mut file) => {
                io::Seek::seek(&mut file, io::SeekFrom::Start(0))?;
                io::copy(&mut file, out)?;
                Ok(())
            }
        }
    }
}

impl Write for Spool {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if self.file.is_none() && (self.straight_to_file || self.memory.len() + bytes.len() > SPOOL_IN_MEMORY)
        {
            let mut file = Spool::create_file()?;
            file.write_all(&self.memory)?;
            self.memory = Vec::new();
            self.file = Some(file);
        }
        match &mut self.file {
            Some(file) => file.write_all(bytes).map(|()| bytes.len()),
            None => {
                self.memory.extend_from_slice(bytes);
                Ok(bytes.len())
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn read_prefix(path: &Path, buf: &mut [u8]) -> Result<usize, Failure> {
    let mut file = File::open(path).map_err(|e| format!("cannot read: {}", describe_io_error(&e)))?;
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(format!("cannot read: {}", describe_io_error(&e))),
        }
    }
    Ok(n)
}

/// Step 3: what the checker finds in a file the converter stopped on, for the refusal.
fn check(path: &Path, from: Encoding, plan: &Plan) -> Result<FileReport, Failure> {
    let (file, _) = open_source(path)?;
    let options = check_options(from, side_profile(from, plan.to, plan.profile), plan.max_findings);
    let mut checker = FileChecker::new(from, &options, 0);
    for_each_chunk(file, plan.chunk, |chunk| {
        checker.feed(chunk);
        Ok(true)
    })?;
    Ok(checker.finish())
}

/// Prints the findings of a refused file, as `gbcheck check` does (on standard error).
fn print_refusal(
    path: &Path,
    shown: &str,
    report: &FileReport,
    from: Encoding,
    plan: &Plan,
) -> Result<(), Failure> {
    let (mut file, meta) = open_source(path)?;
    let whole = if meta.len() <= LOCATE_LIMIT {
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(|e| format!("cannot read: {}", describe_io_error(&e)))?;
        Some(bytes)
    } else {
        None
    };
    let mut locator = whole.as_deref().map(|bytes| Locator::new(bytes, from));
    let mut err = io::stderr().lock();
    for finding in &report.findings {
        let span = finding.span;
        let bytes = match &whole {
            Some(bytes) => {
                let start = usize::try_from(span.start).unwrap_or(usize::MAX).min(bytes.len());
                let end = usize::try_from(span.end()).unwrap_or(usize::MAX).min(bytes.len());
                bytes[start..end].to_vec()
            }
            None => {
                use std::os::unix::fs::FileExt;
                let mut buf = vec![0u8; span.len as usize];
                let n = file.read_at(&mut buf, span.start).unwrap_or(0);
                buf.truncate(n);
                buf
            }
        };
        let place = match &mut locator {
            Some(locator) => {
                let position = locator.locate(span.start);
                format!("{shown}:{}:{}", position.line, position.column)
            }
            None => format!("{shown}: byte {}", span.start),
        };
        // A finding about the whole file (GB008) has no bytes to show.
        let at = if bytes.is_empty() {
            String::new()
        } else {
            format!(" (bytes {} at byte {})", HexBytes(&bytes), span.start)
        };
        let _ = writeln!(
            err,
            "{place}: {}[{}] {}: {}{at}",
            finding.severity,
            finding.rule.id(),
            finding.rule.name(),
            escape_str(&super::advice::message(finding, &bytes)),
        );
    }
    let hidden = report.counts.findings.saturating_sub(report.findings.len() as u64);
    if hidden > 0 {
        let _ = writeln!(
            err,
            "{shown}: {hidden} more finding(s) not shown (--max-findings {})",
            plan.max_findings
        );
    }
    Ok(())
}

/// Why streaming a conversion stopped.
enum StreamError {
    /// Reading the source failed.
    Read(Failure),
    /// The source cannot be converted exactly.
    Lossy(Lossy),
    /// The source converts exactly, but its text looks damaged already (GB008, GB009).
    Suspect(FileReport),
    /// Writing the output failed.
    Write(io::Error),
}

impl StreamError {
    fn describe(self, output: &str) -> Failure {
        match self {
            StreamError::Read(message) => message,
            StreamError::Lossy(lossy) => format!("the file changed while it was converted: {lossy}"),
            StreamError::Suspect(_) => "the text looks damaged already (GB008, GB009)".to_string(),
            StreamError::Write(e) => format!("cannot write {output}: {}", describe_io_error(&e)),
        }
    }
}

/// What a conversion that went through wrote.
struct Streamed {
    /// Bytes written.
    written: u64,
    /// Whether the source was all ASCII (then it is the same bytes in both encodings).
    ascii: bool,
}

/// Step 2: converts the source into `out`, and looks for damaged text on the way (unless
/// `--allow-mojibake`).
fn convert_stream(
    path: &Path,
    from: Encoding,
    plan: &Plan,
    out: &mut impl Write,
) -> Result<Streamed, StreamError> {
    let (file, _) = open_source(path).map_err(StreamError::Read)?;
    let mut converter = Converter::new(from, plan.to, plan.profile, plan.bom);
    let mut suspicions =
        (!plan.allow_mojibake).then(|| Suspicions::new(from, plan.profile, plan.max_findings));
    let mut streamed = Streamed { written: 0, ascii: true };
    let mut failure = None;
    for_each_chunk(file, plan.chunk, |chunk| {
        let bytes = match converter.feed(chunk) {
            Ok(bytes) => bytes,
            Err(lossy) => {
                failure = Some(StreamError::Lossy(lossy));
                return Ok(false);
            }
        };
        if let Err(e) = out.write_all(bytes) {
            failure = Some(StreamError::Write(e));
            return Ok(false);
        }
        streamed.written += bytes.len() as u64;
        streamed.ascii &= chunk.is_ascii();
        if let Some(suspicions) = &mut suspicions {
            suspicions.feed(chunk);
        }
        Ok(true)
    })
    .map_err(StreamError::Read)?;
    if let Some(failure) = failure {
        return Err(failure);
    }
    let last = converter.finish().map_err(StreamError::Lossy)?;
    out.write_all(last).map_err(StreamError::Write)?;
    streamed.written += last.len() as u64;
    if let Some(report) = suspicions.map(Suspicions::finish) {
        if report.counts.findings > 0 {
            return Err(StreamError::Suspect(report));
        }
    }
    Ok(streamed)
}

/// Step 4: converts the temporary file back and compares it with the source.
fn verify(temp: &Path, source: &Path, from: Encoding, plan: &Plan, has_bom: bool) -> Result<(), Failure> {
    let mismatch =
        || "the written file does not convert back to the source; nothing was replaced".to_string();
    let temp_file = File::open(temp)
        .map_err(|e| format!("cannot read back the temporary file: {}", describe_io_error(&e)))?;
    let (mut source_file, _) = open_source(source)?;
    if has_bom && plan.bom == Bom::Drop {
        let mut skipped = vec![0u8; bom_of(from).len()];
        source_file.read_exact(&mut skipped).map_err(|_| mismatch())?;
    }
    let mut source_file = io::BufReader::with_capacity(plan.chunk, source_file);
    let mut back = Converter::new(plan.to, from, plan.profile, Bom::Keep);
    let mut expected = Vec::new();
    let mut compare = |bytes: &[u8], source_file: &mut io::BufReader<File>| -> Result<(), Failure> {
        expected.resize(bytes.len(), 0);
        source_file.read_exact(&mut expected).map_err(|_| mismatch())?;
        if expected != bytes {
            return Err(mismatch());
        }
        Ok(())
    };
    for_each_chunk(temp_file, plan.chunk, |chunk| {
        let bytes = back.feed(chunk).map_err(|_| mismatch())?;
        compare(bytes, &mut source_file)?;
        Ok(true)
    })?;
    let bytes = back.finish().map_err(|_| mismatch())?;
    compare(bytes, &mut source_file)?;
    let mut rest = [0u8; 1];
    match source_file.read(&mut rest) {
        Ok(0) => Ok(()),
        _ => Err(mismatch()),
    }
}

/// Why converting into a file stopped.
enum WriteError {
    /// The source cannot be converted exactly, or looks damaged (the check says why).
    Stopped(StreamError),
    /// Anything else, said in a sentence.
    Failed(Failure),
}

impl From<Failure> for WriteError {
    fn from(failure: Failure) -> Self {
        WriteError::Failed(failure)
    }
}

/// Steps 2 and 4 into a file: returns what was written. The temporary file is removed on
/// every way out but the rename.
#[allow(clippy::too_many_arguments)]
fn write_atomically(
    source: &Path,
    source_meta: &Metadata,
    target: &Path,
    in_place: bool,
    backup: Option<&str>,
    from: Encoding,
    plan: &Plan,
    has_bom: bool,
    from_stdin: bool,
) -> Result<Streamed, WriteError> {
    let unchanged = "; nothing was changed";
    let temp = create_temp(target)?;
    let mut writer = io::BufWriter::with_capacity(1 << 20, temp.as_file());
    let streamed = convert_stream(source, from, plan, &mut writer).map_err(|e| match e {
        e @ (StreamError::Lossy(_) | StreamError::Suspect(_)) => WriteError::Stopped(e),
        e => WriteError::Failed(format!("{}{unchanged}", e.describe("the temporary file"))),
    })?;
    let file = writer.into_inner().map_err(|e| {
        format!("cannot write the temporary file: {}{unchanged}", describe_io_error(e.error()))
    })?;
    file.sync_all()
        .map_err(|e| format!("cannot flush the temporary file: {}{unchanged}", describe_io_error(&e)))?;
    verify(temp.path(), source, from, plan, has_bom)?;

    replace::commit(
        temp,
        &replace::Replace {
            source,
            source_meta,
            target,
            in_place,
            backup,
            from_stdin,
            while_doing: "it was converted",
        },
    )?;
    Ok(streamed)
}
