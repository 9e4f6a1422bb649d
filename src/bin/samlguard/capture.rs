//! INPUT as operators have it: a browser HAR export, a SAML-tracer export, a
//! URL-encoded SAMLResponse value, or what `input::decode` already reads
//! (XML, base64, a form body). This module only finds the response; the
//! library's `input::decode` still decodes it, with its size limits.
//!
//! - HAR (`{"log":{"entries":[…]}}`): the POSTs whose form body has a
//!   SAMLResponse field; the last one, or `--pick N`.
//! - SAML-tracer (`{"requests":[…],"timestamp":…}`, as its Export button
//!   writes it): the POSTs whose `post` parameters (`[name, value]` pairs,
//!   already URL-decoded) have a SAMLResponse; when the export filtered the
//!   values (`{hash:…}`, `{obf:…}`), the decoded XML it kept in `saml`.
//! - A bare URL-encoded value (`PHNhbWxw…%3D`) is read as the value of a
//!   SAMLResponse form field; `SAMLResponse=` or `SAMLResponse:` followed by
//!   raw base64 (copied decoded from a browser) as that base64.
//!
//! Exports are untrusted input too: bounded in size, parsed by serde_json
//! (depth-limited), every value shown escaped.

use std::ffi::OsString;
use std::path::Path;

use chrono::{DateTime, Utc};
use clap::Args;
use samlguard::input::InputLimits;
use serde::Deserialize;

use crate::failure::Failure;
use crate::output::{emit_stderr, rfc3339, show};
use crate::setup::read_input;

/// Largest HAR or SAML-tracer export read (a HAR with response bodies is
/// large; the SAMLResponse inside it still meets the input limits).
pub(crate) const MAX_CAPTURE_BYTES: usize = 64 * 1024 * 1024;

const FIELD: &str = "SAMLResponse";

/// `--pick N`: which SAMLResponse POST of an export.
#[derive(Debug, Args)]
pub(crate) struct CaptureArgs {
    /// With a HAR or SAML-tracer export as INPUT: use the Nth POST carrying a
    /// SAMLResponse (as listed on stderr; default: the last).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) pick: Option<u64>,
}

/// What INPUT held, ready for `input::decode`.
pub(crate) struct Captured {
    /// Bytes for `input::decode`: XML, base64 or a form body.
    pub(crate) bytes: Vec<u8>,
    /// Where the response came from, when INPUT was not already one.
    pub(crate) origin: Option<Origin>,
}

/// The export (or encoding) the response was taken from.
pub(crate) struct Origin {
    /// `HAR export`, `SAML-tracer export`, or what a value was read as.
    pub(crate) format: &'static str,
    /// Every POST with a SAMLResponse, in file order (empty for values).
    pub(crate) candidates: Vec<Candidate>,
    /// 1-based index of the one used.
    pub(crate) picked: usize,
}

/// One POST carrying a SAMLResponse.
pub(crate) struct Candidate {
    /// 1-based, as `--pick` takes it.
    pub(crate) index: usize,
    /// Request method and URL, escaped for display.
    pub(crate) method: String,
    pub(crate) url: String,
    /// When the browser sent it (HAR only), RFC 3339 UTC, or the received
    /// text escaped when it is not a time.
    pub(crate) time: Option<String>,
    body: Vec<u8>,
}

impl Origin {
    fn value(format: &'static str) -> Self {
        Self { format, candidates: Vec::new(), picked: 0 }
    }

    /// `--pick N` to repeat this choice in another command, when there was one.
    pub(crate) fn pick_flag(&self) -> Option<String> {
        (self.candidates.len() > 1).then(|| format!("--pick {}", self.picked))
    }

