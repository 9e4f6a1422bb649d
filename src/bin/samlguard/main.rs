//! The `samlguard` command-line tool.
//!
//! - `verify`: validates one SAML Response against a profile and pinned IdP
//!   keys; a report for people (text) or exactly one JSON object.
//! - `inspect`: decodes and pretty-prints a response without trusting any of
//!   it (every value is marked unverified).
//! - `bench`: validation time per response against the crypto floor measured
//!   in the same process on the same bytes.
//! - `c14n`: the exclusive (or inclusive) canonical form of an element, to debug digests.
//! - `metadata`: an IdP's (or SP's) metadata as an operator checks it:
//!   entity ID, signing certificates and their expiry, the metadata's signer.
//! - `explain`: what a refusal kind means and what to change.
//!
//! `verify`, `inspect` and `c14n` read a response from what operators have:
//! XML, base64, a form body, a URL-encoded value, a browser HAR export or a
//! SAML-tracer export (`capture`).
//!
//! Exit codes: 0 success (accepted); 1 the input was refused (undecodable,
//! unparseable, rejected by the policy, unknown ID, …); 2 usage and
//! configuration errors (bad flags, unreadable INPUT or trust files, metadata
//! without a signing key).

mod authorization;
mod bench;
mod c14n;
mod capture;
mod certificate;
mod diagnose;
mod explain;
mod failure;
mod hints;
mod inspect;
mod metadata;
mod output;
mod replay_store;
mod report;
mod setup;
mod style;
mod verify;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use failure::Failure;

#[derive(Debug, Parser)]
#[command(name = "samlguard", version, about = "Strict validation of SAML 2.0 Responses for AWS")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate one SAML Response against a profile and the pinned IdP keys.
    /// Exit 0 accepted, 1 rejected, 2 usage or configuration error.
    Verify(verify::VerifyArgs),
    /// Decode and pretty-print a response WITHOUT checking anything: every
    /// value shown is unverified.
    Inspect(inspect::InspectArgs),
    /// Time the validation of one response against the crypto floor (the
    /// signature verifications and digests any verifier must compute).
    Bench(bench::BenchArgs),
    /// Print the Exclusive XML Canonicalization 1.0 of an element (or the whole
    /// document), byte-exact and without a trailing newline, to debug digest
    /// mismatches.
    C14n(c14n::C14nArgs),
    /// Show IdP (or SP) metadata as an operator checks it: entity ID, each
    /// signing certificate (thumbprints, validity, expiry warnings), and who
    /// signed the metadata. Exit 0, 1 not metadata, 2 usage error.
    Metadata(metadata::MetadataArgs),
    /// Explain a refusal kind (as printed after REJECTED: or in "kind"): what
    /// it means, its usual causes, the Entra / AWS setting to check.
    Explain(explain::ExplainArgs),
}

/// Output format of `verify`, `bench` and `metadata`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
enum Format {
    /// A report for people.
    #[default]
    Text,
    /// Exactly one JSON object on stdout.
    Json,
}

/// Whether the command line asks for JSON, looked up in the raw arguments:
/// used only when clap itself refuses them, so that a script that asked for
/// JSON still gets one JSON object.
fn json_requested() -> bool {
    let args: Vec<OsString> = std::env::args_os().collect();
    args.windows(2).any(|w| w[0] == "--format" && w[1] == "json") || args.iter().any(|a| a == "--format=json")
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = u8::try_from(e.exit_code()).unwrap_or(2);
            if e.use_stderr() && json_requested() {
                let rendered = e.render().to_string();
                let first = rendered.lines().next().unwrap_or("invalid arguments");
                let message = first.strip_prefix("error: ").unwrap_or(first);
                Failure::usage(format!("{message} (see samlguard --help)")).report(Format::Json);
            }
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let (result, format) = match &cli.command {
        Command::Verify(args) => (verify::run(args), args.format),
        Command::Inspect(args) => (inspect::run(args), Format::Text),
        Command::Bench(args) => (bench::run(args), args.format),
        Command::C14n(args) => (c14n::run(args).map(|()| ExitCode::SUCCESS), Format::Text),
        Command::Metadata(args) => (metadata::run(args), args.format),
        Command::Explain(args) => (explain::run(args), Format::Text),
    };
    match result {
        Ok(code) => code,
        Err(failure) => {
            failure.report(format);
            ExitCode::from(failure.code)
        }
    }
}
