//! The command line: argument parsing, running the pipeline over the inputs in
//! parallel, streaming reports in input order, exit codes.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::accuracy;
use crate::engine::{Engine, FileReport};
use crate::examples;
use crate::pipeline;
use crate::report::{self, Renderer, Summary};
use crate::ruleset::{Level, RulesetError, embedded};
use crate::source::{self, InputFormat, ReadOptions, SourceError};

/// Exit codes (documented in the README).
pub const EXIT_CLEAN: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "disclint",
    version,
    about = "Lint data-breach disclosure notices (個人情報漏えい等の公表文) against a checklist",
    long_about = None
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Lint notices: report missing and vague items with the passage underlined.
    Check(CheckArgs),
    /// Score notices for completeness and show per-check coverage.
    Score(ScoreArgs),
    /// Explain a check: what it asks, why, and good and bad examples.
    Explain(ExplainArgs),
    /// Run the pass/vague/fail examples embedded in rulesets.
    Test(TestArgs),
    /// Measure agreement with hand-labelled notices (binary and exact accuracy).
    Eval(EvalArgs),
}

#[derive(Args, Debug)]
struct EvalArgs {
    /// Labels files (YAML lists of {file, kind, items}; see the README), measured together.
    #[arg(long, value_name = "FILE", num_args = 1.., required = true)]
    labels: Vec<PathBuf>,
    /// Directory the labelled `file` paths are relative to (default: each labels file's directory).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    #[arg(long, short = 'r', default_value = embedded::DEFAULT, value_name = "NAME|PATH")]
    ruleset: String,
    #[arg(long, short = 'f', value_enum, default_value_t = EvalFormat::Text)]
    format: EvalFormat,
    /// Exit 1 when overall binary accuracy (stated vs not) is below this (0–1).
    #[arg(long, value_name = "X")]
    min_binary: Option<f64>,
    /// Exit 1 when overall exact-status accuracy is below this (0–1).
    #[arg(long, value_name = "Y")]
    min_exact: Option<f64>,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum EvalFormat {
    Text,
    Json,
}

#[derive(Args, Debug, Clone)]
struct InputArgs {
    /// Files, directories (walked for .md, .txt, .html), glob patterns, or `-` for stdin.
    #[arg(required = true, value_name = "PATH|DIR|GLOB|-")]
    paths: Vec<String>,
    /// Embedded ruleset name (`ja-ppc`) or path of a YAML ruleset.
    #[arg(long, short = 'r', default_value = embedded::DEFAULT, value_name = "NAME|PATH")]
    ruleset: String,
    /// Force the input encoding (utf-8, shift_jis, euc-jp, iso-2022-jp, utf-16le, utf-16be).
    #[arg(long, value_name = "LABEL")]
    encoding: Option<String>,
    /// Treat every input as this format instead of guessing from the extension.
    #[arg(long, value_enum, value_name = "FORMAT")]
    input_format: Option<InputFormatArg>,
    /// Refuse files larger than this many bytes.
    #[arg(long, default_value_t = 10 * 1024 * 1024, value_name = "BYTES")]
    max_file_size: u64,
    /// Write the report to this file (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Print nothing but the report.
    #[arg(long, short = 'q')]
    quiet: bool,
}

#[derive(ValueEnum, Debug, Clone, Copy)]
enum InputFormatArg {
    Markdown,
    Text,
    Html,
}

#[derive(Args, Debug)]
struct CheckArgs {
    #[command(flatten)]
    input: InputArgs,
    #[arg(long, short = 'f', value_enum, default_value_t = CheckFormat::Human)]
    format: CheckFormat,
    /// Exit 1 when a diagnostic at or above this level is reported.
    #[arg(long, value_enum, default_value_t = FailLevel::Error)]
    fail_level: FailLevel,
    /// Exit 1 when a notice scores below this (0–100).
    #[arg(long, value_name = "SCORE")]
    min_score: Option<f64>,
    /// Colour the human output: auto (when standard output is a terminal), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum CheckFormat {
    Human,
    Short,
    Json,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum FailLevel {
    Error,
    Warning,
    Info,
    Never,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Args, Debug)]
struct ScoreArgs {
    #[command(flatten)]
    input: InputArgs,
    #[arg(long, short = 'f', value_enum, default_value_t = ScoreFormat::Table)]
    format: ScoreFormat,
    /// Exit 1 when a notice scores below this (0–100).
    #[arg(long, value_name = "SCORE")]
    min_score: Option<f64>,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum ScoreFormat {
    Table,
    Csv,
    Json,
    Markdown,
    Html,
}

#[derive(Args, Debug)]
struct ExplainArgs {
    /// Check id (`period`, `counts`, …); omit to list them.
    id: Option<String>,
    #[arg(long, short = 'r', default_value = embedded::DEFAULT, value_name = "NAME|PATH")]
    ruleset: String,
}

#[derive(Args, Debug)]
struct TestArgs {
    /// Rulesets to test (embedded names or paths); default: every embedded ruleset.
    rulesets: Vec<String>,
}

/// Parse arguments, run, and return the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                EXIT_ERROR
            } else {
                EXIT_CLEAN
            };
        }
    };
    match cli.command {
        Command::Check(args) => run_check(args),
        Command::Score(args) => run_score(args),
        Command::Explain(args) => run_explain(args),
        Command::Test(args) => run_test(args),
        Command::Eval(args) => run_eval(args),
    }
}