    /// The note for people: where the response came from and, when there
    /// were several, the list to pick from.
    pub(crate) fn note(&self) -> String {
        let Some(chosen) = self.picked.checked_sub(1).and_then(|i| self.candidates.get(i)) else {
            return format!("note: INPUT is {}\n", self.format);
        };
        if self.candidates.len() == 1 {
            return format!("note: SAMLResponse from the {}: {}\n", self.format, chosen.describe());
        }
        let mut text = format!(
            "note: the {} holds {} POSTs with a SAMLResponse; using #{}{} (--pick N chooses another):\n",
            self.format,
            self.candidates.len(),
            self.picked,
            if self.picked == self.candidates.len() { ", the last" } else { "" }
        );
        for candidate in &self.candidates {
            let marker = if candidate.index == self.picked { '*' } else { ' ' };
            text.push_str(&format!(" {marker}#{:<3} {}\n", candidate.index, candidate.describe()));
        }
        text
    }
}

impl Candidate {
    fn describe(&self) -> String {
        match &self.time {
            Some(time) => format!("{time}  {} {}", self.method, self.url),
            None => format!("{} {}", self.method, self.url),
        }
    }
}

/// Reads INPUT and finds the response in it.
pub(crate) fn read(input: &OsString, args: &CaptureArgs) -> Result<Captured, Failure> {
    let raw = read_input(input, MAX_CAPTURE_BYTES)?;
    let captured = extract(raw, args.pick)?;
    if let Some(origin) = &captured.origin {
        emit_stderr(&origin.note());
    }
    Ok(captured)
}

/// Finds the response in `raw` (the whole of INPUT).
pub(crate) fn extract(raw: Vec<u8>, pick: Option<u64>) -> Result<Captured, Failure> {
    let text = significant(&raw);
    if text.first() == Some(&b'{') {
        if raw.len() > MAX_CAPTURE_BYTES {
            return Err(Failure::rejected(
                "input_too_large",
                format!(
                    "the export is larger than {} MiB: export only the sign-in requests",
                    MAX_CAPTURE_BYTES >> 20
                ),
            ));
        }
        return from_export(text, pick);
    }
    if pick.is_some() {
        return Err(Failure::usage("--pick applies to a HAR or SAML-tracer export; INPUT is neither"));
    }
    if let Some(bytes) = bare_value(text) {
        return Ok(Captured {
            bytes,
            origin: Some(Origin::value(
                "a URL-encoded SAMLResponse value: read as the SAMLResponse form field",
            )),
        });
    }
    if let Some(bytes) = prefixed_raw_base64(text) {
        return Ok(Captured {
            bytes: bytes.to_vec(),
            origin: Some(Origin::value(
                "a SAMLResponse value copied decoded (raw base64 with '+', no '%'): read as that base64",
            )),
        });
    }
    // Read as before exports were: the decoder sees at most one byte past
    // its limit, enough to report the excess.
    let mut raw = raw;
    raw.truncate(InputLimits::default().max_encoded_bytes.saturating_add(1));
    Ok(Captured { bytes: raw, origin: None })
}

/// The input without a UTF-8 BOM and surrounding ASCII whitespace.
fn significant(raw: &[u8]) -> &[u8] {
    raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw).trim_ascii()
}

/// `PHNhbWxw…%3D`: base64 with `%XX` escapes and nothing else, read as the
/// value of a SAMLResponse field (`+` is then a space, as in any form value).
fn bare_value(text: &[u8]) -> Option<Vec<u8>> {
    let is_value_byte = |b: &u8| b.is_ascii_alphanumeric() || b"+/=%".contains(b) || b.is_ascii_whitespace();
    // A `=` other than trailing padding makes it a form body (`name=value`).
    let unpadded = text.strip_suffix(b"==").or_else(|| text.strip_suffix(b"=")).unwrap_or(text);
    if !text.contains(&b'%') || !text.iter().all(is_value_byte) || unpadded.contains(&b'=') {
        return None;
    }
    let compact: Vec<u8> = text.iter().copied().filter(|b| !b.is_ascii_whitespace()).collect();
    let mut bytes = format!("{FIELD}=").into_bytes();
    bytes.extend_from_slice(&compact);
    Some(bytes)
}

