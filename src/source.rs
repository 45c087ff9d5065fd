//! Reading inputs and decoding them.
//!
//! This module turns command-line arguments into a list of inputs
//! ([`expand_inputs`]), reads each input with size and sanity checks
//! ([`read_source`]) and decodes its bytes to UTF-8 ([`decode`]), detecting
//! the encodings Japanese disclosure notices are realistically published in:
//! UTF-8 (with or without BOM), UTF-16 with BOM, Shift_JIS (really
//! Windows-31J/CP932, as implemented by `encoding_rs`), EUC-JP and
//! ISO-2022-JP.
//!
//! The module is self-contained: it has no `crate::` imports.

use std::collections::HashSet;
use std::fmt;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::OnceLock;

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
// (Imports split into groups so that rustfmt's 2021 and 2024 style editions
// agree on their order.)
use encoding_rs::{DecoderResult, Encoding};

use encoding_rs::{EUC_JP, ISO_2022_JP, SHIFT_JIS};

use encoding_rs::UTF_8;

use encoding_rs::{UTF_16BE, UTF_16LE};

/// Default for [`ReadOptions::max_file_size`]: 10 MiB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// Display path used for standard input.
pub const STDIN_DISPLAY_PATH: &str = "<stdin>";

/// File extensions (lower case, without the dot) picked up when walking a
/// directory.
pub const LINTABLE_EXTENSIONS: &[&str] = &["md", "markdown", "txt", "html", "htm"];

/// Directory names never descended into when walking a directory (in
/// addition to every hidden entry, i.e. names starting with `.`).
const SKIPPED_DIRS: &[&str] = &["target", "node_modules"];

/// How many leading bytes the legacy-encoding heuristics look at (they are
/// slow-ish, especially in debug builds, and a prefix is plenty).
const DETECTION_SAMPLE_LEN: usize = 128 * 1024;

/// How many leading bytes are searched for NUL when sniffing for binaries.
const BINARY_SNIFF_LEN: usize = 8 * 1024;

// ---------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------

/// The markup flavour of an input, which decides how it is parsed later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InputFormat {
    Markdown,
    Text,
    Html,
}

impl InputFormat {
    /// Format from a file extension (without the dot, case-insensitive).
    /// `None` for extensions that are not recognised.
    pub fn from_extension(ext: &str) -> Option<InputFormat> {
        match ext.to_ascii_lowercase().as_str() {
            "md" | "markdown" => Some(InputFormat::Markdown),
            "txt" => Some(InputFormat::Text),
            "html" | "htm" => Some(InputFormat::Html),
            _ => None,
        }
    }

    /// Format from a path's extension: `.md`/`.markdown` → Markdown, `.txt` →
    /// Text, `.html`/`.htm` → Html, anything else → Text.
    pub fn from_path(path: &Path) -> InputFormat {
        path.extension()
            .and_then(|e| e.to_str())
            .and_then(InputFormat::from_extension)
            .unwrap_or(InputFormat::Text)
    }

    /// Lower-case name, as accepted by [`FromStr`].
    pub fn as_str(self) -> &'static str {
        match self {
            InputFormat::Markdown => "markdown",
            InputFormat::Text => "text",
            InputFormat::Html => "html",
        }
    }
}

impl fmt::Display for InputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for InputFormat {
    type Err = String;

    /// Accepts `markdown`/`md`, `text`/`txt`/`plain`, `html`/`htm`
    /// (case-insensitive), e.g. for a `--format` CLI option.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "markdown" | "md" => Ok(InputFormat::Markdown),
            "text" | "txt" | "plain" => Ok(InputFormat::Text),
            "html" | "htm" => Ok(InputFormat::Html),
            other => Err(format!(
                "unknown input format `{other}` (expected markdown, text or html)"
            )),
        }
    }
}

/// One input as produced by [`expand_inputs`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum InputPath {
    File(PathBuf),
    Stdin,
}

impl InputPath {
    /// The path shown to users: the path as given or walked, or `<stdin>`.
    pub fn display_path(&self) -> String {
        match self {
            InputPath::File(p) => p.display().to_string(),
            InputPath::Stdin => STDIN_DISPLAY_PATH.to_string(),
        }
    }
}

impl fmt::Display for InputPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputPath::File(p) => write!(f, "{}", p.display()),
            InputPath::Stdin => f.write_str(STDIN_DISPLAY_PATH),
        }
    }
}

/// A decoded input, ready for linting.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Display path as given or walked; standard input is `<stdin>`.
    pub path: String,
    /// Decoded text (UTF-8), with any BOM removed.
    pub text: String,
    /// Name of the encoding the bytes were decoded from: one of `"UTF-8"`,
    /// `"UTF-8 (BOM)"`, `"UTF-16LE"`, `"UTF-16BE"`, `"Shift_JIS"`, `"EUC-JP"`,
    /// `"ISO-2022-JP"` (or another `encoding_rs` name if one was forced).
    pub encoding: &'static str,
    pub format: InputFormat,
    /// At most one warning (see [`DecodeWarning`]).
    pub warnings: Vec<DecodeWarning>,
}

/// Undecodable bytes were replaced with U+FFFD while decoding.
///
/// One warning is produced per input: it points at the first replacement
/// character and its message gives the total count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeWarning {
    /// Byte offset in the decoded text (`SourceFile::text`) of the first
    /// U+FFFD that was inserted for undecodable input.
    pub byte_offset_in_text: usize,
    pub message: String,
}

/// Options for [`read_source`].
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Forced encoding; `None` detects it.
    pub encoding: Option<&'static Encoding>,
    /// Inputs larger than this many bytes are refused. Default 10 MiB; use
    /// `u64::MAX` for no limit.
    pub max_file_size: u64,
    /// Forced format; `None` derives it from the extension (stdin → Text).
    pub format: Option<InputFormat>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            encoding: None,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            format: None,
        }
    }
}

/// Why an input could not be expanded or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    #[error("{path}: no such file or directory")]
    NotFound { path: String },
    #[error("`{pattern}` did not match any Markdown, text or HTML file")]
    NoMatch { pattern: String },
    #[error("invalid glob pattern `{pattern}`: {msg}")]
    BadGlob { pattern: String, msg: String },
    #[error("{path}: cannot read: {error}")]
    Io { path: String, error: String },
    #[error(
        "{path} is too large: {} bytes, the limit is {limit} bytes",
        size_text(.path, *.size, *.limit)
    )]
    TooLarge { path: String, size: u64, limit: u64 },
    #[error("{path} looks like a binary file, not a text document")]
    Binary { path: String },
    #[error("{path} is empty")]
    Empty { path: String },
    #[error(
        "unknown encoding `{name}` (try utf-8, shift_jis, euc-jp, iso-2022-jp, utf-16le or utf-16be)"
    )]
    UnknownEncoding { name: String },
}

fn size_text(path: &str, size: u64, limit: u64) -> String {
    // Standard input is read with a cap of limit + 1 bytes, so its real size
    // is unknown beyond "more than the limit".
    if path == STDIN_DISPLAY_PATH && size > limit {
        format!("more than {limit}")
    } else {
        size.to_string()
    }
}

impl SourceError {
    /// The path (or pattern, or encoding name) the error is about.
    pub fn subject(&self) -> &str {
        match self {
            SourceError::NotFound { path }
            | SourceError::Io { path, .. }
            | SourceError::TooLarge { path, .. }
            | SourceError::Binary { path }
            | SourceError::Empty { path } => path,
            SourceError::NoMatch { pattern } | SourceError::BadGlob { pattern, .. } => pattern,
            SourceError::UnknownEncoding { name } => name,
        }
    }
}

// ---------------------------------------------------------------------------
// Encoding labels
// ---------------------------------------------------------------------------

