//! `gbcheck convert`: lossless transcoding between GB 18030 and UTF-8, written atomically.
//!
//! Each file is read in chunks (bounded memory):
//!
//! 1. with `--from auto`, for detection (stopped as soon as the answer is settled);
//! 2. for the conversion, which is also the check: the converter stops at the first place it
//!    cannot convert exactly (what the refusal rules GB001-GB004 and GB006 find). It writes to
//!    a temporary file `.NAME.gbcheck-tmp-PID` in the destination's directory, flushed and
//!    fsynced; to standard output straight when that is a regular file written at its end (a
//!    conversion that stops is cut off again), else to a spool (memory, then an unnamed
//!    temporary file). Nothing stays on standard output or reaches the destination unless the
//!    whole file converted; `--dry-run` converts into nothing;
//! 3. only when it stopped: by the library's checker with the refusal rules, for the findings
//!    to print. A refused file is left as it was, and the exit status is 1;
//! 4. for a file destination, the verification: the temporary file is converted back and
//!    compared with the source, byte for byte. Then the permissions (and, where allowed, the
//!    owner) are copied, the source is checked to be unchanged since it was opened, the
//!    backup is made (a hard link, or a copy), the temporary file is renamed over the
//!    destination and the directory fsynced.
//!
//! Any failure removes the temporary file and leaves the destination as it was. A process
//! killed on the way (`kill -9`) leaves its temporary file; the next run in that directory
//! removes every `.*.gbcheck-tmp-PID` whose process is gone.
//!
//! Diagnostics go to standard error (standard output may carry the converted text).

use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, Read, Seek, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use gbcheck::check::{Encoding, FileChecker};
use gbcheck::convert::{bom_of, check_options, Bom, Converter, Detector};
use gbcheck::finding::HexBytes;
use gbcheck::lines::Locator;
use gbcheck::profile::Profile;
use gbcheck::report::FileReport;

use super::args::{ConvertArgs, EncodingArg, ProfileArg, TargetArg};
use super::escape::escape_str;
use super::input::describe_io_error;
use super::output::DisplayPath;
use super::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};

/// Findings of a refused file are shown with lines and columns when it is at most this big
/// (it is read whole for that); bigger files show byte offsets only.
const LOCATE_LIMIT: u64 = 64 << 20;

/// Marks the name of a temporary file: `.NAME.gbcheck-tmp-PID`.
const TEMP_MARK: &str = ".gbcheck-tmp-";

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
        },
        bom: if args.keep_bom { Bom::Keep } else { Bom::Drop },
        chunk: usize::try_from(args.chunk_size).unwrap_or(usize::MAX).clamp(4, 64 << 20),
        dry_run: args.dry_run,
        max_findings: args.max_findings,
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
            hold_stdin().and_then(|(held, _guard)| convert_one(&held, &shown, &plan, &destination, true))
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

