//! The `samlguard` command-line tool (contract: `cli-contract.md`).
//!
//! Exit codes: 0 success; 1 the input was refused (undecodable, unparseable,
//! unknown ID, …); 2 usage errors (clap's default for bad flags) and an
//! unreadable INPUT file.

use std::ffi::OsString;
use std::fmt;
use std::io::{self, Read, Write};
use std::path::Path;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use samlguard::c14n::{self, Options};
use samlguard::input::{self, InputLimits};
use samlguard::xml::{self, NodeId};

const DSIG_NS: &str = "http://www.w3.org/2000/09/xmldsig#";

#[derive(Debug, Parser)]
#[command(name = "samlguard", version, about = "Strict validation of SAML 2.0 Responses for AWS")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print the Exclusive XML Canonicalization 1.0 of an element (or the whole
    /// document), byte-exact and without a trailing newline, to debug digest
    /// mismatches.
    C14n(C14nArgs),
}

#[derive(Debug, Args)]
struct C14nArgs {
    /// Keep comments (…xml-exc-c14n#WithComments).
    #[arg(long)]
    with_comments: bool,
    /// The InclusiveNamespaces PrefixList: whitespace-separated prefixes,
    /// `#default` for the default namespace.
    #[arg(long, value_name = "PREFIXES", value_parser = parse_prefix_list)]
    inclusive_namespaces: Option<String>,
    /// Canonicalize the element whose `ID` attribute has this value (default:
    /// the whole document, as `xmllint --exc-c14n` prints it).
    #[arg(long, value_name = "ID")]
    id: Option<String>,
    /// Leave out the ds:Signature that is a direct child of the element (of the
    /// root element without --id), as the enveloped-signature transform does.
    /// When there is none, nothing is left out (a note goes to stderr).
    #[arg(long)]
    omit_signature: bool,
    /// The response: a file path, or `-` for stdin. Raw XML, base64, or a form
    /// body with `SAMLResponse=`.
    #[arg(value_name = "INPUT")]
    input: OsString,
}

/// Validates a PrefixList at parse time so a bad one is a usage error (exit 2).
fn parse_prefix_list(list: &str) -> Result<String, String> {
    match list.split_ascii_whitespace().find(|p| *p != "#default" && !xml::is_ncname(p)) {
        Some(bad) => Err(format!("{bad:?} is neither a namespace prefix (an NCName) nor #default")),
        None => Ok(list.to_owned()),
    }
}

/// A failure reported as `error: <kind>…` on stderr.
#[derive(Debug)]
struct Failure {
    /// Process exit code.
    code: u8,
    /// Stable snake_case kind.
    kind: &'static str,
    /// `" at line:col"` for XML errors, else empty.
    position: String,
    message: String,
}

impl Failure {
    fn rejected(kind: &'static str, message: impl Into<String>) -> Self {
        Self { code: 1, kind, position: String::new(), message: message.into() }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}{}: {}", self.kind, self.position, self.message)
    }
}

impl From<input::InputError> for Failure {
    fn from(e: input::InputError) -> Self {
        Self::rejected(e.kind(), e.to_string())
    }
}

impl From<c14n::C14nError> for Failure {
    fn from(e: c14n::C14nError) -> Self {
        Self::rejected(e.kind(), e.to_string())
    }
}

fn xml_failure(e: &xml::XmlError, decoded: bool) -> Failure {
    let position = e.position();
    let mut message = e.message().to_owned();
    if decoded {
        message.push_str(" (position in the base64-decoded XML)");
    }
    Failure { code: 1, kind: e.kind(), position: format!(" at {position}"), message }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::C14n(args) => run_c14n(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("{failure}");
            ExitCode::from(failure.code)
        }
    }
}

/// Reads INPUT, at most `limit + 1` bytes (enough for `input::decode` to
/// report the excess without holding an unbounded file in memory).
fn read_input(path: &OsString, limit: usize) -> Result<Vec<u8>, Failure> {
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    let mut bytes = Vec::new();
    let result = if path == "-" {
        io::stdin().lock().take(cap).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(Path::new(path)).and_then(|f| f.take(cap).read_to_end(&mut bytes))
    };
    match result {
        Ok(_) => Ok(bytes),
        Err(e) => Err(Failure {
            code: 2,
            kind: "input_unreadable",
            position: String::new(),
            message: format!("cannot read {}: {e}", Path::new(path).display()),
        }),
    }
}

fn run_c14n(args: &C14nArgs) -> Result<(), Failure> {
    let limits = InputLimits::default();
    let raw = read_input(&args.input, limits.max_encoded_bytes)?;
    let bytes = input::decode(&raw, &limits)?;
    let decoded = matches!(bytes, std::borrow::Cow::Owned(_));
    let doc = xml::parse(&bytes).map_err(|e| xml_failure(&e, decoded))?;

    let apex = match &args.id {
        Some(id) => doc.element_by_id(id).ok_or_else(|| {
            Failure::rejected("id_not_found", format!("no element has an ID attribute {id:?}"))
        })?,
        None => NodeId::DOCUMENT,
    };
    let mut options = Options { with_comments: args.with_comments, ..Options::default() };
    if let Some(list) = &args.inclusive_namespaces {
        options = options.with_prefix_list(list);
    }
    if args.omit_signature {
        let parent = if apex == NodeId::DOCUMENT { doc.root() } else { apex };
        let mut signatures = doc.child_elements(parent).filter(|e| e.is(DSIG_NS, "Signature"));
        options.omit = signatures.next().map(|e| e.id());
        if signatures.next().is_some() {
            return Err(Failure::rejected(
                "multiple_signatures",
                "the element has more than one ds:Signature child; --omit-signature needs at most one",
            ));
        }
        if options.omit.is_none() {
            eprintln!("note: the element has no ds:Signature child; nothing was omitted");
        }
    }

    let canonical = c14n::to_vec(&doc, apex, &options)?;
    let mut stdout = io::stdout().lock();
    stdout
        .write_all(&canonical)
        .and_then(|()| stdout.flush())
        .map_err(|e| Failure::rejected("output_failed", format!("cannot write to stdout: {e}")))
}