fn print_ruleset_error(e: &RulesetError) {
    let handler = miette::GraphicalReportHandler::new_themed(if io::stderr().is_terminal() {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    });
    let mut text = String::new();
    if handler.render_report(&mut text, e).is_err() {
        text = e.one_line_each().join("\n");
    }
    eprint!("{text}");
}

fn load_engine(spec: &str) -> Result<Engine, i32> {
    Engine::load(spec).map_err(|e| {
        print_ruleset_error(&e);
        EXIT_ERROR
    })
}

fn print_input_error(e: &SourceError) {
    eprintln!("error[input]: {e}");
}

/// How many files may be in flight (linted, or waiting for their turn to be
/// rendered): enough that a slow file does not idle the other cores, few enough
/// that memory does not grow with the number of inputs.
fn window() -> usize {
    64.max(16 * rayon::current_num_threads())
}

/// What a run over the inputs produced, beyond the rendered output.
struct RunOutcome {
    summary: Summary,
    input_errors: usize,
    below_min_score: usize,
    worst: Option<Level>,
}

fn run_inputs(
    input: &InputArgs,
    engine: &Engine,
    renderer: &mut dyn Renderer,
    min_score: Option<f64>,
) -> Result<RunOutcome, i32> {
    let forced = match &input.encoding {
        Some(label) => match source::encoding_for_label(label) {
            Some(enc) => Some(enc),
            None => {
                eprintln!(
                    "error[usage]: unknown encoding `{label}` (try utf-8, shift_jis, euc-jp, iso-2022-jp, utf-16le, utf-16be)"
                );
                return Err(EXIT_ERROR);
            }
        },
        None => None,
    };
    let opts = ReadOptions {
        encoding: forced,
        max_file_size: input.max_file_size,
        format: input.input_format.map(|f| match f {
            InputFormatArg::Markdown => InputFormat::Markdown,
            InputFormatArg::Text => InputFormat::Text,
            InputFormatArg::Html => InputFormat::Html,
        }),
    };
    let (paths, expand_errors) = source::expand_inputs(&input.paths);
    let mut outcome = RunOutcome {
        summary: Summary::default(),
        input_errors: expand_errors.len(),
        below_min_score: 0,
        worst: None,
    };
    for e in &expand_errors {
        print_input_error(e);
    }
    let mut sink = Output::open(input.output.as_deref())?;
    let write_failed = |e: io::Error| {
        // `disclint check … | head` closes the pipe early: stop without a complaint.
        if e.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("error[output]: cannot write the report: {e}");
        }
        EXIT_ERROR
    };
    renderer.begin(sink.writer()).map_err(write_failed)?;
    let progress = progress_bar(paths.len(), input.quiet);
    // A hidden bar still locks and updates its state on every tick.
    let shown = !progress.is_hidden();
    let mut render = |result: Result<FileReport, SourceError>| -> io::Result<()> {
        if shown {
            progress.inc(1);
        }
        match result {
            Ok(report) => {
                outcome.summary.add(&report);
                for d in &report.findings.diagnostics {
                    outcome.worst = outcome.worst.max(Some(d.severity));
                }
                if let (Some(min), Some(s)) = (min_score, report.findings.score)
                    && s < min
                {
                    outcome.below_min_score += 1;
                }
                renderer.file(sink.writer(), &report)
            }
            Err(e) => {
                outcome.input_errors += 1;
                progress.suspend(|| print_input_error(&e));
                Ok(())
            }
        }
    };
    // Files are linted in parallel and rendered in input order on this thread as
    // soon as each one's turn comes.
    pipeline::for_each_ordered(
        &paths,
        window(),
        |p| source::read_source(p, &opts).map(|s| engine.lint_source(s)),
        &mut render,
    )
    .map_err(write_failed)?;
    progress.finish_and_clear();
    renderer
        .end(sink.writer(), &outcome.summary)
        .map_err(write_failed)?;
    sink.finish().map_err(write_failed)?;
    if outcome.summary.files == 0 && outcome.input_errors == 0 && !input.quiet {
        eprintln!("warning: no notices to lint");
    }
    Ok(outcome)
}