/// Copies standard input into a temporary file (removed when the guard is dropped): a
/// conversion reads its source more than once (detection, conversion, the findings of a
/// refusal), and a pipe can be read only once.
fn hold_stdin() -> Result<(PathBuf, TempGuard), Failure> {
    let (mut file, path) = create_in_temp_dir("stdin").map_err(|e| {
        format!("cannot create a temporary file for standard input: {}", describe_io_error(&e))
    })?;
    let guard = TempGuard { path: Some(path.clone()) };
    io::copy(&mut io::stdin().lock(), &mut file)
        .map_err(|e| format!("cannot hold standard input in a temporary file: {}", describe_io_error(&e)))?;
    Ok((path, guard))
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
    if let (Some(target), false) = (&target, plan.dry_run) {
        remove_stale_temps(parent_of(target));
    }
    let detect = || {
        let mut detector = Detector::new();
        for_each_chunk(&file, plan.chunk, |chunk| {
            detector.feed(chunk);
            Ok(!detector.is_settled())
        })?;
        Ok::<_, Failure>(detector.finish())
    };
    // Bound for standard output with `--from auto`, the source is first converted as UTF-8,
    // which validates it on the way: a valid UTF-8 file is then read once, not twice. That is
    // what detection says of it, or (all ASCII) converts to the same bytes as GB 18030 would.
    // Anything else stops the attempt, its output is thrown away, and detection decides.
    let mut attempted = None;
    let from = match plan.from {
        Some(from) => from,
        None if matches!(destination, Destination::Stdout) && !plan.dry_run => {
            let mut sink = StdoutSink::new(&meta, min_output(meta.len(), Encoding::Utf8, plan.to));
            match convert_stream(path, Encoding::Utf8, plan, &mut sink) {
                Ok(_) => {
                    attempted = Some(sink);
                    Encoding::Utf8
                }
                Err(StreamError::Lossy(_)) => {
                    sink.discard()?;
                    detect()?
                }
                Err(e) => {
                    let what = e.describe(sink.name());
                    sink.discard()?;
                    return Err(what);
                }
            }
        }
        None => detect()?,
    };
    let direction = format!("{} -> {}", from.as_str(), plan.to.as_str());
    if from == plan.to && matches!(destination, Destination::InPlace { .. }) {
        eprintln!("gbcheck: {shown}: already {}; left unchanged", from.as_str());
        return Ok(Outcome::Done);
    }

    let has_bom = {
        let mut start = [0u8; 4];
        let n = read_prefix(path, &mut start)?;
        start[..n].starts_with(bom_of(from))
    };
    let bom_note = |dry_run: bool| {
        if has_bom {
            let note = match (plan.bom, dry_run) {
                (Bom::Drop, false) => "byte order mark dropped (--keep-bom keeps it)".to_string(),
                (Bom::Drop, true) => "byte order mark would be dropped (--keep-bom keeps it)".to_string(),
                (Bom::Keep, _) => format!("byte order mark kept as the {} one", plan.to.as_str()),
            };
            eprintln!("gbcheck: {shown}: {note}");
        }
    };
    if plan.dry_run {
        // The same one-read conversion, into nothing.
        match convert_stream(path, from, plan, &mut io::sink()) {
            Ok(_) => {}
            Err(StreamError::Lossy(lossy)) => {
                return refuse_after(path, shown, from, plan, &direction, lossy)
            }
            Err(e) => return Err(e.describe("nowhere")),
        }
        bom_note(true);
        eprintln!("gbcheck: {shown}: would convert {direction} ({} bytes)", meta.len());
        return Ok(Outcome::Done);
    }
    // One read converts and checks at once: the converter stops at the first place it cannot
    // convert exactly, which is where the check would find something. Only then does the
    // check run, to say what it found. Nothing reaches the destination before the whole
    // source has converted: standard output gets the spool, a file the verified temporary file.
    let written = match (destination, target) {
        (Destination::Stdout, _) | (_, None) => {
            let sink = match attempted {
                Some(sink) => sink,
                None => {
                    let mut sink = StdoutSink::new(&meta, min_output(meta.len(), from, plan.to));
                    match convert_stream(path, from, plan, &mut sink) {
                        Ok(_) => sink,
                        Err(StreamError::Lossy(lossy)) => {
                            sink.discard()?;
                            return refuse_after(path, shown, from, plan, &direction, lossy);
                        }
                        Err(e) => {
                            let what = e.describe(sink.name());
                            sink.discard()?;
                            return Err(what);
                        }
                    }
                }
            };
            bom_note(false);
            // A closed output pipe ends the conversion quietly, as it ends `gbcheck check`.
            return match sink.finish() {
                Ok(()) => Ok(Outcome::Done),
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(Outcome::Done),
                Err(e) => Err(format!("cannot write standard output: {}", describe_io_error(&e))),
            };
        }
        (Destination::InPlace { backup }, Some(target)) => {
            write_atomically(path, &meta, &target, true, *backup, from, plan, has_bom, from_stdin)
                .map(|n| (n, None))
        }
        (Destination::File(_), Some(target)) => {
            // `-o` naming the source itself is an in-place conversion.
            let same = fs::metadata(&target).is_ok_and(|m| m.dev() == meta.dev() && m.ino() == meta.ino());
            let target =
                if same { fs::canonicalize(&target).map_err(|e| describe_io_error(&e))? } else { target };
            write_atomically(path, &meta, &target, same, None, from, plan, has_bom, from_stdin)
                .map(|n| (n, Some(target)))
        }
    };
    match written {
        Err(WriteError::Lossy(lossy)) => refuse_after(path, shown, from, plan, &direction, lossy),
        Err(WriteError::Failed(failure)) => Err(failure),
        Ok((written, into)) => {
            bom_note(false);
            match into {
                None => {
                    eprintln!("gbcheck: {shown}: converted {direction} ({} -> {written} bytes)", meta.len())
                }
                Some(target) => {
                    let out = escape_str(&DisplayPath::of(&target).text);
                    eprintln!(
                        "gbcheck: {shown}: converted {direction} into {out} ({} -> {written} bytes)",
                        meta.len()
                    );
                }
            }
            Ok(Outcome::Done)
        }
    }
}