/// Looks up an encoding by a user-supplied label, case-insensitively.
///
/// Accepts the WHATWG labels known to `encoding_rs` (`shift_jis`, `sjis`,
/// `windows-31j`, `ms932`, `euc-jp`, `iso-2022-jp`, `utf-8`, `utf-16le`,
/// `utf-16be`, `windows-1252`, ...) plus common aliases: `cp932`, `ms-932`,
/// `mskanji`, `eucjp`, `euc_jp`, `ujis`, `jis`, `iso2022jp`, `utf8`,
/// `utf-8-sig`, `utf8bom`, `utf16le`, `utf16be`, `utf-16`/`utf16` (little
/// endian). Labels that would map to the WHATWG "replacement" encoding
/// (e.g. `iso-2022-kr`) are rejected.
pub fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    let norm = label.trim().to_ascii_lowercase();
    let alias = match norm.as_str() {
        "cp932" | "cp-932" | "ms-932" | "mskanji" | "ms-kanji" | "windows31j" | "win31j"
        | "shiftjis" | "s-jis" | "s_jis" => Some(SHIFT_JIS),
        "eucjp" | "euc_jp" | "ujis" | "eucjp-ms" | "euc-jp-ms" | "cp51932" => Some(EUC_JP),
        "jis" | "iso2022jp" | "iso-2022jp" | "iso_2022_jp" | "cp50220" | "cp50221" | "cp50222" => {
            Some(ISO_2022_JP)
        }
        "utf8" | "utf_8" | "utf-8-sig" | "utf8-sig" | "utf8bom" | "utf-8-bom" => Some(UTF_8),
        "utf16le" | "utf_16le" | "utf-16" | "utf16" => Some(UTF_16LE),
        "utf16be" | "utf_16be" => Some(UTF_16BE),
        _ => None,
    };
    alias.or_else(|| Encoding::for_label_no_replacement(norm.as_bytes()))
}

/// Like [`encoding_for_label`], with a [`SourceError::UnknownEncoding`] for
/// an unknown label (convenient for a `--encoding` CLI option).
pub fn parse_encoding(label: &str) -> Result<&'static Encoding, SourceError> {
    encoding_for_label(label).ok_or_else(|| SourceError::UnknownEncoding {
        name: label.to_string(),
    })
}

// ---------------------------------------------------------------------------
// Expanding CLI arguments
// ---------------------------------------------------------------------------

/// Expands CLI arguments into an ordered list of inputs.
///
/// * `-` is standard input.
/// * An existing file is taken as is, whatever its extension.
/// * A directory is walked recursively in sorted (byte-wise file name)
///   order for `.md`, `.markdown`, `.txt`, `.html` and `.htm` files
///   (case-insensitive), skipping hidden entries (names starting with `.`,
///   e.g. `.git`) and `target`/`node_modules` directories. Symbolic links
///   to files are listed; symbolic links to directories are not followed.
/// * An argument containing `*`, `?` or `[` that is not an existing path is
///   a glob pattern; its matches are sorted, matched files are taken as is
///   and matched directories are walked as above. `*` does not match a
///   leading `.`.
///
/// Inputs are listed in argument order; a path listed twice (exactly the
/// same path) is kept only at its first position. Problems with single
/// arguments (missing file, glob or directory that yields nothing, bad
/// pattern, unreadable directory entry) are collected in the second list;
/// the remaining arguments are still expanded.
pub fn expand_inputs(args: &[String]) -> (Vec<InputPath>, Vec<SourceError>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    let mut seen: HashSet<InputPath> = HashSet::new();
    let mut push = |input: InputPath, inputs: &mut Vec<InputPath>| {
        if seen.insert(input.clone()) {
            inputs.push(input);
        }
    };

    for arg in args {
        if arg == "-" {
            push(InputPath::Stdin, &mut inputs);
            continue;
        }
        let path = Path::new(arg);
        match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                let found = walk_dir(path, &mut errors);
                if found.is_empty() {
                    errors.push(SourceError::NoMatch {
                        pattern: arg.clone(),
                    });
                }
                // A folder's walk names each file once: the only argument needs
                // no duplicate check, and remembering every path of an archive
                // for one would hold a second copy of its path list (a third of
                // the peak memory at 100,000 files). Several arguments, or a
                // pattern matching a folder and files in it, can name one twice.
                if args.len() == 1 {
                    inputs.extend(found.into_iter().map(InputPath::File));
                } else {
                    for p in found {
                        push(InputPath::File(p), &mut inputs);
                    }
                }
            }
            Ok(_) => push(InputPath::File(path.to_path_buf()), &mut inputs),
            Err(_) if has_glob_meta(arg) => {
                for p in expand_glob(arg, &mut errors) {
                    push(InputPath::File(p), &mut inputs);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound || arg.is_empty() => {
                errors.push(SourceError::NotFound { path: arg.clone() });
            }
            Err(e) => errors.push(SourceError::Io {
                path: arg.clone(),
                error: e.to_string(),
            }),
        }
    }
    (inputs, errors)
}

fn has_glob_meta(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// Whether `path` has one of the [`LINTABLE_EXTENSIONS`].
pub fn has_lintable_extension(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        LINTABLE_EXTENSIONS
            .iter()
            .any(|x| e.eq_ignore_ascii_case(x))
    })
}

fn is_hidden_or_skipped(entry: &walkdir::DirEntry) -> bool {
    let name = entry.file_name().to_string_lossy();
    name.starts_with('.') || (entry.file_type().is_dir() && SKIPPED_DIRS.contains(&name.as_ref()))
}

/// Recursively lists lintable files under `dir`, sorted and deterministic.
fn walk_dir(dir: &Path, errors: &mut Vec<SourceError>) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(false)
        // The same order as `sort_by_file_name`, which takes the name through
        // `Path::file_name` (a component parse) on every comparison: most of
        // the cost of listing a corpus.
        .sort_by(|a, b| file_name_bytes(a.path()).cmp(file_name_bytes(b.path())))
        .into_iter()
        // The root itself is never filtered (e.g. `.` or an explicit
        // hidden directory given on the command line).
        .filter_entry(|e| e.depth() == 0 || !is_hidden_or_skipped(e));
    for entry in walker {
        match entry {
            Ok(entry) => {
                let ft = entry.file_type();
                let is_file = ft.is_file() || (ft.is_symlink() && entry.path().is_file());
                if entry.depth() > 0 && is_file && has_lintable_extension(entry.path()) {
                    found.push(entry.into_path());
                }
            }
            Err(err) => {
                let path = err.path().unwrap_or(dir).display().to_string();
                let error = err
                    .io_error()
                    .map(|e| e.to_string())
                    .unwrap_or_else(|| err.to_string());
                errors.push(SourceError::Io { path, error });
            }
        }
    }
    found
}

/// The bytes after the last path separator: the file name of a path that
/// walkdir built by joining a directory and a name (`Path::join` puts
/// `MAIN_SEPARATOR` between them, and a name has no separator), as
/// `Path::file_name` would give it, without parsing components.
fn file_name_bytes(path: &Path) -> &[u8] {
    let bytes = path.as_os_str().as_encoded_bytes();
    let start = memchr::memrchr(std::path::MAIN_SEPARATOR as u8, bytes).map_or(0, |i| i + 1);
    &bytes[start..]
}

