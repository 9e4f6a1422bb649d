//! Property tests of canonicalization over generated, namespace-heavy
//! documents: byte equality with libxml2 (`xmllint --exc-c14n` and `--c14n`)
//! when xmllint is installed, and idempotence (canonicalizing the re-parsed
//! canonical form gives the same bytes) always. With the `xmlsec-oracle`
//! feature, libxml2's own C14N of element subtrees (a document subset, as a
//! signature's `#ID` reference selects) is compared too: exclusive with
//! PrefixLists (`#default` among them) and inclusive, which inherits `xml:*`
//! attributes on the apex.
//!
//! Documents are generated as a tree of small "selectors" that are interpreted
//! against the namespace scope while rendering, so every generated document is
//! well-formed and namespace-well-formed by construction.

use std::cell::Cell;
use std::io::Write;
use std::process::{Command, Stdio};

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, FileFailurePersistence, RngSeed, TestCaseError, TestRunner};

use samlguard::c14n::{self, Method, Options};
use samlguard::xml::{self, Document, NodeId};

/// Prefixes that may be declared; `""` is the default namespace.
const PREFIXES: [&str; 5] = ["", "a", "b", "c", "p"];
/// Namespace names. None contains `&`: libxml2 writes namespace URIs without
/// escaping while the recommendation (and samlguard) escape `&` as in any
/// attribute value, a known divergence this property would only rediscover.
const URIS: [&str; 5] =
    ["urn:a", "urn:b", "http://example.com/b", "urn:x:y", "http://example.com/c?q=1;r=2#f"];
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
/// Element local names (one non-ASCII, one with name punctuation).
const ELEMENT_NAMES: [&str; 5] = ["e", "Item", "x-y.z", "_u", "ñ"];
/// Attribute local names: few, so the same local name under several prefixes is common.
const ATTRIBUTE_NAMES: [&str; 3] = ["k", "m", "lang"];
/// Whitespace before an attribute or declaration in a start tag.
const TAG_SPACE: [&str; 5] = [" ", "  ", "\n", "\r\n", "\t"];

/// Character-data pieces: raw text, line ends in all three forms, predefined
/// entities, character references (incl. CR, TAB, LF, astral) and non-ASCII.
/// No raw `]`, so no concatenation (even after dropping comments) forms `]]>`.
const TEXT_PIECES: [&str; 28] = [
    "hello",
    " ",
    "  ",
    "\n",
    "\r\n",
    "\r",
    "\t",
    "&amp;",
    "&lt;",
    "&gt;",
    "&quot;",
    "&apos;",
    "&#x41;",
    "&#xD;",
    "&#9;",
    "&#xA;",
    "&#10;",
    "&#x20AC;",
    "&#128512;",
    ">",
    "\"",
    "'",
    "é",
    "€",
    "𝄞",
    "x=y",
    "a;b",
    "&#93;",
];
/// Attribute-value pieces; `"` and `'` are escaped when they match the delimiter.
const VALUE_PIECES: [&str; 24] = [
    "v", " ", "\n", "\r\n", "\r", "\t", "&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#x41;", "&#xD;",
    "&#9;", "&#xA;", "&#x20AC;", ">", "\"", "'", "é", "𝄞", "a:b", "#", "]]>",
];
const CDATA_PIECES: [&str; 11] = ["<", "&", "]", "]]", "&amp;", "\r\n", "\r", "\n", "data", " ", "é"];
const COMMENT_PIECES: [&str; 8] = [" ", "c", "-", "<", "&", "\n", "é", ">"];
const PI_TARGETS: [&str; 3] = ["pi", "app", "x-y"];
const PI_PIECES: [&str; 9] = ["a", " ", "b=c", "?", ">", "&amp;", "<", "\n", "é"];