/// Prints the findings of a file the check refuses and says so.
fn refuse(
    path: &Path,
    shown: &str,
    report: &FileReport,
    from: Encoding,
    plan: &Plan,
    direction: &str,
) -> Result<Outcome, Failure> {
    print_refusal(path, shown, report, from, plan)?;
    let verb = if plan.dry_run { "would refuse" } else { "refused" };
    eprintln!(
        "gbcheck: {shown}: {verb} ({direction} under {}): {} finding{} would make the conversion lossy; \
         {}",
        plan.profile,
        report.counts.findings,
        if report.counts.findings == 1 { "" } else { "s" },
        if shown == STDIN_SHOWN { "nothing was written" } else { "the file is unchanged" },
    );
    Ok(Outcome::Refused)
}

/// The conversion stopped where it could not go on exactly: the check says what it found.
fn refuse_after(
    path: &Path,
    shown: &str,
    from: Encoding,
    plan: &Plan,
    direction: &str,
    lossy: gbcheck::convert::Lossy,
) -> Result<Outcome, Failure> {
    let report = check(path, from, plan)?;
    if report.counts.findings == 0 {
        // The source changed between the two reads.
        return Err(format!("the file changed while it was converted ({lossy}); nothing was changed"));
    }
    refuse(path, shown, &report, from, plan, direction)
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

    /// A temporary file in the temporary directory, removed at once (it lives while open).
    fn create_file() -> io::Result<File> {
        let (file, path) = create_in_temp_dir("spool")?;
        fs::remove_file(&path)?;
        Ok(file)
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

/// Creates a new file `.gbcheck-STEM-PID-N` in the temporary directory, readable and writable
/// by its owner only.
fn create_in_temp_dir(stem: &str) -> io::Result<(File, PathBuf)> {
    let dir = std::env::temp_dir();
    for attempt in 0..100u32 {
        let path = dir.join(format!(".gbcheck-{stem}-{}-{attempt}", std::process::id()));
        match OpenOptions::new().read(true).write(true).create_new(true).mode(0o600).open(&path) {
            Ok(file) => return Ok((file, path)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other("cannot find a free name for a temporary file"))
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
    let options = check_options(from, plan.profile, plan.max_findings);
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
        let _ = writeln!(
            err,
            "{place}: {}[{}] {}: {} (bytes {} at byte {})",
            finding.severity,
            finding.rule.id(),
            finding.rule.name(),
            escape_str(&finding.message(&bytes)),
            HexBytes(&bytes),
            span.start,
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
    /// The source cannot be converted exactly after all (it changed since it was checked).
    Lossy(gbcheck::convert::Lossy),
    /// Writing the output failed.
    Write(io::Error),
}

impl StreamError {
    fn describe(self, output: &str) -> Failure {
        match self {
            StreamError::Read(message) => message,
            StreamError::Lossy(lossy) => format!("the file changed while it was converted: {lossy}"),
            StreamError::Write(e) => format!("cannot write {output}: {}", describe_io_error(&e)),
        }
    }
}

/// Step 3: converts the source into `out`; returns the number of bytes written.
fn convert_stream(
    path: &Path,
    from: Encoding,
    plan: &Plan,
    out: &mut impl Write,
) -> Result<u64, StreamError> {
    let (file, _) = open_source(path).map_err(StreamError::Read)?;
    let mut converter = Converter::new(from, plan.to, plan.profile, plan.bom);
    let mut written = 0u64;
    let mut failure = None;
    for_each_chunk(file, plan.chunk, |chunk| match converter.feed(chunk) {
        Ok(bytes) => match out.write_all(bytes) {
            Ok(()) => {
                written += bytes.len() as u64;
                Ok(true)
            }
            Err(e) => {
                failure = Some(StreamError::Write(e));
                Ok(false)
            }
        },
        Err(lossy) => {
            failure = Some(StreamError::Lossy(lossy));
            Ok(false)
        }
    })
    .map_err(StreamError::Read)?;
    if let Some(failure) = failure {
        return Err(failure);
    }
    let last = converter.finish().map_err(StreamError::Lossy)?;
    out.write_all(last).map_err(StreamError::Write)?;
    Ok(written + last.len() as u64)
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

/// The directory holding `path` (`.` for a bare name).
fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// The temporary name for `path` in its directory: `.NAME.gbcheck-tmp-PID`.
fn temp_path_for(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    parent_of(path).join(format!(".{name}{TEMP_MARK}{}", std::process::id()))
}

/// Removes the temporary files of gbcheck processes that are gone (killed during a
/// conversion). Best effort: what cannot be listed or removed stays.
fn remove_stale_temps(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(at) = name.rfind(TEMP_MARK) else { continue };
        if !name.starts_with('.') {
            continue;
        }
        let Ok(pid) = name[at + TEMP_MARK.len()..].parse::<i32>() else { continue };
        if pid > 0 && pid as u32 != std::process::id() && !process_exists(pid) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

fn process_exists(pid: i32) -> bool {
    // SAFETY: kill with signal 0 sends nothing; it only asks whether the process exists.
    #[allow(unsafe_code)]
    let result = unsafe { libc::kill(pid, 0) };
    result == 0 || io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

/// Removes a temporary file when dropped, unless it was renamed into place.
struct TempGuard {
    path: Option<PathBuf>,
}

impl Drop for TempGuard {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            let _ = fs::remove_file(path);
        }
    }
}

/// Creates a new temporary file beside `path`, readable and writable by its owner only.
fn create_temp(path: &Path) -> Result<(File, TempGuard), Failure> {
    let temp = temp_path_for(path);
    let file = OpenOptions::new().write(true).create_new(true).mode(0o600).open(&temp).map_err(|e| {
        let dir = escape_str(&DisplayPath::of(parent_of(path)).text);
        let why = if e.kind() == io::ErrorKind::PermissionDenied || e.raw_os_error() == Some(libc::EROFS) {
            format!("{} (the directory is not writable)", describe_io_error(&e))
        } else {
            describe_io_error(&e)
        };
        format!("cannot create a temporary file in {dir}: {why}; nothing was changed")
    })?;
    Ok((file, TempGuard { path: Some(temp) }))
}

/// Why converting into a file stopped.
enum WriteError {
    /// The source cannot be converted exactly (the check says why).
    Lossy(gbcheck::convert::Lossy),
    /// Anything else, said in a sentence.
    Failed(Failure),
}

impl From<Failure> for WriteError {
    fn from(failure: Failure) -> Self {
        WriteError::Failed(failure)
    }
}

/// Steps 3 and 4 into a file: returns the number of bytes written.
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
) -> Result<u64, WriteError> {
    let unchanged = "; nothing was changed";
    let (file, mut guard) = create_temp(target)?;
    let temp = guard.path.clone().unwrap_or_default();
    let mut writer = io::BufWriter::with_capacity(1 << 20, file);
    let written = convert_stream(source, from, plan, &mut writer).map_err(|e| match e {
        StreamError::Lossy(lossy) => WriteError::Lossy(lossy),
        e => WriteError::Failed(format!("{}{unchanged}", e.describe("the temporary file"))),
    })?;
    let file = writer.into_inner().map_err(|e| {
        format!("cannot write the temporary file: {}{unchanged}", describe_io_error(e.error()))
    })?;
    file.sync_all()
        .map_err(|e| format!("cannot flush the temporary file: {}{unchanged}", describe_io_error(&e)))?;
    verify(&temp, source, from, plan, has_bom)?;

    // The permissions (and owner, where allowed) of the file replaced, or of the source; a new
    // file made from standard input gets those of any new file.
    let model = if in_place { Some(source_meta.clone()) } else { fs::metadata(target).ok() };
    let permissions = match model {
        None if from_stdin => new_file_permissions(),
        model => {
            let model = model.unwrap_or_else(|| source_meta.clone());
            let _ = std::os::unix::fs::fchown(&file, Some(model.uid()), Some(model.gid()));
            model.permissions()
        }
    };
    fs::set_permissions(&temp, permissions)
        .map_err(|e| format!("cannot set the permissions: {}{unchanged}", describe_io_error(&e)))?;
    drop(file);

    // The source must still be what was checked and converted.
    let now =
        fs::metadata(source).map_err(|e| format!("cannot stat: {}{unchanged}", describe_io_error(&e)))?;
    if now.len() != source_meta.len()
        || now.mtime() != source_meta.mtime()
        || now.mtime_nsec() != source_meta.mtime_nsec()
    {
        return Err(format!("the file changed while it was converted{unchanged}").into());
    }
    if let Some(suffix) = backup {
        make_backup(target, suffix)?;
    }
    fs::rename(&temp, target)
        .map_err(|e| format!("cannot replace the file: {}{unchanged}", describe_io_error(&e)))?;
    guard.path = None;
    // The rename is durable once the directory is.
    if let Ok(dir) = File::open(parent_of(target)) {
        let _ = dir.sync_all();
    }
    Ok(written)
}

/// The permissions a new file gets: read and write for all, less the umask.
fn new_file_permissions() -> fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    // SAFETY: umask cannot fail; the mask is read by setting it and set back at once, and
    // `convert` runs on one thread, so no file is created in between.
    #[allow(unsafe_code)]
    let mask = unsafe {
        let mask = libc::umask(0o077);
        libc::umask(mask);
        mask
    };
    // `mode_t` is not `u32` everywhere (it is `u16` on macOS).
    #[allow(clippy::useless_conversion)]
    let mask = u32::from(mask);
    fs::Permissions::from_mode(0o666 & !mask)
}

/// Keeps the original as `PATH` + `suffix`: a hard link when the file system allows it, a copy
/// otherwise; either way through a temporary name, so an older backup is replaced whole.
fn make_backup(path: &Path, suffix: &str) -> Result<(), Failure> {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    let backup = path.with_file_name(name);
    let temp = temp_path_for(&backup);
    let mut guard = TempGuard { path: Some(temp.clone()) };
    let fail = |e: io::Error| {
        format!("cannot make the backup {}: {}; nothing was changed", backup.display(), describe_io_error(&e))
    };
    if fs::hard_link(path, &temp).is_err() {
        fs::copy(path, &temp).map_err(fail)?;
        File::open(&temp).and_then(|f| f.sync_all()).map_err(fail)?;
    }
    fs::rename(&temp, &backup).map_err(fail)?;
    guard.path = None;
    Ok(())
}