fn expand_glob(pattern: &str, errors: &mut Vec<SourceError>) -> Vec<PathBuf> {
    let options = glob::MatchOptions {
        case_sensitive: true,
        require_literal_separator: false,
        require_literal_leading_dot: true,
    };
    let paths = match glob::glob_with(pattern, options) {
        Ok(paths) => paths,
        Err(e) => {
            errors.push(SourceError::BadGlob {
                pattern: pattern.to_string(),
                msg: e.to_string(),
            });
            return Vec::new();
        }
    };
    let mut matched = Vec::new();
    for entry in paths {
        match entry {
            Ok(p) => matched.push(p),
            Err(e) => errors.push(SourceError::Io {
                path: e.path().display().to_string(),
                error: e.error().to_string(),
            }),
        }
    }
    matched.sort();
    let mut found = Vec::new();
    for p in matched {
        if p.is_dir() {
            found.extend(walk_dir(&p, errors));
        } else {
            found.push(p);
        }
    }
    if found.is_empty() {
        errors.push(SourceError::NoMatch {
            pattern: pattern.to_string(),
        });
    }
    found
}

// ---------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------

/// Reads and decodes one input.
///
/// Files are checked against `opts.max_file_size` through their metadata
/// before reading (and read with a cap anyway, in case they grow or are not
/// regular files); standard input is read with a cap of limit + 1 bytes.
/// Then the bytes are refused if empty or binary, decoded (see [`decode`]),
/// and refused if the text is only whitespace.
pub fn read_source(input: &InputPath, opts: &ReadOptions) -> Result<SourceFile, SourceError> {
    match input {
        InputPath::Stdin => {
            let stdin = io::stdin();
            let lock = stdin.lock();
            read_reader(STDIN_DISPLAY_PATH, lock, opts)
        }
        InputPath::File(path) => {
            let display = path.display().to_string();
            // Open, then ask the open file what it is: one path lookup instead of
            // two (a directory opens read-only on Unix and is refused just below).
            let file = fs::File::open(path).map_err(|e| io_error(&display, e))?;
            let meta = file.metadata().map_err(|e| io_error(&display, e))?;
            if meta.is_dir() {
                return Err(SourceError::Io {
                    path: display,
                    error: "is a directory".to_string(),
                });
            }
            if meta.is_file() && meta.len() > opts.max_file_size {
                return Err(SourceError::TooLarge {
                    path: display,
                    size: meta.len(),
                    limit: opts.max_file_size,
                });
            }
            let bytes = read_capped(&display, file, opts.max_file_size, meta.len())?;
            let format = opts.format.unwrap_or_else(|| InputFormat::from_path(path));
            source_from_bytes(display, bytes, format, opts)
        }
    }
}

/// Reads and decodes an input from any reader, e.g. standard input or an
/// in-memory buffer. `display_path` is used in errors and as
/// [`SourceFile::path`]; the format (unless forced) comes from its extension,
/// so `<stdin>` gives Text.
pub fn read_reader<R: Read>(
    display_path: &str,
    reader: R,
    opts: &ReadOptions,
) -> Result<SourceFile, SourceError> {
    let bytes = read_capped(display_path, reader, opts.max_file_size, 0)?;
    let format = opts
        .format
        .unwrap_or_else(|| InputFormat::from_path(Path::new(display_path)));
    source_from_bytes(display_path.to_string(), bytes, format, opts)
}

fn io_error(path: &str, e: io::Error) -> SourceError {
    if e.kind() == io::ErrorKind::NotFound {
        SourceError::NotFound {
            path: path.to_string(),
        }
    } else {
        SourceError::Io {
            path: path.to_string(),
            error: e.to_string(),
        }
    }
}

fn read_capped<R: Read>(
    path: &str,
    reader: R,
    limit: u64,
    size_hint: u64,
) -> Result<Vec<u8>, SourceError> {
    // One allocation for a regular file (its size plus the byte that detects growth).
    let mut bytes = Vec::with_capacity(size_hint.min(limit).saturating_add(1) as usize);
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| io_error(path, e))?;
    let size = bytes.len() as u64;
    if size > limit {
        return Err(SourceError::TooLarge {
            path: path.to_string(),
            size,
            limit,
        });
    }
    Ok(bytes)
}

fn source_from_bytes(
    path: String,
    bytes: Vec<u8>,
    format: InputFormat,
    opts: &ReadOptions,
) -> Result<SourceFile, SourceError> {
    if bytes.is_empty() {
        return Err(SourceError::Empty { path });
    }
    if looks_binary(&bytes, opts.encoding) {
        return Err(SourceError::Binary { path });
    }
    let (text, encoding, warnings) = match plain_utf8(bytes, opts.encoding) {
        Ok(text) => (text, "UTF-8", Vec::new()),
        Err(bytes) => decode(&bytes, opts.encoding),
    };
    if text.trim().is_empty() {
        return Err(SourceError::Empty { path });
    }
    Ok(SourceFile {
        path,
        text,
        encoding,
        format,
        warnings,
    })
}

/// The common case, valid UTF-8 without a BOM: validated once, fast. Anything else is
/// handed back for [`decode`].
fn plain_utf8(bytes: Vec<u8>, forced: Option<&'static Encoding>) -> Result<String, Vec<u8>> {
    if forced.is_some_and(|e| e != UTF_8) || bytes.starts_with(b"\xEF\xBB\xBF") {
        return Err(bytes);
    }
    // simdutf8 validates Japanese text several times faster than std, whose
    // validation steps through multi-byte characters one at a time; copying the
    // validated text into a String costs less than validating it again.
    let Ok(text) = simdutf8::basic::from_utf8(&bytes) else {
        return Err(bytes);
    };
    // Pure ASCII with ISO-2022-JP escapes is ISO-2022-JP, not UTF-8.
    if text.is_ascii() && has_iso_2022_jp_escape(text.as_bytes()) && forced.is_none() {
        return Err(bytes);
    }
    Ok(text.to_owned())
}

/// Binary sniffing: known magic numbers (PNG, JPEG, GIF, PDF, ZIP, which
/// includes docx/xlsx), or a NUL byte in the first 8 KiB unless the input
/// has a UTF-16 BOM or UTF-16 was forced.
pub fn looks_binary(bytes: &[u8], forced: Option<&'static Encoding>) -> bool {
    const MAGIC: &[&[u8]] = &[
        b"\x89PNG\r\n\x1a\n",
        b"\xFF\xD8\xFF",
        b"GIF87a",
        b"GIF89a",
        b"%PDF-",
        b"PK\x03\x04",
        b"PK\x05\x06",
        b"PK\x07\x08",
    ];
    if MAGIC.iter().any(|m| bytes.starts_with(m)) {
        return true;
    }
    let utf16 = bytes.starts_with(b"\xFF\xFE")
        || bytes.starts_with(b"\xFE\xFF")
        || forced.is_some_and(|e| e == UTF_16LE || e == UTF_16BE);
    // memchr's vectorised search: `<[u8]>::contains` goes a word at a time.
    !utf16 && memchr::memchr(0, &bytes[..bytes.len().min(BINARY_SNIFF_LEN)]).is_some()
}

// ---------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------