/// Below this many files a run is over before a bar would help.
const PROGRESS_MIN_FILES: usize = 50;

/// A progress bar on standard error, only for long runs on a terminal.
fn progress_bar(files: usize, quiet: bool) -> indicatif::ProgressBar {
    if quiet || files < PROGRESS_MIN_FILES || !io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(files as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} {pos}/{len} notices [{bar:40}] {per_sec} {eta}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

fn exit_code(outcome: &RunOutcome, fail_level: FailLevel) -> i32 {
    if outcome.input_errors > 0 {
        return EXIT_ERROR;
    }
    let threshold = match fail_level {
        FailLevel::Error => Some(Level::Error),
        FailLevel::Warning => Some(Level::Warning),
        FailLevel::Info => Some(Level::Info),
        FailLevel::Never => None,
    };
    let failed_level = matches!((threshold, outcome.worst), (Some(t), Some(w)) if w >= t);
    if failed_level || outcome.below_min_score > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

/// The engine of a run that ends the process: its rule trees are not freed one node
/// at a time on the way out (a quarter of a one-notice run's instructions), the
/// process exit returns the memory at once.
fn never_freed(engine: Engine) -> std::mem::ManuallyDrop<Engine> {
    std::mem::ManuallyDrop::new(engine)
}

fn run_check(args: CheckArgs) -> i32 {
    let engine = match load_engine(&args.input.ruleset) {
        Ok(e) => never_freed(e),
        Err(code) => return code,
    };
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            args.input.output.is_none()
                && io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let japanese = engine.ruleset.lang == "ja";
    let mut renderer: Box<dyn Renderer> = match args.format {
        CheckFormat::Human => Box::new(report::human::Human::new(color, japanese)),
        CheckFormat::Short => Box::new(report::short::Short::default()),
        CheckFormat::Json => Box::new(report::json::Json::default()),
    };
    match run_inputs(&args.input, &engine, renderer.as_mut(), args.min_score) {
        Ok(outcome) => exit_code(&outcome, args.fail_level),
        Err(code) => code,
    }
}

fn run_score(args: ScoreArgs) -> i32 {
    let engine = match load_engine(&args.input.ruleset) {
        Ok(e) => never_freed(e),
        Err(code) => return code,
    };
    let mut renderer: Box<dyn Renderer> = match args.format {
        ScoreFormat::Table => Box::new(report::score::Table::default()),
        ScoreFormat::Csv => Box::new(report::score::Csv::default()),
        ScoreFormat::Json => Box::new(report::score::Json::default()),
        ScoreFormat::Markdown => Box::new(report::score::Markdown::default()),
        ScoreFormat::Html => Box::new(report::html::Html::default()),
    };
    match run_inputs(&args.input, &engine, renderer.as_mut(), args.min_score) {
        Ok(outcome) => exit_code(&outcome, FailLevel::Never),
        Err(code) => code,
    }
}

fn run_explain(args: ExplainArgs) -> i32 {
    let engine = match load_engine(&args.ruleset) {
        Ok(e) => e,
        Err(code) => return code,
    };
    let rs = &engine.ruleset;
    let mut out = io::stdout().lock();
    let Some(id) = args.id else {
        let _ = writeln!(out, "{} — {}\n", rs.name, rs.title);
        for c in &rs.checks {
            let _ = writeln!(out, "  {:<22} {:<8} {}", c.id, c.level, c.docs.title);
        }
        return EXIT_CLEAN;
    };
    let Some(check) = rs.check(&id) else {
        let hint =
            crate::ruleset::error::did_you_mean(&id, rs.checks.iter().map(|c| c.id.as_str()))
                .unwrap_or_else(|| {
                    format!(
                        "checks of {}: {}",
                        rs.name,
                        rs.checks
                            .iter()
                            .map(|c| c.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                });
        eprintln!(
            "error[usage]: no check `{id}` in ruleset {}\n  help: {hint}",
            rs.name
        );
        return EXIT_ERROR;
    };
    let _ = write!(out, "{}", explain_text(check, &rs.name));
    EXIT_CLEAN
}

/// The text of `disclint explain ID`.
pub fn explain_text(check: &crate::ruleset::Check, ruleset: &str) -> String {
    use std::fmt::Write as _;
    let d = &check.docs;
    let mut s = String::new();
    let modality = check.modality.map_or("avoid vague", |m| m.as_str());
    let _ = writeln!(s, "{} — {}", check.id, d.title);
    let _ = writeln!(
        s,
        "ruleset {ruleset}; {modality} ({}), weight {}{}",
        check.level,
        check.weight,
        if check.when.is_some() {
            "; conditional"
        } else {
            ""
        }
    );
    let mut section = |name: &str, body: &Option<String>| {
        if let Some(b) = body {
            let _ = writeln!(s, "\n{name}:\n  {}", b.trim().replace('\n', "\n  "));
        }
    };
    section("なぜ必要か / why", &d.why);
    section("欠けているとき / when missing", &d.missing);
    let vague = d.vague.as_ref().map(|m| m.replace("{text}", "…"));
    section("曖昧なとき / when vague", &vague);
    let pending = check.pending.as_ref().map(|p| p.message.clone());
    section(
        "第1報など調査中のとき / while under investigation",
        &pending,
    );
    section("書き方の例 / how to write it", &d.help);
    let ex = &d.examples;
    for (name, list) in [
        ("良い例 / pass", &ex.pass),
        ("曖昧な例 / vague", &ex.vague),
        ("悪い例 / fail", &ex.fail),
        ("対象外の例 / not applicable", &ex.na),
    ] {
        if !list.is_empty() {
            let _ = writeln!(s, "\n{name}:");
            for e in list {
                let _ = writeln!(s, "  - {}", e.trim().replace('\n', "\n    "));
            }
        }
    }
    s
}

fn run_eval(args: EvalArgs) -> i32 {
    let engine = match load_engine(&args.ruleset) {
        Ok(e) => e,
        Err(code) => return code,
    };
    let mut report = accuracy::EvalReport::for_ruleset(&engine);
    for path in &args.labels {
        let labels = match accuracy::load_labels(path) {
            Ok(l) => l,
            Err(e) => {
                eprintln!("error[labels]: {e}");
                return EXIT_ERROR;
            }
        };
        let root = args.root.clone().unwrap_or_else(|| {
            path.parent()
                .map_or_else(|| PathBuf::from("."), std::path::Path::to_path_buf)
        });
        report.add(&engine, &labels, &root);
    }
    match args.format {
        EvalFormat::Text => print!("{}", report.render_text()),
        EvalFormat::Json => match serde_json::to_string_pretty(&report) {
            Ok(j) => println!("{j}"),
            Err(e) => {
                eprintln!("error[output]: {e}");
                return EXIT_ERROR;
            }
        },
    }
    if !report.errors.is_empty() {
        return EXIT_ERROR;
    }
    let below = args.min_binary.is_some_and(|m| report.overall.binary() < m)
        || args.min_exact.is_some_and(|m| report.overall.exact() < m);
    if below { EXIT_FINDINGS } else { EXIT_CLEAN }
}

fn run_test(args: TestArgs) -> i32 {
    let specs: Vec<String> = if args.rulesets.is_empty() {
        embedded::names().map(String::from).collect()
    } else {
        args.rulesets
    };
    let (mut passed, mut failed) = (0, 0);
    for spec in &specs {
        let engine = match load_engine(spec) {
            Ok(e) => e,
            Err(code) => return code,
        };
        for o in examples::run(&engine) {
            if o.ok() {
                passed += 1;
            } else {
                failed += 1;
                println!(
                    "FAIL {}: {} example got `{}`: {}",
                    o.check,
                    o.expected.as_str(),
                    o.got.as_str(),
                    o.text.trim().replace('\n', " ⏎ ")
                );
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    if failed > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

/// Standard output without std's line buffering, which scans every byte written for
/// a newline (a corpus report is megabytes of JSON): a duplicate of the descriptor,
/// written through our own buffer. Elsewhere, or if it cannot be duplicated, stdout.
fn raw_stdout() -> Box<dyn Write + Send> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        let stdout = io::stdout();
        // Nothing of ours may sit in std's buffer ahead of what goes to the copy.
        let _ = stdout.lock().flush();
        if let Ok(fd) = stdout.as_fd().try_clone_to_owned() {
            return Box::new(std::fs::File::from(fd));
        }
    }
    Box::new(io::stdout())
}

/// Standard output, or a temporary file renamed over the target on success so that
/// an interrupted run never leaves a truncated report.
enum Output {
    Stdout(io::BufWriter<Box<dyn Write + Send>>),
    File {
        tmp: tempfile::NamedTempFile,
        target: PathBuf,
        buf: Option<io::BufWriter<std::fs::File>>,
    },
}

impl Output {
    fn open(path: Option<&std::path::Path>) -> Result<Output, i32> {
        let Some(target) = path else {
            return Ok(Output::Stdout(io::BufWriter::with_capacity(
                64 * 1024,
                raw_stdout(),
            )));
        };
        // Write through a symlink to the file it names, rather than replacing the link.
        let resolved;
        let target = match std::fs::canonicalize(target) {
            Ok(real) if target.is_symlink() => {
                resolved = real;
                resolved.as_path()
            }
            _ => target,
        };
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let tmp = tempfile::NamedTempFile::new_in(&dir).map_err(|e| {
            eprintln!(
                "error[output]: cannot create a file in {}: {e}",
                dir.display()
            );
            EXIT_ERROR
        })?;
        let file = tmp.reopen().map_err(|e| {
            eprintln!("error[output]: {e}");
            EXIT_ERROR
        })?;
        Ok(Output::File {
            tmp,
            target: target.to_path_buf(),
            buf: Some(io::BufWriter::new(file)),
        })
    }

    fn writer(&mut self) -> &mut dyn Write {
        match self {
            Output::Stdout(w) => w,
            Output::File { buf, .. } => buf.as_mut().expect("writer used before finish"),
        }
    }

    fn finish(self) -> io::Result<()> {
        match self {
            Output::Stdout(mut w) => w.flush(),
            Output::File {
                tmp,
                target,
                mut buf,
            } => {
                if let Some(mut b) = buf.take() {
                    b.flush()?;
                    b.get_ref().sync_all()?;
                }
                // A temporary file is private (0600); the report gets the permissions
                // of the file it replaces, or the usual 0644 for a new one.
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    let perms = std::fs::metadata(&target)
                        .map(|m| m.permissions())
                        .unwrap_or_else(|_| std::fs::Permissions::from_mode(0o644));
                    std::fs::set_permissions(tmp.path(), perms)?;
                }
                tmp.persist(&target).map_err(|e| {
                    io::Error::new(e.error.kind(), format!("{}: {}", target.display(), e.error))
                })?;
                Ok(())
            }
        }
    }
}