/// `SAMLResponse=` or `SAMLResponse:` then raw base64 with a `+` and no `%`:
/// copied decoded (a form would carry `%2B`), so the value is the base64.
fn prefixed_raw_base64(text: &[u8]) -> Option<&[u8]> {
    let rest = text.strip_prefix(FIELD.as_bytes())?;
    let value = match rest.first()? {
        b':' => rest[1..].trim_ascii(),
        b'=' if rest[1..].contains(&b'+') => &rest[1..],
        _ => return None,
    };
    let base64 = |b: &u8| b.is_ascii_alphanumeric() || b"+/=".contains(b) || b.is_ascii_whitespace();
    (!value.is_empty() && value.iter().all(base64)).then_some(value)
}

#[derive(Deserialize)]
struct Export {
    log: Option<HarLog>,
    requests: Option<Vec<TracerRequest>>,
}

#[derive(Deserialize)]
struct HarLog {
    #[serde(default)]
    entries: Vec<HarEntry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HarEntry {
    started_date_time: Option<String>,
    request: HarRequest,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HarRequest {
    #[serde(default)]
    method: String,
    #[serde(default)]
    url: String,
    post_data: Option<HarPostData>,
}

#[derive(Deserialize)]
struct HarPostData {
    text: Option<String>,
    #[serde(default)]
    params: Vec<HarParam>,
}

#[derive(Deserialize)]
struct HarParam {
    #[serde(default)]
    name: String,
    value: Option<String>,
}

#[derive(Deserialize)]
struct TracerRequest {
    #[serde(default)]
    method: String,
    #[serde(default)]
    url: String,
    /// `[name, value]` pairs, values URL-decoded.
    post: Option<Vec<Vec<serde_json::Value>>>,
    /// The decoded SAML message.
    saml: Option<String>,
}

fn invalid(format: &str, why: impl std::fmt::Display) -> Failure {
    Failure::rejected("invalid_capture", format!("not a readable {format}: {}", show(&why.to_string())))
}

fn from_export(text: &[u8], pick: Option<u64>) -> Result<Captured, Failure> {
    let export: Export = serde_json::from_slice(text).map_err(|e| invalid("HAR or SAML-tracer export", e))?;
    let (format, candidates, total) = match (export.log, export.requests) {
        (Some(log), None) => ("HAR export", har_candidates(log.entries.iter())?, log.entries.len()),
        (None, Some(requests)) => ("SAML-tracer export", tracer_candidates(&requests)?, requests.len()),
        (Some(_), Some(_)) => {
            return Err(Failure::rejected(
                "invalid_capture",
                "the JSON has both \"log\" (HAR) and \"requests\" (SAML-tracer): refusing to guess which holds the response",
            ));
        }
        (None, None) => {
            return Err(Failure::rejected(
                "not_xml",
                "INPUT is JSON but neither a HAR export (log.entries) nor a SAML-tracer export (requests)",
            ));
        }
    };
    if candidates.is_empty() {
        return Err(Failure::rejected(
            "missing_saml_response",
            format!(
                "the {format} holds {total} requests, none a POST with a SAMLResponse field: record the \
                 sign-in again from its start (with \"Preserve log\" on in the browser's network tab)"
            ),
        ));
    }
    let count = candidates.len();
    let picked = match pick {
        None => count,
        Some(n) => match usize::try_from(n) {
            Ok(n) if n <= count => n,
            _ => {
                let list: Vec<String> =
                    candidates.iter().map(|c| format!("#{} {}", c.index, c.describe())).collect();
                return Err(Failure::usage(format!(
                    "--pick {n}: the {format} holds {count} POST(s) with a SAMLResponse: {}",
                    list.join("; ")
                )));
            }
        },
    };
    let mut origin = Origin { format, candidates, picked };
    let bytes = std::mem::take(&mut origin.candidates[picked - 1].body);
    Ok(Captured { bytes, origin: Some(origin) })
}

fn candidate(index: usize, method: &str, url: &str, time: Option<&str>, body: Vec<u8>) -> Candidate {
    Candidate { index, method: show(method), url: show(url), time: time.map(normalize_time), body }
}

/// A HAR time as RFC 3339 UTC, the one time format of every report.
fn normalize_time(text: &str) -> String {
    DateTime::parse_from_rfc3339(text).map_or_else(|_| show(text), |t| rfc3339(t.with_timezone(&Utc)))
}

fn is_post(method: &str) -> bool {
    method.eq_ignore_ascii_case("POST")
}

/// Whether a (still URL-encoded) field name reads as SAMLResponse, in any
/// letter case or decoration (spaces, controls, a `[…]` suffix), as the
/// library's form reader compares names: the library then decides whether
/// it is one, or refuses it.
fn names_saml_response(key: &str) -> bool {
    let decoded: String =
        percent_decode_lossy(key).chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect();
    let name = match (decoded.find('['), decoded.ends_with(']')) {
        (Some(open), true) => &decoded[..open],
        _ => decoded.as_str(),
    };
    name.eq_ignore_ascii_case(FIELD)
}

/// Percent-decoding for recognising a field name only (never for the value).
fn percent_decode_lossy(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The form body of a HAR request when it has a SAMLResponse field: its
/// text, or (when the exporter kept only `params`) the parameter's value.
fn har_body(post: &HarPostData) -> Result<Option<Vec<u8>>, Failure> {
    if let Some(text) = post.text.as_deref().filter(|t| !t.is_empty()) {
        let has_field =
            text.split('&').any(|field| names_saml_response(field.split('=').next().unwrap_or("")));
        return Ok(has_field.then(|| text.as_bytes().to_vec()));
    }
    let params: Vec<&HarParam> = post.params.iter().filter(|p| names_saml_response(&p.name)).collect();
    match params.as_slice() {
        [] => Ok(None),
        [param] => Ok(Some(value_as_input(&param.name, param.value.as_deref().unwrap_or("")))),
        _ => Err(Failure::rejected(
            "duplicate_saml_response",
            "a HAR request has more than one SAMLResponse parameter: exactly one is allowed",
        )),
    }
}

/// A form parameter's value as `input::decode` input: URL-encoded values
/// (`%` escapes) go back into a form body, plain base64 goes as it is.
fn value_as_input(name: &str, value: &str) -> Vec<u8> {
    if value.contains('%') || name != FIELD {
        format!("{name}={value}").into_bytes()
    } else {
        value.as_bytes().to_vec()
    }
}

fn har_candidates<'a>(entries: impl Iterator<Item = &'a HarEntry>) -> Result<Vec<Candidate>, Failure> {
    let mut candidates = Vec::new();
    for entry in entries {
        let request = &entry.request;
        let Some(post) = request.post_data.as_ref().filter(|_| is_post(&request.method)) else {
            continue;
        };
        if let Some(body) = har_body(post)? {
            let time = entry.started_date_time.as_deref();
            candidates.push(candidate(candidates.len() + 1, &request.method, &request.url, time, body));
        }
    }
    Ok(candidates)
}

/// `{hash:…}` / `{obf:…}`: a value SAML-tracer's export filter replaced.
fn is_filtered(value: &str) -> bool {
    (value.starts_with("{hash:") || value.starts_with("{obf:") || value == "{overwritten}")
        && value.ends_with('}')
}

fn tracer_candidates(requests: &[TracerRequest]) -> Result<Vec<Candidate>, Failure> {
    let mut candidates = Vec::new();
    for request in requests.iter().filter(|r| is_post(&r.method)) {
        let pairs = request.post.as_deref().unwrap_or_default();
        let mut fields = pairs.iter().filter_map(|pair| {
            let name = pair.first()?.as_str()?;
            names_saml_response(name).then(|| (name, pair.get(1).and_then(|v| v.as_str()).unwrap_or("")))
        });
        let Some((name, value)) = fields.next() else { continue };
        if fields.next().is_some() {
            return Err(Failure::rejected(
                "duplicate_saml_response",
                "a SAML-tracer request has more than one SAMLResponse parameter: exactly one is allowed",
            ));
        }
        let body = if is_filtered(value) {
            // The export replaced the parameter; SAML-tracer keeps the decoded XML.
            match request.saml.as_deref().filter(|s| s.trim_start().starts_with('<')) {
                Some(xml) => xml.as_bytes().to_vec(),
                None => {
                    return Err(Failure::rejected(
                        "missing_saml_response",
                        "the SAML-tracer export hashed or obfuscated the SAMLResponse and kept no decoded \
                         message: export again with no filter",
                    ));
                }
            }
        } else {
            // Values are URL-decoded in the export: plain base64.
            value_as_plain(name, value)
        };
        candidates.push(candidate(candidates.len() + 1, &request.method, &request.url, None, body));
    }
    Ok(candidates)
}

/// A decoded parameter value: the base64 itself (a decorated name goes back
/// into a form body, so that the library refuses it by name).
fn value_as_plain(name: &str, value: &str) -> Vec<u8> {
    if name == FIELD {
        value.as_bytes().to_vec()
    } else {
        format!("{}={}", form_encode(name), form_encode(value)).into_bytes()
    }
}

fn form_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The INPUT path for a command line shown to the operator.
pub(crate) fn shown_path(input: &OsString) -> String {
    let text = Path::new(input).display().to_string();
    crate::output::shell_quote(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(raw: &str, pick: Option<u64>) -> Vec<u8> {
        match extract(raw.as_bytes().to_vec(), pick) {
            Ok(captured) => captured.bytes,
            Err(failure) => panic!("{raw}: {failure}"),
        }
    }

    #[test]
    fn plain_inputs_pass_through() {
        for raw in ["<samlp:Response/>", "PHNhbWxwOlJlc3BvbnNlLz4=", "RelayState=x&SAMLResponse=PHN%3D"] {
            assert_eq!(bytes(raw, None), raw.as_bytes());
        }
    }

    #[test]
    fn bare_url_encoded_value_becomes_a_form_field() {
        assert_eq!(bytes("PHNhbWxwOlJlc3BvbnNlLz4%3D\n", None), b"SAMLResponse=PHNhbWxwOlJlc3BvbnNlLz4%3D");
        assert_eq!(bytes("PHNh%2Bb=", None), b"SAMLResponse=PHNh%2Bb=");
        // With the field name it is already a form body.
        assert_eq!(bytes("SAMLResponse=PHNh%2BbA%3D%3D", None), b"SAMLResponse=PHNh%2BbA%3D%3D");
    }

    #[test]
    fn prefixed_raw_base64_is_the_value() {
        assert_eq!(bytes("SAMLResponse=ab+c/d==", None), b"ab+c/d==");
        assert_eq!(bytes("SAMLResponse: ab+c", None), b"ab+c");
        // Without a '+' both readings agree: the library reads the form.
        assert_eq!(bytes("SAMLResponse=abc", None), b"SAMLResponse=abc");
    }

    #[test]
    fn har_takes_the_last_post_or_the_picked_one() {
        let har = r#"{"log":{"entries":[
            {"startedDateTime":"2026-01-15T11:00:00+01:00","request":{"method":"POST","url":"https://a/","postData":{"text":"SAMLResponse=A%3D"}}},
            {"request":{"method":"GET","url":"https://b/?SAMLResponse=x"}},
            {"request":{"method":"POST","url":"https://c/","postData":{"text":"user=x"}}},
            {"request":{"method":"POST","url":"https://e/","postData":{"text":"{\"SAMLResponse\":\"x\"}"}}},
            {"request":{"method":"POST","url":"https://d/","postData":{"params":[{"name":"SAMLResponse","value":"B+b="}]}}}
        ]}}"#;
        assert_eq!(bytes(har, None), b"B+b=");
        assert_eq!(bytes(har, Some(1)), b"SAMLResponse=A%3D");
        let captured = extract(har.as_bytes().to_vec(), Some(1)).ok().unwrap();
        let origin = captured.origin.unwrap();
        assert_eq!(origin.candidates.len(), 2);
        assert_eq!(origin.candidates[0].time.as_deref(), Some("2026-01-15T10:00:00Z"));
        assert_eq!(origin.pick_flag().as_deref(), Some("--pick 1"));
        assert!(extract(har.as_bytes().to_vec(), Some(3)).is_err());
    }