/// Decodes `bytes` to a `String`, returning the text (BOM removed), the
/// encoding name and at most one warning about undecodable bytes.
///
/// With `forced`, that encoding is used; a BOM matching it is removed (a
/// UTF-8 BOM gives the name `"UTF-8 (BOM)"`), any other BOM is not honoured.
///
/// Otherwise the encoding is detected, in this order:
/// 1. BOM: UTF-8, UTF-16LE, UTF-16BE.
/// 2. Valid UTF-8 → `"UTF-8"`, except 7-bit input containing ISO-2022-JP
///    designations (ESC `$B`, ESC `$@`, ESC `(J`, ESC `(I`) → `"ISO-2022-JP"`.
/// 3. ISO-2022-JP designations in input that is not valid UTF-8 (undecodable
///    bytes then give a warning).
/// 4. Shift_JIS vs EUC-JP: `chardetng`'s guess restricted to those two (no
///    TLD hint, UTF-8 denied), cross-checked against how cleanly and how
///    plausibly (kana, common kanji vs. half-width katakana, rare kanji,
///    private-use characters) each decodes. Fallback: Shift_JIS.
/// 5. Damaged UTF-8 (e.g. one stray byte or a truncated last character)
///    is recognised when its decoding is more plausible than the best
///    legacy decoding, so it is decoded as UTF-8 with a warning rather than
///    turned into mojibake.
///
/// UTF-16 without BOM is not detected.
pub fn decode(
    bytes: &[u8],
    forced: Option<&'static Encoding>,
) -> (String, &'static str, Vec<DecodeWarning>) {
    let (encoding, body, name) = match forced {
        Some(enc) => forced_encoding(bytes, enc),
        None => detect(bytes),
    };
    let decoded = match std::str::from_utf8(body) {
        // Fast path for the common case.
        Ok(valid) if encoding == UTF_8 => Decoded {
            text: valid.to_owned(),
            errors: 0,
            first_error: None,
        },
        _ => decode_counting(encoding, body),
    };
    let mut text = decoded.text;
    let mut first_error = decoded.first_error;
    // Forced encodings may leave a BOM that did not match them (or a BOM may
    // follow a BOM); the text must never start with U+FEFF.
    if text.starts_with('\u{FEFF}') {
        let bom_len = '\u{FEFF}'.len_utf8();
        text.drain(..bom_len);
        first_error = first_error.map(|o| o - bom_len);
    }
    let warnings = match first_error {
        Some(offset) => vec![make_warning(&text, offset, decoded.errors, name)],
        None => Vec::new(),
    };
    (text, name, warnings)
}

fn make_warning(text: &str, offset: usize, count: usize, encoding: &str) -> DecodeWarning {
    let line = text[..offset].matches('\n').count() + 1;
    let what = if count == 1 {
        "1 undecodable byte sequence was".to_string()
    } else {
        format!("{count} undecodable byte sequences were")
    };
    DecodeWarning {
        byte_offset_in_text: offset,
        message: format!(
            "{what} replaced with U+FFFD while decoding as {encoding}; the first is on line {line}"
        ),
    }
}

/// Returns (encoding to decode with, bytes to decode, display name).
fn forced_encoding<'a>(
    bytes: &'a [u8],
    enc: &'static Encoding,
) -> (&'static Encoding, &'a [u8], &'static str) {
    match Encoding::for_bom(bytes) {
        Some((bom_enc, len)) if bom_enc == enc => {
            let name = if enc == UTF_8 {
                "UTF-8 (BOM)"
            } else {
                enc.name()
            };
            (enc, &bytes[len..], name)
        }
        _ => (enc, bytes, enc.name()),
    }
}

fn detect(bytes: &[u8]) -> (&'static Encoding, &[u8], &'static str) {
    if let Some((enc, len)) = Encoding::for_bom(bytes) {
        let name = if enc == UTF_8 {
            "UTF-8 (BOM)"
        } else {
            enc.name()
        };
        return (enc, &bytes[len..], name);
    }
    let enc = detect_without_bom(bytes);
    (enc, bytes, enc.name())
}

fn detect_without_bom(bytes: &[u8]) -> &'static Encoding {
    if std::str::from_utf8(bytes).is_ok() {
        if bytes.is_ascii() && has_iso_2022_jp_escape(bytes) {
            return ISO_2022_JP;
        }
        return UTF_8;
    }
    if has_iso_2022_jp_escape(bytes) {
        return ISO_2022_JP;
    }
    guess_damaged(bytes)
}

fn has_iso_2022_jp_escape(bytes: &[u8]) -> bool {
    bytes.windows(3).any(|w| {
        matches!(
            w,
            [0x1B, b'$', b'B'] | [0x1B, b'$', b'@'] | [0x1B, b'(', b'J'] | [0x1B, b'(', b'I']
        )
    })
}

/// Input that is neither valid UTF-8 nor ISO-2022-JP: Shift_JIS, EUC-JP or
/// damaged UTF-8.
///
/// Shift_JIS vs EUC-JP: `chardetng`'s guess (no TLD hint, UTF-8 denied)
/// when it names one of them and that one has no more undecodable sequences
/// than the other; otherwise the more [`plausibility`]-scored one, ties going
/// to Shift_JIS. UTF-8 wins over that only if its (damaged) decoding scores
/// strictly higher.
///
/// Only the first [`DETECTION_SAMPLE_LEN`] bytes are examined.
fn guess_damaged(bytes: &[u8]) -> &'static Encoding {
    let whole = bytes.len() <= DETECTION_SAMPLE_LEN;
    let bytes = &bytes[..bytes.len().min(DETECTION_SAMPLE_LEN)];
    let sjis = decode_counting(SHIFT_JIS, bytes);
    let euc = decode_counting(EUC_JP, bytes);
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(bytes, whole);
    let guess = detector.guess(None, Utf8Detection::Deny);

    let (sjis_score, euc_score) = (plausibility(&sjis), plausibility(&euc));
    let (legacy, legacy_score) = if guess == EUC_JP && euc.errors <= sjis.errors {
        (EUC_JP, euc_score)
    } else if guess == SHIFT_JIS && sjis.errors <= euc.errors {
        (SHIFT_JIS, sjis_score)
    } else if euc_score > sjis_score {
        (EUC_JP, euc_score)
    } else {
        (SHIFT_JIS, sjis_score)
    };

    let utf8 = decode_counting(UTF_8, bytes);
    if plausibility(&utf8) > legacy_score {
        UTF_8
    } else {
        legacy
    }
}

/// How much a decoding looks like Japanese prose. Kana, CJK punctuation and
/// JIS level-1 kanji score; level-2 kanji (typical of mojibake, e.g. UTF-8
/// read as Shift_JIS), half-width katakana (EUC-JP read as Shift_JIS),
/// private-use and C1 characters cost; each undecodable sequence costs more.
fn plausibility(d: &Decoded) -> i64 {
    let mut score = 0i64;
    for c in d.text.chars() {
        score += match c as u32 {
            0x3041..=0x309F => 3, // hiragana
            0x30A1..=0x30FE => 2, // katakana
            0x3000..=0x303F => 2, // CJK punctuation (、。「」 etc.)
            0xFF01..=0xFF5E => 1, // full-width ASCII
            0x4E00..=0x9FFF => {
                if is_jis_level1_kanji(c) {
                    2
                } else {
                    -1
                }
            }
            0xFF61..=0xFF9F => -2, // half-width katakana
            0xE000..=0xF8FF => -5, // private use (Shift_JIS user-defined area)
            0x80..=0x9F => -5,     // C1 controls
            _ => 0,
        };
    }
    score - ERROR_WEIGHT * d.errors as i64
}

/// Whether `c` is in JIS X 0208 rows 16-47 (the common "level 1" kanji).
fn is_jis_level1_kanji(c: char) -> bool {
    const BASE: u32 = 0x4E00;
    const LEN: usize = (0xA000 - BASE) as usize;
    static LEVEL1: OnceLock<Vec<bool>> = OnceLock::new();
    let table = LEVEL1.get_or_init(|| {
        // Decode every EUC-JP code in rows 16-47 once.
        let mut bytes = Vec::with_capacity(32 * 94 * 2);
        for lead in 0xB0..=0xCFu8 {
            for trail in 0xA1..=0xFEu8 {
                bytes.extend_from_slice(&[lead, trail]);
            }
        }
        let mut table = vec![false; LEN];
        for k in EUC_JP.decode_without_bom_handling(&bytes).0.chars() {
            // Anything below BASE wraps around to an index out of range.
            if let Some(slot) = table.get_mut((k as u32).wrapping_sub(BASE) as usize) {
                *slot = true;
            }
        }
        table
    });
    (c as u32)
        .checked_sub(BASE)
        .and_then(|i| table.get(i as usize))
        .copied()
        .unwrap_or(false)
}