#[derive(Debug, Clone)]
enum TagItem {
    /// `xmlns[:p]="…"`: prefix selector, URI selector (for the default, one
    /// extra value means `xmlns=""`), space selector.
    Declaration(u8, u8, u8),
    /// An attribute: prefix selector, local name selector, value pieces,
    /// single-quoted, space selector.
    Attribute(u8, u8, Vec<&'static str>, bool, u8),
}

#[derive(Debug, Clone)]
struct ElementSpec {
    name: u8,
    prefix: u8,
    items: Vec<TagItem>,
    /// `<x/>` rather than `<x></x>` when there are no children.
    self_closing: bool,
    children: Vec<Child>,
}

#[derive(Debug, Clone)]
enum Child {
    Element(ElementSpec),
    Text(Vec<&'static str>),
    CData(Vec<&'static str>),
    Comment(Vec<&'static str>),
    Pi(&'static str, Vec<&'static str>),
}

/// Comments, PIs and whitespace before or after the root element.
#[derive(Debug, Clone)]
enum Misc {
    Space(&'static str),
    Comment(Vec<&'static str>),
    Pi(&'static str, Vec<&'static str>),
}

#[derive(Debug, Clone)]
struct DocumentSpec {
    bom: bool,
    declaration: Option<&'static str>,
    prolog: Vec<Misc>,
    root: ElementSpec,
    epilog: Vec<Misc>,
}

fn pieces(list: &'static [&'static str], max: usize) -> impl Strategy<Value = Vec<&'static str>> {
    prop::collection::vec(prop::sample::select(list), 0..max)
}

fn tag_item() -> impl Strategy<Value = TagItem> {
    prop_oneof![
        (any::<u8>(), any::<u8>(), any::<u8>()).prop_map(|(p, u, s)| TagItem::Declaration(p, u, s)),
        (any::<u8>(), any::<u8>(), pieces(&VALUE_PIECES, 5), any::<bool>(), any::<u8>())
            .prop_map(|(p, l, v, q, s)| TagItem::Attribute(p, l, v, q, s)),
    ]
}

fn leaf() -> impl Strategy<Value = Child> {
    prop_oneof![
        3 => pieces(&TEXT_PIECES, 6).prop_map(Child::Text),
        1 => pieces(&CDATA_PIECES, 5).prop_map(Child::CData),
        1 => pieces(&COMMENT_PIECES, 5).prop_map(Child::Comment),
        1 => (prop::sample::select(&PI_TARGETS[..]), pieces(&PI_PIECES, 4)).prop_map(|(t, d)| Child::Pi(t, d)),
        2 => element(Just(Vec::new())).prop_map(Child::Element),
    ]
}

fn element(children: impl Strategy<Value = Vec<Child>>) -> impl Strategy<Value = ElementSpec> {
    (any::<u8>(), any::<u8>(), prop::collection::vec(tag_item(), 0..6), any::<bool>(), children).prop_map(
        |(name, prefix, items, self_closing, children)| ElementSpec {
            name,
            prefix,
            items,
            self_closing,
            children,
        },
    )
}

/// Trees up to 6 levels deep (the root counts as one).
fn tree() -> impl Strategy<Value = ElementSpec> {
    let child = leaf().prop_recursive(5, 40, 4, |inner| {
        element(prop::collection::vec(inner, 0..5)).prop_map(Child::Element)
    });
    element(prop::collection::vec(child, 0..5))
}

fn misc() -> impl Strategy<Value = Misc> {
    prop_oneof![
        prop::sample::select(&["\n", "\r\n", " ", "\t\n"][..]).prop_map(Misc::Space),
        pieces(&COMMENT_PIECES, 4).prop_map(Misc::Comment),
        (prop::sample::select(&PI_TARGETS[..]), pieces(&PI_PIECES, 3)).prop_map(|(t, d)| Misc::Pi(t, d)),
    ]
}

fn document() -> impl Strategy<Value = DocumentSpec> {
    const DECLARATIONS: [&str; 3] = [
        "<?xml version=\"1.0\"?>",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n",
        "<?xml version='1.0' encoding='utf-8' standalone='yes'?>\n",
    ];
    (
        prop::bool::weighted(0.1),
        prop::option::of(prop::sample::select(&DECLARATIONS[..])),
        prop::collection::vec(misc(), 0..3),
        tree(),
        prop::collection::vec(misc(), 0..3),
    )
        .prop_map(|(bom, declaration, prolog, root, epilog)| DocumentSpec {
            bom,
            declaration,
            prolog,
            root,
            epilog,
        })
}

/// Renders a spec as XML text; `comments == false` renders the same document
/// with every comment left out (the input for the without-comments oracle,
/// since this xmllint only offers exc-c14n *with* comments).
struct Renderer {
    comments: bool,
    out: String,
    /// Namespace bindings in scope as written, innermost last (`""` URI: no default).
    scope: Vec<(&'static str, &'static str)>,
    /// The element (by preorder index) left out with its subtree, if any.
    omit: Option<usize>,
    /// Elements met so far, in preorder.
    elements: usize,
}

fn pick<T: Copy>(list: &[T], selector: u8) -> T {
    list[usize::from(selector) % list.len()]
}

impl Renderer {
    fn lookup(&self, prefix: &str) -> Option<&'static str> {
        self.scope.iter().rev().find(|(p, _)| *p == prefix).map(|&(_, u)| u)
    }

    fn document(&mut self, spec: &DocumentSpec) {
        if spec.bom {
            self.out.push('\u{FEFF}');
        }
        if let Some(declaration) = spec.declaration {
            self.out.push_str(declaration);
        }
        for m in &spec.prolog {
            self.misc(m);
        }
        self.element(&spec.root);
        for m in &spec.epilog {
            self.misc(m);
        }
    }

    fn misc(&mut self, m: &Misc) {
        match m {
            Misc::Space(s) => self.out.push_str(s),
            Misc::Comment(c) => self.comment(c),
            Misc::Pi(target, data) => self.pi(target, data),
        }
    }

    fn comment(&mut self, parts: &[&str]) {
        if !self.comments {
            return;
        }
        let mut content = parts.concat();
        // `--` is not allowed in a comment, nor a `-` right before `-->`.
        while content.contains("--") {
            content = content.replace("--", "- -");
        }
        if content.ends_with('-') {
            content.push(' ');
        }
        self.out.push_str("<!--");
        self.out.push_str(&content);
        self.out.push_str("-->");
    }

    fn pi(&mut self, target: &str, parts: &[&str]) {
        let data = parts.concat().replace("?>", "? >");
        self.out.push_str("<?");
        self.out.push_str(target);
        if !data.is_empty() {
            self.out.push(' ');
            self.out.push_str(&data);
        }
        self.out.push_str("?>");
    }

    fn element(&mut self, spec: &ElementSpec) {
        let index = self.elements;
        self.elements += 1;
        if Some(index) == self.omit {
            // Its descendants keep their numbers: count them without writing.
            self.elements += spec.children.iter().map(element_count).sum::<usize>();
            return;
        }
        let mark = self.scope.len();
        // Declarations first: they are in scope for the element's own name and attributes.
        let mut declared: Vec<&str> = Vec::new();
        // Rendered items by their generated position, so declarations and
        // attributes interleave in the start tag as the selectors came.
        let mut slots: Vec<Option<String>> = vec![None; spec.items.len()];
        for (slot, item) in slots.iter_mut().zip(&spec.items) {
            if let TagItem::Declaration(p, u, s) = *item {
                let prefix = pick(&PREFIXES, p);
                if declared.contains(&prefix) {
                    continue;
                }
                declared.push(prefix);
                // For the default namespace one more choice: `xmlns=""`.
                let uri = if prefix.is_empty() && usize::from(u) % (URIS.len() + 1) == URIS.len() {
                    ""
                } else {
                    pick(&URIS, u)
                };
                self.scope.push((prefix, uri));
                let name = if prefix.is_empty() { "xmlns".to_string() } else { format!("xmlns:{prefix}") };
                *slot = Some(format!("{}{name}=\"{uri}\"", pick(&TAG_SPACE, s)));
            }
        }
        let bound: Vec<&str> = PREFIXES[1..].iter().copied().filter(|p| self.lookup(p).is_some()).collect();
        let mut element_prefixes = vec![""];
        element_prefixes.extend(&bound);
        let prefix = element_prefixes[usize::from(spec.prefix) % element_prefixes.len()];
        let local = pick(&ELEMENT_NAMES, spec.name);
        let qname = if prefix.is_empty() { local.to_string() } else { format!("{prefix}:{local}") };

        let mut attribute_prefixes = vec!["", "xml"];
        attribute_prefixes.extend(&bound);
        let mut expanded: Vec<(&str, &str)> = Vec::new();
        for (slot, item) in slots.iter_mut().zip(&spec.items) {
            if let TagItem::Attribute(p, l, value, single, s) = item {
                let prefix = attribute_prefixes[usize::from(*p) % attribute_prefixes.len()];
                let local = pick(&ATTRIBUTE_NAMES, *l);
                let namespace = match prefix {
                    "" => "",
                    "xml" => XML_NS,
                    p => self.lookup(p).unwrap_or_default(),
                };
                // Two prefixes bound to one URI would make a duplicate expanded name.
                if expanded.contains(&(namespace, local)) {
                    continue;
                }
                expanded.push((namespace, local));
                let quote = if *single { '\'' } else { '"' };
                let mut text = pick(&TAG_SPACE, *s).to_string();
                if !prefix.is_empty() {
                    text.push_str(prefix);
                    text.push(':');
                }
                text.push_str(local);
                text.push('=');
                text.push(quote);
                for piece in value {
                    match *piece {
                        "\"" if !*single => text.push_str("&quot;"),
                        "'" if *single => text.push_str("&apos;"),
                        other => text.push_str(other),
                    }
                }
                text.push(quote);
                *slot = Some(text);
            }
        }
        self.out.push('<');
        self.out.push_str(&qname);
        for item in slots.iter().flatten() {
            self.out.push_str(item);
        }
        if spec.children.is_empty() && spec.self_closing {
            self.out.push_str("/>");
        } else {
            self.out.push('>');
            for child in &spec.children {
                self.child(child);
            }
            self.out.push_str("</");
            self.out.push_str(&qname);
            self.out.push('>');
        }
        self.scope.truncate(mark);
    }

    fn child(&mut self, child: &Child) {
        match child {
            Child::Element(e) => self.element(e),
            Child::Text(parts) => {
                for part in parts {
                    self.out.push_str(part);
                }
            }
            Child::CData(parts) => {
                let content = parts.concat().replace("]]>", "]] >");
                self.out.push_str("<![CDATA[");
                self.out.push_str(&content);
                self.out.push_str("]]>");
            }
            Child::Comment(parts) => self.comment(parts),
            Child::Pi(target, data) => self.pi(target, data),
        }
    }
}

/// Elements in a child's subtree.
fn element_count(child: &Child) -> usize {
    match child {
        Child::Element(e) => 1 + e.children.iter().map(element_count).sum::<usize>(),
        _ => 0,
    }
}

fn render(spec: &DocumentSpec, comments: bool) -> String {
    render_omitting(spec, comments, None)
}

/// [`render`] with the `omit`-th element (preorder) left out with its subtree.
fn render_omitting(spec: &DocumentSpec, comments: bool, omit: Option<usize>) -> String {
    let mut r = Renderer { comments, out: String::new(), scope: Vec::new(), omit, elements: 0 };
    r.document(spec);
    r.out
}

/// `xmllint FLAG` (`--exc-c14n` or `--c14n`, both keeping comments) of
/// `input` (fed on stdin), or `None` when xmllint is missing.
fn xmllint_c14n(flag: &str, input: &[u8]) -> Option<Result<Vec<u8>, String>> {
    // xmllint reads all of its input before writing, so writing first cannot
    // deadlock on the pipes.
    let mut child = Command::new("xmllint")
        .args([flag, "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    let written = child.stdin.take().map(|mut stdin| stdin.write_all(input));
    let output = match child.wait_with_output() {
        Ok(output) => output,
        Err(e) => return Some(Err(format!("xmllint: {e}"))),
    };
    if let Some(Err(e)) = written {
        return Some(Err(format!("writing to xmllint: {e}")));
    }
    if !output.status.success() || !output.stderr.is_empty() {
        return Some(Err(format!("xmllint failed: {}", String::from_utf8_lossy(&output.stderr))));
    }
    Some(Ok(output.stdout))
}

fn xmllint_available() -> bool {
    let found = Command::new("xmllint").arg("--version").output().is_ok_and(|o| o.status.success());
    // CI installs xmllint and sets this, so the comparison cannot vanish there.
    assert!(
        found || std::env::var_os("SAMLGUARD_REQUIRE_TOOLS").is_none(),
        "SAMLGUARD_REQUIRE_TOOLS is set but xmllint is not installed"
    );
    found
}

/// Our canonical forms of a document with comments and of its comment-free
/// copy, each compared byte for byte with `xmllint FLAG` of the same text.
fn check_against_xmllint(
    flag: &str,
    documents: [(&String, &Vec<u8>); 2],
    compared: &Cell<usize>,
) -> Result<(), TestCaseError> {
    let labels =
        [format!("xmllint {flag} (with comments)"), format!("xmllint {flag} of the comment-free document")];
    for (label, (input, ours)) in labels.iter().zip(documents) {
        let expected = xmllint_c14n(flag, input.as_bytes())
            .ok_or_else(|| TestCaseError::fail("xmllint disappeared"))?
            .map_err(|e| TestCaseError::fail(format!("{e}\n input: {input:?}")))?;
        check_equal(label, input, &expected, ours)?;
        compared.set(compared.get() + 1);
    }
    Ok(())
}

fn show(bytes: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(bytes))
}

fn check_equal(label: &str, input: &str, expected: &[u8], actual: &[u8]) -> Result<(), TestCaseError> {
    if expected != actual {
        return Err(TestCaseError::fail(format!(
            "{label}\n input:    {input:?}\n expected: {}\n actual:   {}",
            show(expected),
            show(actual)
        )));
    }
    Ok(())
}

fn parse_ok<'a>(label: &str, bytes: &'a [u8]) -> Result<Document<'a>, TestCaseError> {
    xml::parse(bytes).map_err(|e| TestCaseError::fail(format!("{label} refused ({e}): {}", show(bytes))))
}

fn canon(doc: &Document<'_>, apex: NodeId, options: &Options<'_>) -> Result<Vec<u8>, TestCaseError> {
    c14n::to_vec(doc, apex, options).map_err(|e| TestCaseError::fail(format!("c14n failed: {e}")))
}

/// Canonicalizing the re-parsed canonical form `canonical` must give it back,
/// both for the whole document and for its root element.
fn check_fixpoint(label: &str, canonical: &[u8], options: &Options<'_>) -> Result<(), TestCaseError> {
    let reparsed = parse_ok(label, canonical)?;
    let plain = Options { omit: None, ..options.clone() };
    let again = canon(&reparsed, NodeId::DOCUMENT, &plain)?;
    check_equal(&format!("{label}: whole document not idempotent"), "", canonical, &again)?;
    Ok(())
}

fn deterministic(cases: u32) -> Config {
    Config {
        cases,
        rng_seed: RngSeed::Fixed(0x5a41_c14e),
        source_file: Some(file!()),
        // A failure's seed is appended here (commit it): it replays first on every run.
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/proptest-regressions/c14n_props.txt"
        )))),
        // Keep shrinking bounded: each step may spawn xmllint.
        max_shrink_iters: 2048,
        ..Config::default()
    }
}