    #[test]
    fn field_names_as_the_library_compares_them() {
        for name in ["SAMLResponse", "samlresponse", "SAMLResponse%5B%5D", "SAML%52esponse", "+SAMLResponse"]
        {
            assert!(names_saml_response(name), "{name}");
        }
        for name in ["SAMLRequest", "{\"SAMLResponse\":1}", "SAMLResponseX", "RelayState"] {
            assert!(!names_saml_response(name), "{name}");
        }
    }

    #[test]
    fn tracer_uses_post_values_then_the_kept_message() {
        let tracer = r#"{"requests":[
            {"method":"POST","url":"https://a/","post":[["RelayState","x"],["SAMLResponse","AB+="]],"saml":"<x/>"},
            {"method":"POST","url":"https://b/","post":[["SAMLResponse","{hash:00ff}"]],"saml":"<r/>"}
        ],"timestamp":"2026-01-15T10:00:00.000Z"}"#;
        assert_eq!(bytes(tracer, Some(1)), b"AB+=");
        assert_eq!(bytes(tracer, None), b"<r/>");
    }

    proptest::proptest! {
        // A fixed seed: every run tries the same cases; a failure's seed is also
        // appended to proptest-regressions/capture.txt (commit it) and replays first.
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 512,
            rng_seed: proptest::test_runner::RngSeed::Fixed(0xca97_c0de),
            failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::Direct(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/proptest-regressions/capture.txt"
            )))),
            ..proptest::prelude::ProptestConfig::default()
        })]

        /// Any text, JSON-looking or not, gives bytes or a refusal.
        #[test]
        fn extraction_never_panics(text in r#"[{}\[\]":,%=&+a-zA-Z0-9 \n\u{202e}]{0,200}"#, pick in 0u64..4) {
            let _ = extract(text.clone().into_bytes(), None);
            let _ = extract(format!("{{{text}").into_bytes(), Some(pick));
            let har = format!(
                r#"{{"log":{{"entries":[{{"request":{{"method":"POST","url":"u","postData":{{"text":{}}}}}}}]}}}}"#,
                serde_json::Value::from(text.as_str())
            );
            let _ = extract(har.into_bytes(), Some(pick));
            let tracer = format!(r#"{{"requests":[{{"method":"POST","post":[["SAMLResponse",{}]],"saml":{0}}}]}}"#,
                serde_json::Value::from(text.as_str()));
            let _ = extract(tracer.into_bytes(), None);
        }
    }

    #[test]
    fn malformed_exports_are_refused_without_panicking() {
        for raw in [
            "{",
            "{\"log\":5}",
            "{\"log\":{\"entries\":[{}]}}",
            "{\"requests\":[{\"post\":[[1,2]]}]}",
            "{\"log\":{},\"requests\":[]}",
            "{\"other\":1}",
            "{\"log\":{\"entries\":[]}}",
            &format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000)),
            &format!("{{\"log\":{}1{}}}", "[".repeat(10_000), "]".repeat(10_000)),
        ] {
            let _ = extract(raw.as_bytes().to_vec(), None);
        }
        assert!(extract(b"<a/>".to_vec(), Some(1)).is_err_and(|f| f.code == 2));
    }
}