/// Cost of one undecodable sequence in [`plausibility`]; 3 was tuned on
/// the notice corpus (damaged short snippets in all three encodings).
const ERROR_WEIGHT: i64 = 3;

struct Decoded {
    text: String,
    errors: usize,
    first_error: Option<usize>,
}

/// Decodes without BOM handling, replacing each malformed sequence with
/// U+FFFD and recording how many there were and where the first one is.
fn decode_counting(encoding: &'static Encoding, bytes: &[u8]) -> Decoded {
    // Decoding goes through a small scratch buffer: handing the decoder the
    // output `String` itself would re-initialise its spare capacity on every
    // call, which is quadratic in the number of malformed sequences.
    const CHUNK: usize = 16 * 1024;
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut text = String::with_capacity(
        decoder
            .max_utf8_buffer_length_without_replacement(bytes.len())
            .unwrap_or(bytes.len()),
    );
    let mut chunk = String::from_utf8(vec![0; CHUNK]).expect("NUL bytes are UTF-8");
    let mut errors = 0usize;
    let mut first_error = None;
    let mut src = bytes;
    loop {
        let (result, read, written) =
            decoder.decode_to_str_without_replacement(src, chunk.as_mut_str(), true);
        text.push_str(&chunk[..written]);
        src = &src[read..];
        match result {
            DecoderResult::InputEmpty => break,
            DecoderResult::OutputFull => {}
            DecoderResult::Malformed(_, _) => {
                first_error.get_or_insert(text.len());
                errors += 1;
                text.push('\u{FFFD}');
            }
        }
    }
    Decoded {
        text,
        errors,
        first_error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    /// A three-paragraph notice, representable in every tested encoding
    /// (JIS X 0208 only: no half-width katakana, no NEC/IBM extensions).
    const SAMPLE: &str = "# 個人情報漏えいに関するお知らせとお詫び\n\
\n\
このたび、当社が運営する通販サイトにおいて、第三者による不正アクセスが発生し、\
お客様の個人情報（氏名、住所、電話番号、メールアドレス）が漏えいした可能性があることが判明いたしました。\n\
\n\
二〇二五年四月十日、当社のサーバーに不審な通信があることを確認し、直ちに外部との接続を遮断するとともに、\
専門の調査会社に調査を依頼いたしました。対象となるお客様は最大で一万二千三百名です。\n\
\n\
お客様をはじめ関係者の皆様に多大なるご迷惑とご心配をおかけいたしますことを、深くお詫び申し上げます。\
本件に関するお問い合わせは、専用窓口（電話：0120-000-000、受付時間：平日9時から17時）までお願いいたします。\n";

    /// Encodes with `encoding_rs`, insisting that everything was mappable.
    fn enc(encoding: &'static Encoding, s: &str) -> Vec<u8> {
        let (bytes, used, unmappable) = encoding.encode(s);
        assert_eq!(used, encoding, "encoder substituted another encoding");
        assert!(!unmappable, "text not representable in {}", encoding.name());
        bytes.into_owned()
    }

    /// UTF-16 with BOM. `encoding_rs` never *encodes* to UTF-16 (the WHATWG
    /// output encoding for UTF-16 is UTF-8), so these are built by hand.
    fn utf16(s: &str, little_endian: bool) -> Vec<u8> {
        let mut out = if little_endian {
            vec![0xFF, 0xFE]
        } else {
            vec![0xFE, 0xFF]
        };
        for unit in s.encode_utf16() {
            let b = if little_endian {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            };
            out.extend_from_slice(&b);
        }
        out
    }

    fn all_encodings_of(s: &str) -> Vec<(Vec<u8>, &'static str)> {
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(s.as_bytes());
        vec![
            (s.as_bytes().to_vec(), "UTF-8"),
            (bom, "UTF-8 (BOM)"),
            (utf16(s, true), "UTF-16LE"),
            (utf16(s, false), "UTF-16BE"),
            (enc(SHIFT_JIS, s), "Shift_JIS"),
            (enc(EUC_JP, s), "EUC-JP"),
            (enc(ISO_2022_JP, s), "ISO-2022-JP"),
        ]
    }

    fn opts() -> ReadOptions {
        ReadOptions::default()
    }

    fn write(dir: &Path, rel: &str, bytes: &[u8]) -> PathBuf {
        let p = dir.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, bytes).unwrap();
        p
    }

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    // --- detection -------------------------------------------------------

    #[test]
    fn every_encoding_decodes_to_identical_text() {
        for (bytes, name) in all_encodings_of(SAMPLE) {
            let (text, got, warnings) = decode(&bytes, None);
            assert_eq!(got, name);
            assert_eq!(text, SAMPLE, "text differs for {name}");
            assert!(warnings.is_empty(), "{name}: {warnings:?}");
        }
    }

    #[test]
    fn every_encoding_reads_from_a_file() {
        let dir = tempfile::tempdir().unwrap();
        for (i, (bytes, name)) in all_encodings_of(SAMPLE).into_iter().enumerate() {
            let p = write(dir.path(), &format!("notice{i}.md"), &bytes);
            let src = read_source(&InputPath::File(p.clone()), &opts()).unwrap();
            assert_eq!(src.encoding, name);
            assert_eq!(src.text, SAMPLE);
            assert_eq!(src.path, p.display().to_string());
            assert_eq!(src.format, InputFormat::Markdown);
            assert!(src.warnings.is_empty());
        }
    }

    #[test]
    fn short_ambiguous_inputs() {
        // Short words and phrases in the two legacy encodings, where the
        // bytes are often valid in both.
        let words = [
            "あ",
            "お知らせ",
            "漢字",
            "個人情報",
            "不正アクセス",
            "氏名",
            "お詫び",
            "第三者",
            "調査",
            "漏えい",
            "年月日",
            "弊社",
            "メールアドレス",
            "ご迷惑",
            "「重要」",
        ];
        for w in words {
            for encoding in [SHIFT_JIS, EUC_JP, ISO_2022_JP] {
                let bytes = enc(encoding, w);
                let (text, name, warnings) = decode(&bytes, None);
                assert_eq!(
                    (text.as_str(), name),
                    (w, encoding.name()),
                    "{w:?} in {} was {bytes:02X?}",
                    encoding.name()
                );
                assert!(warnings.is_empty());
            }
        }
        // Pure ASCII is UTF-8; lone ESC without a designation too.
        assert_eq!(decode(b"hello\n", None).1, "UTF-8");
        assert_eq!(decode(b"a\x1b[0mb", None).1, "UTF-8");
        // A single byte that no candidate can decode: a warning, no panic.
        let (text, _, warnings) = decode(b"\xFF", None);
        assert_eq!(text, "\u{FFFD}");
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].byte_offset_in_text, 0);
    }

    #[test]
    fn valid_utf8_with_literal_replacement_char_gives_no_warning() {
        let (text, name, warnings) = decode("壊れた文字\u{FFFD}です".as_bytes(), None);
        assert_eq!(name, "UTF-8");
        assert!(text.contains('\u{FFFD}'));
        assert!(warnings.is_empty());
    }

    // --- undecodable bytes ---------------------------------------------

    /// Splits SAMPLE after its first paragraph (a character boundary).
    fn split_sample() -> (&'static str, &'static str) {
        let at = SAMPLE.find("\n\n二〇").unwrap() + 1;
        SAMPLE.split_at(at)
    }

    #[test]
    fn one_invalid_byte_in_utf8_warns_at_its_offset() {
        let (head, tail) = split_sample();
        let mut bytes = head.as_bytes().to_vec();
        bytes.push(0xFF);
        bytes.extend_from_slice(tail.as_bytes());
        let (text, name, warnings) = decode(&bytes, None);
        assert_eq!(name, "UTF-8");
        assert_eq!(text, format!("{head}\u{FFFD}{tail}"));
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].byte_offset_in_text, head.len());
        assert_eq!(&text[head.len()..head.len() + 3], "\u{FFFD}");
        let msg = &warnings[0].message;
        assert!(msg.contains("1 undecodable byte sequence was"), "{msg}");
        assert!(warnings[0].message.contains("UTF-8"));
        assert!(
            warnings[0].message.contains("line 4"),
            "{}",
            warnings[0].message
        );
    }

    #[test]
    fn one_invalid_byte_in_legacy_encodings_warns_at_its_offset() {
        let (head, tail) = split_sample();
        for encoding in [SHIFT_JIS, EUC_JP] {
            let mut bytes = enc(encoding, head);
            bytes.push(0xFF); // invalid as a single byte in both
            bytes.extend_from_slice(&enc(encoding, tail));
            let (text, name, warnings) = decode(&bytes, None);
            assert_eq!(name, encoding.name());
            assert_eq!(text, format!("{head}\u{FFFD}{tail}"));
            assert_eq!(warnings.len(), 1, "{name}");
            assert_eq!(warnings[0].byte_offset_in_text, head.len());
        }
    }

    #[test]
    fn warning_counts_every_bad_sequence_and_points_at_the_first() {
        let mut bytes = "前文".as_bytes().to_vec();
        bytes.push(0xFF);
        bytes.extend_from_slice("本文の途中にも壊れたバイトがあります".as_bytes());
        bytes.push(0xFE);
        bytes.extend_from_slice("。以上".as_bytes());
        let (_, name, warnings) = decode(&bytes, None);
        assert_eq!(name, "UTF-8");
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].byte_offset_in_text, "前文".len());
        let msg = &warnings[0].message;
        assert!(
            msg.starts_with("2 undecodable byte sequences were"),
            "{msg}"
        );
    }

    #[test]
    fn truncated_utf8_and_utf16_warn_at_the_end() {
        let mut bytes = SAMPLE.as_bytes().to_vec();
        bytes.extend_from_slice(&"末".as_bytes()[..2]);
        let (text, name, warnings) = decode(&bytes, None);
        assert_eq!(name, "UTF-8");
        assert_eq!(warnings[0].byte_offset_in_text, SAMPLE.len());
        assert!(text.ends_with('\u{FFFD}'));

        let mut bytes = utf16(SAMPLE, true);
        bytes.push(0x41); // odd trailing byte
        let (text, name, warnings) = decode(&bytes, None);
        assert_eq!(name, "UTF-16LE");
        assert_eq!(text, format!("{SAMPLE}\u{FFFD}"));
        assert_eq!(warnings[0].byte_offset_in_text, SAMPLE.len());
    }

    #[test]
    fn long_inputs_are_detected_from_a_prefix() {
        let long = SAMPLE.repeat(3 * (DETECTION_SAMPLE_LEN / SAMPLE.len() + 1));
        assert!(long.len() > 2 * DETECTION_SAMPLE_LEN);
        for encoding in [SHIFT_JIS, EUC_JP] {
            let (text, name, warnings) = decode(&enc(encoding, &long), None);
            assert_eq!(name, encoding.name());
            assert!(text == long && warnings.is_empty());
        }
        // Damage beyond the examined prefix is still reported.
        let mut bytes = long.as_bytes().to_vec();
        bytes.push(0xFF);
        bytes.extend_from_slice(SAMPLE.as_bytes());
        let (text, name, warnings) = decode(&bytes, None);
        assert_eq!(name, "UTF-8");
        assert_eq!(text, format!("{long}\u{FFFD}{SAMPLE}"));
        assert_eq!(warnings[0].byte_offset_in_text, long.len());
    }

    #[test]
    fn iso_2022_jp_with_stray_high_byte_is_still_iso_2022_jp() {
        let mut bytes = enc(ISO_2022_JP, "お知らせ");
        bytes.push(0xA4);
        let (text, name, warnings) = decode(&bytes, None);
        assert_eq!(name, "ISO-2022-JP");
        assert_eq!(text, "お知らせ\u{FFFD}");
        assert_eq!(warnings[0].byte_offset_in_text, "お知らせ".len());
    }

    // --- forced encodings ----------------------------------------------

    #[test]
    fn forced_encoding_is_used_and_matching_bom_removed() {
        let euc_a = enc(EUC_JP, "あ");
        assert_eq!(
            decode(&euc_a, Some(SHIFT_JIS)),
            ("､｢".to_string(), "Shift_JIS", vec![])
        );

        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(SAMPLE.as_bytes());
        let (text, name, _) = decode(&bom, Some(UTF_8));
        assert_eq!((text.as_str(), name), (SAMPLE, "UTF-8 (BOM)"));

        let (text, name, _) = decode(&utf16(SAMPLE, false), Some(UTF_16BE));
        assert_eq!((text.as_str(), name), (SAMPLE, "UTF-16BE"));

        // UTF-16LE without a BOM is decodable when forced.
        let bytes = utf16(SAMPLE, true);
        let (text, name, _) = decode(&bytes[2..], Some(UTF_16LE));
        assert_eq!((text.as_str(), name), (SAMPLE, "UTF-16LE"));

        // Forcing the wrong encoding yields replacement characters + warning.
        let (_, name, warnings) = decode(&enc(SHIFT_JIS, SAMPLE), Some(UTF_8));
        assert_eq!(name, "UTF-8");
        assert_eq!(warnings.len(), 1);
    }

    #[test]
    fn forced_utf16_without_bom_is_not_binary() {
        let bytes = utf16(SAMPLE, true)[2..].to_vec();
        let o = ReadOptions {
            encoding: Some(UTF_16LE),
            ..opts()
        };
        let src = read_reader("in.txt", Cursor::new(bytes.clone()), &o).unwrap();
        assert_eq!(src.text, SAMPLE);
        assert_eq!(
            read_reader("in.txt", Cursor::new(bytes), &opts()).unwrap_err(),
            SourceError::Binary {
                path: "in.txt".into()
            }
        );
    }

    #[test]
    fn encoding_labels() {
        let cases: &[(&str, &'static Encoding)] = &[
            ("sjis", SHIFT_JIS),
            ("Shift_JIS", SHIFT_JIS),
            ("SHIFT-JIS", SHIFT_JIS),
            ("cp932", SHIFT_JIS),
            ("CP932", SHIFT_JIS),
            ("ms932", SHIFT_JIS),
            ("windows-31j", SHIFT_JIS),
            ("Windows-31J", SHIFT_JIS),
            ("euc-jp", EUC_JP),
            ("EUC-JP", EUC_JP),
            ("eucjp", EUC_JP),
            ("euc_jp", EUC_JP),
            ("iso-2022-jp", ISO_2022_JP),
            ("ISO-2022-JP", ISO_2022_JP),
            ("jis", ISO_2022_JP),
            ("utf-8", UTF_8),
            ("UTF8", UTF_8),
            (" utf-8 ", UTF_8),
            ("utf-16le", UTF_16LE),
            ("UTF-16LE", UTF_16LE),
            ("utf-16be", UTF_16BE),
            ("utf-16", UTF_16LE),
        ];
        for (label, expected) in cases {
            assert_eq!(encoding_for_label(label), Some(*expected), "{label}");
        }
        assert_eq!(
            encoding_for_label("latin1"),
            Some(encoding_rs::WINDOWS_1252)
        );
        for bad in ["", "klingon", "iso-2022-kr", "utf-32"] {
            assert_eq!(encoding_for_label(bad), None, "{bad}");
        }
        let err = parse_encoding("klingon").unwrap_err();
        assert_eq!(
            err,
            SourceError::UnknownEncoding {
                name: "klingon".into()
            }
        );
        assert!(err.to_string().contains("`klingon`"));
    }

    // --- refusals --------------------------------------------------------

    #[test]
    fn binary_inputs_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let png = write(
            dir.path(),
            "image.md",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01",
        );
        let err = read_source(&InputPath::File(png.clone()), &opts()).unwrap_err();
        assert_eq!(
            err,
            SourceError::Binary {
                path: png.display().to_string()
            }
        );
        assert!(err.to_string().contains(&png.display().to_string()));

        let mut nul = SAMPLE.as_bytes().to_vec();
        nul.insert(100, 0);
        let p = write(dir.path(), "nul.txt", &nul);
        assert!(matches!(
            read_source(&InputPath::File(p), &opts()),
            Err(SourceError::Binary { .. })
        ));

        for magic in [
            &b"\xFF\xD8\xFF\xE0\0\x10JFIF"[..],
            b"GIF89a\x01\0",
            b"GIF87a\x01\0",
            b"%PDF-1.7\n",
            b"PK\x03\x04\x14\0",
        ] {
            assert!(looks_binary(magic, None), "{magic:02X?}");
        }
        // UTF-16 text is full of NULs but not binary.
        assert!(!looks_binary(&utf16("abc", true), None));
        assert!(!looks_binary(&utf16("abc", false), None));
        // A NUL beyond the first 8 KiB is not looked at.
        let mut late = vec![b'a'; BINARY_SNIFF_LEN];
        late.push(0);
        assert!(!looks_binary(&late, None));
    }

    #[test]
    fn empty_inputs_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        for (name, bytes) in [
            ("zero.md", &b""[..]),
            ("blank.md", b" \n\t\r\n"),
            ("ideographic.md", "\u{3000}\n\u{3000}".as_bytes()),
            ("bom.md", b"\xEF\xBB\xBF"),
            ("bom_blank.md", b"\xEF\xBB\xBF  \n"),
            ("utf16_blank.md", b"\xFF\xFE \0\n\0"),
        ] {
            let p = write(dir.path(), name, bytes);
            let err = read_source(&InputPath::File(p.clone()), &opts()).unwrap_err();
            assert_eq!(
                err,
                SourceError::Empty {
                    path: p.display().to_string()
                },
                "{name}"
            );
        }
        assert!(matches!(
            read_reader(STDIN_DISPLAY_PATH, Cursor::new(Vec::new()), &opts()),
            Err(SourceError::Empty { .. })
        ));
    }

    #[test]
    fn too_large_inputs_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "big.md", SAMPLE.as_bytes());
        let small = ReadOptions {
            max_file_size: 64,
            ..opts()
        };
        let err = read_source(&InputPath::File(p.clone()), &small).unwrap_err();
        assert_eq!(
            err,
            SourceError::TooLarge {
                path: p.display().to_string(),
                size: SAMPLE.len() as u64,
                limit: 64
            }
        );
        assert!(err.to_string().contains("64"));

        // Exactly at the limit is fine.
        let exact = ReadOptions {
            max_file_size: SAMPLE.len() as u64,
            ..opts()
        };
        assert!(read_source(&InputPath::File(p), &exact).is_ok());

        // A reader (standard input) is capped at limit + 1 bytes.
        let err =
            read_reader(STDIN_DISPLAY_PATH, Cursor::new(SAMPLE.as_bytes()), &small).unwrap_err();
        assert_eq!(
            err,
            SourceError::TooLarge {
                path: STDIN_DISPLAY_PATH.into(),
                size: 65,
                limit: 64
            }
        );
        assert_eq!(
            err.to_string(),
            "<stdin> is too large: more than 64 bytes, the limit is 64 bytes"
        );
    }

    #[test]
    fn reader_input_uses_text_format_unless_forced() {
        let src = read_reader(
            STDIN_DISPLAY_PATH,
            Cursor::new(enc(EUC_JP, SAMPLE)),
            &opts(),
        )
        .unwrap();
        assert_eq!(src.path, "<stdin>");
        assert_eq!(src.format, InputFormat::Text);
        assert_eq!(src.encoding, "EUC-JP");
        assert_eq!(src.text, SAMPLE);

        let html = ReadOptions {
            format: Some(InputFormat::Html),
            ..opts()
        };
        let src = read_reader(STDIN_DISPLAY_PATH, Cursor::new(SAMPLE), &html).unwrap();
        assert_eq!(src.format, InputFormat::Html);
    }

    #[test]
    fn formats_from_extensions() {
        let f = |p: &str| InputFormat::from_path(Path::new(p));
        assert_eq!(f("a.md"), InputFormat::Markdown);
        assert_eq!(f("a.MARKDOWN"), InputFormat::Markdown);
        assert_eq!(f("a.txt"), InputFormat::Text);
        assert_eq!(f("dir/a.html"), InputFormat::Html);
        assert_eq!(f("a.HTM"), InputFormat::Html);
        assert_eq!(f("a.rst"), InputFormat::Text);
        assert_eq!(f("README"), InputFormat::Text);
        assert_eq!(f("<stdin>"), InputFormat::Text);
        assert_eq!("MD".parse::<InputFormat>(), Ok(InputFormat::Markdown));
        assert_eq!("html".parse::<InputFormat>(), Ok(InputFormat::Html));
        assert!("pdf".parse::<InputFormat>().is_err());
    }

    #[test]
    fn missing_file_and_directory_are_io_errors() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope.md");
        assert_eq!(
            read_source(&InputPath::File(missing.clone()), &opts()).unwrap_err(),
            SourceError::NotFound {
                path: missing.display().to_string()
            }
        );
        assert!(matches!(
            read_source(&InputPath::File(dir.path().to_path_buf()), &opts()),
            Err(SourceError::Io { .. })
        ));
    }

    // --- expanding arguments -------------------------------------------

    #[test]
    fn directory_walk_is_sorted_and_filtered() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("notices");
        for rel in [
            "b.md",
            "a.txt",
            "C.MD",
            "image.png",
            "notes.rst",
            "sub/d.html",
            "sub/e.htm",
            "sub/deeper/f.markdown",
            "aa/g.md",
            ".hidden.md",
            ".git/x.md",
            ".github/y.md",
            "target/z.md",
            "node_modules/pkg/readme.md",
            "sub/target/w.md",
        ] {
            write(&root, rel, b"x");
        }
        let (inputs, errors) = expand_inputs(&[root.display().to_string()]);
        assert!(errors.is_empty(), "{errors:?}");
        let rel: Vec<String> = inputs
            .iter()
            .map(|i| match i {
                InputPath::File(p) => p
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
                InputPath::Stdin => "-".into(),
            })
            .collect();
        assert_eq!(
            rel,
            [
                "C.MD",
                "a.txt",
                "aa/g.md",
                "b.md",
                "sub/d.html",
                "sub/deeper/f.markdown",
                "sub/e.htm",
            ]
        );
        // Paths are as walked: they start with the argument.
        match &inputs[0] {
            InputPath::File(p) => assert!(p.starts_with(&root)),
            InputPath::Stdin => unreachable!(),
        }
        // Same result twice (deterministic).
        assert_eq!(expand_inputs(&[root.display().to_string()]).0, inputs);
    }

    #[test]
    fn explicit_hidden_directory_is_walked() {
        let dir = tempfile::tempdir().unwrap();
        let hidden = dir.path().join(".drafts");
        write(&hidden, "a.md", b"x");
        let (inputs, errors) = expand_inputs(&[hidden.display().to_string()]);
        assert!(errors.is_empty());
        assert_eq!(inputs, [InputPath::File(hidden.join("a.md"))]);
    }

    #[test]
    fn directory_without_lintable_files_is_no_match() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "only.png", b"x");
        let arg = dir.path().display().to_string();
        let (inputs, errors) = expand_inputs(std::slice::from_ref(&arg));
        assert!(inputs.is_empty());
        assert_eq!(errors, [SourceError::NoMatch { pattern: arg }]);
    }

    #[test]
    fn globs_expand_sorted() {
        let dir = tempfile::tempdir().unwrap();
        for rel in ["b.md", "a.md", "c.txt", ".h.md", "sub/d.md", "sub2/e.md"] {
            write(dir.path(), rel, b"x");
        }
        let d = dir.path().display().to_string();
        let (inputs, errors) = expand_inputs(&[format!("{d}/*.md")]);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            inputs,
            [
                InputPath::File(dir.path().join("a.md")),
                InputPath::File(dir.path().join("b.md")),
            ]
        );
        let (inputs, _) = expand_inputs(&[format!("{d}/**/*.md")]);
        assert_eq!(inputs.len(), 4, "{inputs:?}");
        assert_eq!(inputs[0], InputPath::File(dir.path().join("a.md")));
        assert_eq!(inputs[3], InputPath::File(dir.path().join("sub2/e.md")));
        // A glob matching directories walks them.
        let (inputs, _) = expand_inputs(&[format!("{d}/sub?")]);
        assert_eq!(inputs, [InputPath::File(dir.path().join("sub2/e.md"))]);
        // `?` and `[...]`.
        let (inputs, _) = expand_inputs(&[format!("{d}/[ab].m?")]);
        assert_eq!(inputs.len(), 2);
    }

    #[test]
    fn a_file_named_twice_is_listed_once() {
        let dir = tempfile::tempdir().unwrap();
        for rel in ["a.md", "sub/b.md"] {
            write(dir.path(), rel, b"x");
        }
        let d = dir.path().display().to_string();
        let file = |rel: &str| InputPath::File(dir.path().join(rel));
        // A folder and a file inside it.
        let (inputs, _) = expand_inputs(&[d.clone(), format!("{d}/a.md")]);
        assert_eq!(inputs, [file("a.md"), file("sub/b.md")]);
        // One pattern matching a folder (walked) and the file inside it.
        let (inputs, _) = expand_inputs(&[format!("{d}/**/*")]);
        assert_eq!(inputs, [file("a.md"), file("sub/b.md")]);
    }

    #[test]
    fn glob_without_match_is_no_match() {
        let dir = tempfile::tempdir().unwrap();
        let pattern = format!("{}/*.html", dir.path().display());
        let (inputs, errors) = expand_inputs(std::slice::from_ref(&pattern));
        assert!(inputs.is_empty());
        assert_eq!(
            errors,
            [SourceError::NoMatch {
                pattern: pattern.clone()
            }]
        );
        assert!(errors[0].to_string().contains(&pattern));
    }

    #[test]
    fn bad_glob_is_reported() {
        let (inputs, errors) = expand_inputs(&args(&["notices/***.md"]));
        assert!(inputs.is_empty());
        assert!(
            matches!(&errors[..], [SourceError::BadGlob { pattern, .. }] if pattern == "notices/***.md"),
            "{errors:?}"
        );
    }

    #[test]
    fn missing_file_is_collected_not_fatal() {
        let dir = tempfile::tempdir().unwrap();
        let a = write(dir.path(), "a.md", b"x");
        let b = write(dir.path(), "b.weird", b"x"); // explicit files keep any extension
        let missing = dir.path().join("missing.md").display().to_string();
        let (inputs, errors) = expand_inputs(&[
            missing.clone(),
            b.display().to_string(),
            "-".into(),
            a.display().to_string(),
            b.display().to_string(),
            "-".into(),
            String::new(),
        ]);
        assert_eq!(
            inputs,
            [
                InputPath::File(b.clone()),
                InputPath::Stdin,
                InputPath::File(a.clone())
            ]
        );
        assert_eq!(
            errors,
            [
                SourceError::NotFound {
                    path: missing.clone()
                },
                SourceError::NotFound {
                    path: String::new()
                }
            ]
        );
        assert_eq!(
            errors[0].to_string(),
            format!("{missing}: no such file or directory")
        );
        assert_eq!(InputPath::Stdin.to_string(), "<stdin>");
        assert_eq!(
            InputPath::File(a.clone()).display_path(),
            a.display().to_string()
        );
    }

    #[test]
    fn existing_file_with_glob_characters_is_taken_literally() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "notice[1].md", b"x");
        let (inputs, errors) = expand_inputs(&[p.display().to_string()]);
        assert!(errors.is_empty());
        assert_eq!(inputs, [InputPath::File(p)]);
    }

    #[test]
    fn error_messages_are_one_line_and_name_the_subject() {
        let errors = [
            SourceError::NotFound {
                path: "a.md".into(),
            },
            SourceError::NoMatch {
                pattern: "*.md".into(),
            },
            SourceError::BadGlob {
                pattern: "[".into(),
                msg: "invalid range pattern".into(),
            },
            SourceError::Io {
                path: "a.md".into(),
                error: "Permission denied (os error 13)".into(),
            },
            SourceError::TooLarge {
                path: "a.md".into(),
                size: 20,
                limit: 10,
            },
            SourceError::Binary {
                path: "a.md".into(),
            },
            SourceError::Empty {
                path: "a.md".into(),
            },
            SourceError::UnknownEncoding {
                name: "klingon".into(),
            },
        ];
        for e in &errors {
            let msg = e.to_string();
            assert!(!msg.contains('\n'), "{msg}");
            assert!(msg.contains(e.subject()), "{msg}");
        }
        assert_eq!(
            errors[4].to_string(),
            "a.md is too large: 20 bytes, the limit is 10 bytes"
        );
    }

    // --- corpus ----------------------------------------------------------

    /// The notice corpus lives in `shared/` next to the repository; override
    /// with DISCLINT_CORPUS.
    fn corpus_dir() -> PathBuf {
        if let Ok(dir) = std::env::var("DISCLINT_CORPUS") {
            return PathBuf::from(dir);
        }
        let beside = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/notices");
        if beside.is_dir() {
            return beside;
        }
        PathBuf::from("/work/shared/corpus/notices")
    }

    #[test]
    #[ignore = "needs the notice corpus in shared/corpus/notices"]
    fn corpus_is_detected_as_utf8() {
        let dir = corpus_dir();
        let (inputs, errors) = expand_inputs(&[dir.display().to_string()]);
        assert!(errors.is_empty(), "{errors:?}");
        assert!(!inputs.is_empty(), "no files in {}", dir.display());
        let mut wrong = Vec::new();
        for input in &inputs {
            let src = read_source(input, &opts()).unwrap();
            if src.encoding != "UTF-8" || !src.warnings.is_empty() {
                wrong.push(format!("{}: {}", src.path, src.encoding));
            }
        }
        assert!(
            wrong.is_empty(),
            "{} of {}: {wrong:#?}",
            wrong.len(),
            inputs.len()
        );
    }

    #[test]
    #[ignore = "needs the notice corpus in shared/corpus/notices"]
    fn corpus_round_trips_through_legacy_encodings() {
        let dir = corpus_dir();
        let (inputs, _) = expand_inputs(&[dir.display().to_string()]);
        assert!(!inputs.is_empty());
        let mut wrong = Vec::new();
        for input in &inputs {
            let text = read_source(input, &opts()).unwrap().text;
            for encoding in [SHIFT_JIS, EUC_JP, ISO_2022_JP] {
                let (bytes, _, unmappable) = encoding.encode(&text);
                if unmappable {
                    continue; // e.g. characters outside JIS X 0208
                }
                // Not always `text`: ISO-2022-JP has no half-width katakana.
                let expected = encoding.decode_without_bom_handling(&bytes).0;
                let (got_text, got, _) = decode(&bytes, None);
                if got != encoding.name() || got_text != expected {
                    wrong.push(format!("{input}: {} detected as {got}", encoding.name()));
                }
            }
        }
        assert!(wrong.is_empty(), "{wrong:#?}");
    }
}
