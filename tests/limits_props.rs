//! Parsing never panics and respects `Limits`: for random documents and random
//! limits, a parse either succeeds with a tree inside every limit or fails
//! with the typed error of a limit that the input really exceeds.

use proptest::prelude::*;
use proptest::test_runner::{FileFailurePersistence, RngSeed};
use samlguard::xml::{self, Limits, NodeId};

/// Nested elements with attributes, namespace declarations and text.
fn document() -> impl Strategy<Value = String> {
    let leaf =
        prop_oneof![Just("t".to_string()), Just("<e/>".to_string()), Just("<e a='1' b='2'/>".to_string())];
    leaf.prop_recursive(8, 200, 6, |inner| {
        (prop::collection::vec(inner, 0..6), 0usize..4, 0usize..4, 0usize..40).prop_map(
            |(children, attrs, decls, value_len)| {
                let attributes: String =
                    (0..attrs).map(|i| format!(" a{i}='{}'", "v".repeat(value_len))).collect();
                let declarations: String = (0..decls).map(|i| format!(" xmlns:p{i}='urn:p{i}'")).collect();
                format!("<e{attributes}{declarations}>{}</e>", children.concat())
            },
        )
    })
    .prop_map(|body| format!("<r>{body}</r>"))
}

fn depth(doc: &xml::Document<'_>, mut id: NodeId) -> usize {
    let mut depth = 0;
    while let Some(parent) = doc.parent(id) {
        depth += 1;
        id = parent;
    }
    depth
}

proptest! {
    // A fixed seed: every run tries the same cases; a failure's seed is also
    // appended to proptest-regressions/limits_props.txt (commit it) and replays first.
    #![proptest_config(ProptestConfig {
        cases: 2000,
        rng_seed: RngSeed::Fixed(0x0001_1317),
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/proptest-regressions/limits_props.txt"
        )))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn parse_stays_inside_every_limit_or_names_one_the_input_exceeds(
        text in document(),
        max_input_bytes in 1usize..4000,
        max_depth in 1usize..10,
        max_nodes in 1usize..200,
        max_attributes_per_element in 0usize..8,
        max_attribute_value_bytes in 0usize..40,
        max_namespace_declarations in 0usize..20,
    ) {
        let mut limits = Limits::default();
        limits.max_input_bytes = max_input_bytes;
        limits.max_depth = max_depth;
        limits.max_nodes = max_nodes;
        limits.max_attributes_per_element = max_attributes_per_element;
        limits.max_attribute_value_bytes = max_attribute_value_bytes;
        limits.max_namespace_declarations = max_namespace_declarations;
        match xml::parse_with_limits(text.as_bytes(), &limits) {
            Ok(doc) => {
                prop_assert!(text.len() <= max_input_bytes);
                prop_assert!(doc.len() <= max_nodes);
                let mut declarations = 0;
                for id in doc.descendants(NodeId::DOCUMENT) {
                    if let Some(e) = doc.element(id) {
                        prop_assert!(depth(&doc, id) <= max_depth);
                        let own = e.namespace_declarations().len();
                        declarations += own;
                        prop_assert!(e.attributes().len() + own <= max_attributes_per_element);
                        prop_assert!(e.attributes().all(|a| a.value().len() <= max_attribute_value_bytes));
                    }
                }
                prop_assert!(declarations <= max_namespace_declarations);
            }
            Err(e) => {
                // The refusal names a limit, and without limits the document parses:
                // the generator only makes well-formed documents.
                prop_assert!(
                    matches!(e.kind().as_str(), "document_too_large" | "depth_limit" | "node_limit" | "attribute_limit" | "attribute_value_limit" | "namespace_limit"),
                    "unexpected refusal {e}"
                );
                prop_assert!(xml::parse(text.as_bytes()).is_ok());
            }
        }
    }
}
