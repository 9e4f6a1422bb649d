//! Any bytes into the strict parser: refusals are fine, panics are not, and an
//! accepted document must be a consistent tree.
#![no_main]
#![forbid(unsafe_code)]

use libfuzzer_sys::fuzz_target;
use samlguard::xml::{self, Document, NodeId, NodeKind};

fuzz_target!(|data: &[u8]| {
    if let Ok(doc) = xml::parse(data) {
        check_tree(&doc);
    }
});

fn check_tree(doc: &Document<'_>) {
    assert_eq!(doc.parent(NodeId::DOCUMENT), None);
    let root = doc.root();
    assert_eq!(doc.parent(root), Some(NodeId::DOCUMENT));
    assert!(doc.element(root).is_some(), "root is an element");
    assert_eq!(doc.child_elements(NodeId::DOCUMENT).count(), 1, "exactly one root element");

    // Walking children from the document reaches every node exactly once, and
    // each child names the node it was reached from as its parent.
    let mut reached = 1;
    let mut ids = 0;
    for id in doc.descendants(NodeId::DOCUMENT) {
        for child in doc.children(id) {
            reached += 1;
            assert_eq!(doc.parent(child), Some(id), "child {child:?} of {id:?}");
            assert!(doc.contains(id, child));
            assert!(doc.subtree_end(child) <= doc.subtree_end(id), "subtree of {child:?} escapes {id:?}");
        }
        if id != NodeId::DOCUMENT {
            let parent = doc.parent(id).expect("every node but the document has a parent");
            assert!(parent < id, "parents precede children in document order");
            assert!(doc.element(parent).is_some() || parent == NodeId::DOCUMENT);
        }
        let _ = doc.position(doc.node(id).offset());
        match doc.node(id).kind() {
            NodeKind::Document => assert_eq!(id, NodeId::DOCUMENT),
            NodeKind::Text(_) => assert!(doc.contains(root, id), "text only inside the root"),
            _ => {}
        }
        check_text_content(doc, id);
        if let Some(e) = doc.element(id) {
            ids += check_element(doc, id);
            assert_eq!(e.id(), id);
        }
    }
    assert_eq!(reached, doc.len(), "children walk misses or repeats nodes");
    assert_eq!(ids, doc.id_count());
}

/// `text_content` is the concatenation of the text children, or `None` when
/// there is an element child.
fn check_text_content(doc: &Document<'_>, id: NodeId) {
    let mut expected = Some(String::new());
    for child in doc.children(id) {
        match doc.node(child).kind() {
            NodeKind::Element(_) => expected = None,
            NodeKind::Text(text) => {
                if let Some(e) = &mut expected {
                    e.push_str(text);
                }
            }
            _ => {}
        }
    }
    assert_eq!(doc.text_content(id).map(|t| t.into_owned()), expected);
}

/// Names and namespaces are consistent; returns the number of `ID` attributes.
fn check_element(doc: &Document<'_>, id: NodeId) -> usize {
    let e = doc.element(id).expect("element");
    let qname = if e.prefix().is_empty() {
        e.local_name().to_string()
    } else {
        format!("{}:{}", e.prefix(), e.local_name())
    };
    assert_eq!(e.qname(), qname);
    let bound = e.lookup_namespace(e.prefix()).unwrap_or("");
    assert_eq!(bound, e.namespace(), "element namespace is its prefix's binding in scope");
    let mut ids = 0;
    for a in e.attributes() {
        if a.prefix().is_empty() {
            assert_eq!(a.namespace(), "", "unprefixed attributes are in no namespace");
        } else {
            assert_eq!(e.lookup_namespace(a.prefix()), Some(a.namespace()));
        }
        assert_eq!(e.attribute(a.namespace(), a.local_name()), Some(a.value()), "expanded names are unique");
        if a.local_name() == "ID" {
            ids += 1;
            assert_eq!(doc.element_by_id(a.value()), Some(id));
        }
    }
    for d in e.namespace_declarations() {
        assert!(d.prefix().is_empty() || !d.uri().is_empty(), "xmlns:p=\"\" is refused");
    }
    ids
}