/// Prefix lists for the InclusiveNamespaces variant of the idempotence check.
const PREFIX_LISTS: [&str; 4] = ["", "a", "b #default", "a p c"];

#[test]
fn exc_c14n_matches_xmllint_and_is_idempotent() {
    let oracle = xmllint_available();
    if !oracle {
        println!("xmllint not found on PATH: oracle comparison skipped, idempotence still checked");
    }
    let compared = Cell::new(0usize);
    let checked = Cell::new(0usize);
    let mut runner = TestRunner::new(deterministic(256));
    let strategy = (document(), any::<Index>(), any::<Index>(), any::<bool>(), any::<u8>());
    let result = runner.run(&strategy, |(spec, element_pick, omit_pick, with_comments, list)| {
        let text = render(&spec, true);
        let text_without = render(&spec, false);
        let doc = parse_ok("generated document", text.as_bytes())?;
        let doc_without = parse_ok("generated document without comments", text_without.as_bytes())?;
        let with = Options { with_comments: true, ..Options::default() };
        let without = Options::default();
        let canonical_with = canon(&doc, NodeId::DOCUMENT, &with)?;
        let canonical_without = canon(&doc, NodeId::DOCUMENT, &without)?;

        // Dropping comments from the source and from the output must agree.
        let stripped = canon(&doc_without, NodeId::DOCUMENT, &with)?;
        check_equal("comment-free source vs without-comments c14n", &text, &canonical_without, &stripped)?;

        if oracle {
            check_against_xmllint(
                "--exc-c14n",
                [(&text, &canonical_with), (&text_without, &canonical_without)],
                &compared,
            )?;
        }

        for (label, canonical, options) in
            [("with comments", &canonical_with, &with), ("without comments", &canonical_without, &without)]
        {
            check_fixpoint(&format!("document {label}"), canonical, options)?;
        }

        // A random inner element, optionally with one descendant omitted and a PrefixList.
        let elements: Vec<NodeId> =
            doc.descendants(NodeId::DOCUMENT).filter(|&n| doc.element(n).is_some()).collect();
        let apex = *element_pick.get(&elements);
        let inner: Vec<NodeId> =
            doc.descendants(apex).skip(1).filter(|&n| doc.element(n).is_some()).collect();
        let omit = if inner.is_empty() || list % 2 == 0 { None } else { Some(*omit_pick.get(&inner)) };
        let options = Options { with_comments, omit, ..Options::default() }
            .with_prefix_list(PREFIX_LISTS[usize::from(list / 2) % PREFIX_LISTS.len()]);
        let canonical = canon(&doc, apex, &options)?;
        check_fixpoint("inner element", &canonical, &options)?;
        let reparsed = parse_ok("inner canonical form", &canonical)?;
        let plain = Options { omit: None, ..options.clone() };
        let again = canon(&reparsed, reparsed.root(), &plain)?;
        check_equal("inner element: root of re-parsed form not idempotent", &text, &canonical, &again)?;
        checked.set(checked.get() + 1);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    println!(
        "exc-c14n properties: {} documents checked for idempotence, {} canonical forms compared with xmllint",
        checked.get(),
        compared.get()
    );
    assert!(checked.get() >= 256, "the property ran on too few documents");
    if oracle {
        assert_eq!(compared.get(), 2 * checked.get(), "every document is compared with xmllint twice");
    }
}

#[test]
fn inclusive_c14n_matches_xmllint_and_is_idempotent() {
    let oracle = xmllint_available();
    if !oracle {
        println!("xmllint not found on PATH: oracle comparison skipped, idempotence still checked");
    }
    let compared = Cell::new(0usize);
    let checked = Cell::new(0usize);
    let mut runner = TestRunner::new(deterministic(256));
    let strategy = (document(), any::<Index>(), any::<Index>(), any::<bool>(), any::<bool>());
    let result = runner.run(&strategy, |(spec, element_pick, omit_pick, with_comments, omit)| {
        let text = render(&spec, true);
        let text_without = render(&spec, false);
        let doc = parse_ok("generated document", text.as_bytes())?;
        let doc_without = parse_ok("generated document without comments", text_without.as_bytes())?;
        let without = Options { method: Method::Inclusive, ..Options::default() };
        let with = Options { with_comments: true, ..without.clone() };
        let canonical_with = canon(&doc, NodeId::DOCUMENT, &with)?;
        let canonical_without = canon(&doc, NodeId::DOCUMENT, &without)?;
        let stripped = canon(&doc_without, NodeId::DOCUMENT, &with)?;
        check_equal("comment-free source vs without-comments c14n", &text, &canonical_without, &stripped)?;
        if oracle {
            check_against_xmllint(
                "--c14n",
                [(&text, &canonical_with), (&text_without, &canonical_without)],
                &compared,
            )?;
        }
        for (label, canonical, options) in
            [("with comments", &canonical_with, &with), ("without comments", &canonical_without, &without)]
        {
            check_fixpoint(&format!("inclusive document {label}"), canonical, options)?;
        }
        // A random inner element (all of its scope and inherited xml:* on it),
        // optionally with one descendant omitted.
        let elements: Vec<NodeId> =
            doc.descendants(NodeId::DOCUMENT).filter(|&n| doc.element(n).is_some()).collect();
        let apex = *element_pick.get(&elements);
        let inner: Vec<NodeId> =
            doc.descendants(apex).skip(1).filter(|&n| doc.element(n).is_some()).collect();
        let omit = if inner.is_empty() || !omit { None } else { Some(*omit_pick.get(&inner)) };
        let options = Options { with_comments, omit, ..without.clone() };
        let canonical = canon(&doc, apex, &options)?;
        check_fixpoint("inclusive inner element", &canonical, &options)?;
        let reparsed = parse_ok("inclusive inner canonical form", &canonical)?;
        let plain = Options { omit: None, ..options.clone() };
        let again = canon(&reparsed, reparsed.root(), &plain)?;
        check_equal(
            "inclusive inner element: root of re-parsed form not idempotent",
            &text,
            &canonical,
            &again,
        )?;
        checked.set(checked.get() + 1);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    println!(
        "inclusive c14n properties: {} documents checked for idempotence, {} canonical forms compared with xmllint",
        checked.get(),
        compared.get()
    );
    assert!(checked.get() >= 256, "the property ran on too few documents");
    if oracle {
        assert_eq!(compared.get(), 2 * checked.get(), "every document is compared with xmllint twice");
    }
}

/// libxml2's C14N (through the `libxml` crate) of a whole document or of an
/// element's subtree: the node-set of the element, its descendants, their
/// attributes and namespace nodes, as a signature's `#ID` reference selects.
#[cfg(feature = "xmlsec-oracle")]
fn libxml2_c14n(
    text: &str,
    apex: Option<usize>,
    method: Method,
    with_comments: bool,
    prefixes: &str,
) -> Result<Vec<u8>, String> {
    use libxml::tree::c14n::{CanonicalizationMode, CanonicalizationOptions};
    use libxml::tree::{Node, NodeType};

    fn elements_in_order(node: Node, out: &mut Vec<Node>) {
        let mut child = node.get_first_child();
        while let Some(c) = child {
            if c.get_type() == Some(NodeType::ElementNode) {
                out.push(c.clone());
                elements_in_order(c.clone(), out);
            }
            child = c.get_next_sibling();
        }
    }

    let doc =
        libxml::parser::Parser::default().parse_string(text).map_err(|e| format!("libxml2 refuses: {e}"))?;
    let options = CanonicalizationOptions {
        mode: match method {
            Method::Inclusive => CanonicalizationMode::Canonical1_0,
            _ => CanonicalizationMode::ExclusiveCanonical1_0,
        },
        with_comments,
        inclusive_ns_prefixes: prefixes.split_ascii_whitespace().map(str::to_string).collect(),
    };
    let out = match apex {
        None => doc.canonicalize(options, None),
        Some(index) => {
            let root = doc.get_root_element().ok_or("no root element")?;
            let mut elements = vec![root.clone()];
            elements_in_order(root, &mut elements);
            let mut node = elements.get(index).cloned().ok_or("no such element")?;
            node.canonicalize(options)
        }
    };
    out.map(String::into_bytes).map_err(|()| "libxml2 c14n failed".to_string())
}

/// PrefixLists for the libxml2 comparison: `#default` alone and with others.
#[cfg(feature = "xmlsec-oracle")]
const SUBSET_PREFIX_LISTS: [&str; 5] = ["", "#default", "a #default", "b p", "a b c p #default"];

/// Exclusive (with PrefixLists) and inclusive C14N of the whole document and
/// of random element subtrees, with and without comments, one random
/// descendant left out (the libxml2 side gets the document without it),
/// against libxml2's own C14N. Run with `--features xmlsec-oracle`.
#[cfg(feature = "xmlsec-oracle")]
#[test]
fn c14n_of_subtrees_matches_libxml2() {
    let counts = std::cell::RefCell::new(std::collections::BTreeMap::<String, usize>::new());
    let mut runner = TestRunner::new(deterministic(1024));
    let strategy = (document(), any::<Index>(), any::<Index>(), any::<bool>(), any::<u8>());
    let result = runner.run(&strategy, |(spec, element_pick, omit_pick, with_comments, choice)| {
        let text = render(&spec, true);
        let doc = parse_ok("generated document", text.as_bytes())?;
        let elements: Vec<NodeId> =
            doc.descendants(NodeId::DOCUMENT).filter(|&n| doc.element(n).is_some()).collect();
        // One in eight: the whole document.
        let apex_index = (choice % 8 != 0).then(|| element_pick.index(elements.len()));
        let apex = apex_index.map_or(NodeId::DOCUMENT, |i| elements[i]);
        let below: Vec<usize> = (0..elements.len())
            .filter(|&i| apex_index != Some(i) && doc.contains(apex, elements[i]) && apex != elements[i])
            .filter(|&i| apex != NodeId::DOCUMENT || elements[i] != doc.root())
            .collect();
        let omit = (choice % 3 == 0 && !below.is_empty()).then(|| *omit_pick.get(&below));
        let (method, prefixes) = match (choice / 8) % 6 {
            5 => (Method::Inclusive, ""),
            k => (Method::Exclusive, SUBSET_PREFIX_LISTS[usize::from(k)]),
        };
        let options = Options { method, with_comments, omit: omit.map(|i| elements[i]), ..Options::default() }
            .with_prefix_list(prefixes);
        let ours = canon(&doc, apex, &options)?;
        let without_omitted = render_omitting(&spec, true, omit);
        let theirs = libxml2_c14n(&without_omitted, apex_index, method, with_comments, prefixes)
            .map_err(|e| TestCaseError::fail(format!("{e}\n input: {without_omitted:?}")))?;
        let label = format!(
            "libxml2 {method:?} c14n of {} (comments {with_comments}, PrefixList {prefixes:?}, omit {omit:?})",
            apex_index.map_or("the document".to_string(), |i| format!("element {i}"))
        );
        check_equal(&label, &text, &theirs, &ours)?;
        let key = format!("{method:?}{}", if prefixes.contains("#default") { " #default" } else { "" });
        *counts.borrow_mut().entry(key).or_default() += 1;
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let counts = counts.into_inner();
    println!("c14n against libxml2 on generated documents and subtrees: {counts:?}");
    assert!(counts.values().sum::<usize>() >= 1024, "too few comparisons: {counts:?}");
    assert!(counts.get("Exclusive #default").is_some_and(|&n| n >= 200), "{counts:?}");
    assert!(counts.get("Inclusive").is_some_and(|&n| n >= 100), "{counts:?}");
}

/// `canonicalize_nested` (one pass for a Response and its Assertion) against
/// two separate canonicalizations: the outer form always equals the standalone
/// one, and the nested form, when shared, equals the nested element's own
/// canonical form. Every outer/nested element pair of each generated document
/// is tried, with random omissions, PrefixLists and comment settings; both
/// outcomes (shared, and refused because a namespace binding renders
/// differently) must occur, so the divergence check is exercised.
/// `canonicalize_nested` is public only with the `fuzzing` feature:
/// `cargo test --features fuzzing --test c14n_props`.
#[cfg(feature = "fuzzing")]
#[test]
fn nested_form_equals_standalone_canonicalization() {
    let (shared, diverged) = (Cell::new(0usize), Cell::new(0usize));
    let mut runner = TestRunner::new(deterministic(256));
    let strategy = (document(), any::<Index>(), any::<Index>(), any::<bool>(), any::<u8>());
    let result = runner.run(&strategy, |(spec, outer_omit_pick, nested_omit_pick, with_comments, list)| {
        let text = render(&spec, true);
        let doc = parse_ok("generated document", text.as_bytes())?;
        let elements: Vec<NodeId> =
            doc.descendants(NodeId::DOCUMENT).filter(|&n| doc.element(n).is_some()).take(12).collect();
        let prefixes = PREFIX_LISTS[usize::from(list / 4) % PREFIX_LISTS.len()];
        for &outer in &elements {
            let below: Vec<NodeId> =
                doc.descendants(outer).skip(1).filter(|&n| doc.element(n).is_some()).collect();
            for &nested in &below {
                let nested_below: Vec<NodeId> =
                    doc.descendants(nested).skip(1).filter(|&n| doc.element(n).is_some()).collect();
                let outer_omit = (list % 2 == 1).then(|| *outer_omit_pick.get(&below));
                let nested_omit =
                    (list % 4 >= 2 && !nested_below.is_empty()).then(|| *nested_omit_pick.get(&nested_below));
                let outer_options = Options { with_comments, omit: outer_omit, ..Options::default() }
                    .with_prefix_list(prefixes);
                let nested_options = Options { with_comments, omit: nested_omit, ..Options::default() }
                    .with_prefix_list(prefixes);
                let (mut outer_form, mut nested_form) = (Vec::new(), Vec::new());
                let is_shared = c14n::canonicalize_nested(
                    &doc,
                    outer,
                    &outer_options,
                    &mut outer_form,
                    nested,
                    &nested_options,
                    &mut nested_form,
                )
                .map_err(|e| TestCaseError::fail(format!("canonicalize_nested failed: {e}")))?;
                let expected_outer = canon(&doc, outer, &outer_options)?;
                check_equal("outer form", &text, &expected_outer, &outer_form)?;
                let expected_nested = canon(&doc, nested, &nested_options)?;
                match is_shared {
                    true => {
                        check_equal("shared nested form", &text, &expected_nested, &nested_form)?;
                        shared.set(shared.get() + 1);
                    }
                    false
                        if outer_omit
                            .is_none_or(|o| !doc.contains(o, nested) && !doc.contains(nested, o)) =>
                    {
                        diverged.set(diverged.get() + 1);
                    }
                    false => {}
                }
            }
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    println!(
        "nested forms: {} shared and equal, {} refused for a namespace difference",
        shared.get(),
        diverged.get()
    );
    assert!(shared.get() >= 500, "too few shared nested digests: {}", shared.get());
    assert!(diverged.get() >= 100, "too few divergent pairs: {}", diverged.get());
}
