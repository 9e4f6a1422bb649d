//! `samlguard c14n`: the canonical form of an element, byte-exact, to debug
//! digest mismatches.

use std::ffi::OsString;
use std::io::{self, IsTerminal, Write};

use clap::Args;
use samlguard::c14n::{self, Method, Options};
use samlguard::dsig;
use samlguard::input::{self, InputLimits};
use samlguard::xml::{self, NodeId};

use crate::capture::{self, CaptureArgs};
use crate::failure::{Failure, parse_decoded};
use crate::output::show_lines;

#[derive(Debug, Args)]
pub(crate) struct C14nArgs {
    /// Inclusive Canonical XML 1.0 (REC-xml-c14n-20010315) instead of
    /// exclusive C14N: every namespace in scope, `xml:*` attributes inherited.
    #[arg(long, conflicts_with = "inclusive_namespaces")]
    inclusive: bool,
    /// Keep comments (…#WithComments).
    #[arg(long)]
    with_comments: bool,
    /// The InclusiveNamespaces PrefixList: whitespace-separated prefixes,
    /// `#default` for the default namespace.
    #[arg(long, value_name = "PREFIXES", value_parser = parse_prefix_list)]
    inclusive_namespaces: Option<String>,
    /// Canonicalize the element whose `ID` attribute has this value (default:
    /// the whole document, as `xmllint --exc-c14n` or `--c14n` prints it).
    #[arg(long, value_name = "ID")]
    id: Option<String>,
    /// Leave out the ds:Signature that is a direct child of the element (of the
    /// root element without --id), as the enveloped-signature transform does.
    /// When there is none, nothing is left out (a note goes to stderr).
    #[arg(long)]
    omit_signature: bool,
    #[command(flatten)]
    capture: CaptureArgs,
    /// The response: a file path, or `-` for stdin. Raw XML, base64, a form
    /// body with `SAMLResponse=`, a URL-encoded value, a HAR or SAML-tracer
    /// export.
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

pub(crate) fn run(args: &C14nArgs) -> Result<(), Failure> {
    let limits = InputLimits::default();
    let raw = capture::read(&args.input, &args.capture)?.bytes;
    let bytes = input::decode(&raw, &limits)?;
    let doc = parse_decoded(&bytes)?;

    let apex = match &args.id {
        Some(id) => doc.element_by_id(id).ok_or_else(|| {
            Failure::rejected("id_not_found", format!("no element has an ID attribute {id:?}"))
        })?,
        None => NodeId::DOCUMENT,
    };
    let method = if args.inclusive { Method::Inclusive } else { Method::Exclusive };
    let mut options = Options { method, with_comments: args.with_comments, ..Options::default() };
    if let Some(list) = &args.inclusive_namespaces {
        options = options.with_prefix_list(list);
    }
    if args.omit_signature {
        let parent = if apex == NodeId::DOCUMENT { doc.root() } else { apex };
        options.omit = dsig::signature_child(&doc, parent).map_err(|_| {
            Failure::rejected(
                "multiple_signatures",
                "the element has more than one ds:Signature child; --omit-signature needs at most one",
            )
        })?;
        if options.omit.is_none() {
            eprintln!("note: the element has no ds:Signature child; nothing was omitted");
        }
    }

    let canonical = c14n::to_vec(&doc, apex, &options)?;
    // Byte-exact for pipes and files; a terminal gets received text escaped.
    let canonical = if io::stdout().is_terminal() {
        eprintln!("note: escaped for the terminal; redirect stdout for the exact bytes");
        show_lines(&String::from_utf8_lossy(&canonical)).into_bytes()
    } else {
        canonical
    };
    let mut stdout = io::stdout().lock();
    stdout
        .write_all(&canonical)
        .and_then(|()| stdout.flush())
        .map_err(|e| Failure::rejected("output_failed", format!("cannot write to stdout: {e}")))
}
