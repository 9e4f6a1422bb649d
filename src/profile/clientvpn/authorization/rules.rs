//! [`Rule`] and reading the rules from the JSON that
//! `aws ec2 describe-client-vpn-authorization-rules` prints.
//!
//! The JSON is read into a tree that keeps every key of every object, so that
//! a key given twice is refused instead of silently resolved (serde_json's own
//! `Value` keeps the last one). Only the fields AWS defines are read; other
//! keys are ignored so that a field AWS adds later does not break loading.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use super::cidr::{Cidr, CidrError};
use super::error::{Location, RuleRef, RulesError};
use crate::Untrusted;

/// Who a rule grants access to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grant {
    /// `AccessAll: true`: every user who connected.
    AllUsers,
    /// `GroupId`: users whose SAML groups (`memberOf`) include this value,
    /// compared exactly.
    Group(Untrusted),
}

/// A rule's `Status.Code`. Only [`RuleStatus::Active`] rules are in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RuleStatus {
    /// Being added: not in force yet.
    Authorizing,
    /// In force.
    Active,
    /// Adding it failed: never in force.
    Failed,
    /// Being removed: no longer counted.
    Revoking,
}

impl RuleStatus {
    /// The code as AWS prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Authorizing => "authorizing",
            Self::Active => "active",
            Self::Failed => "failed",
            Self::Revoking => "revoking",
        }
    }

    fn from_code(code: &str) -> Option<Self> {
        Some(match code {
            "authorizing" => Self::Authorizing,
            "active" => Self::Active,
            "failed" => Self::Failed,
            "revoking" => Self::Revoking,
            _ => return None,
        })
    }
}

impl fmt::Display for RuleStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One authorization rule as loaded, whatever its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    index: usize,
    endpoint_id: Untrusted,
    description: Option<Untrusted>,
    cidr: Cidr,
    grant: Grant,
    status: RuleStatus,
    status_message: Option<Untrusted>,
}

impl Rule {
    /// A rule built directly (tests and the property model).
    #[cfg(test)]
    pub(crate) fn new(index: usize, cidr: Cidr, grant: Grant, status: RuleStatus) -> Self {
        Self {
            index,
            endpoint_id: Untrusted::new("cvpn-endpoint-test"),
            description: None,
            cidr,
            grant,
            status,
            status_message: None,
        }
    }

    /// Position in the `AuthorizationRules` array, from 0.
    pub fn index(&self) -> usize {
        self.index
    }

    /// `ClientVpnEndpointId`.
    pub fn endpoint_id(&self) -> &Untrusted {
        &self.endpoint_id
    }

    /// `Description`, when present and not empty.
    pub fn description(&self) -> Option<&Untrusted> {
        self.description.as_ref()
    }

    /// `DestinationCidr`.
    pub fn cidr(&self) -> Cidr {
        self.cidr
    }

    /// `AccessAll` or `GroupId`.
    pub fn grant(&self) -> &Grant {
        &self.grant
    }

    /// The group, for a group rule.
    pub fn group(&self) -> Option<&Untrusted> {
        match &self.grant {
            Grant::Group(group) => Some(group),
            Grant::AllUsers => None,
        }
    }

    /// `Status.Code`.
    pub fn status(&self) -> RuleStatus {
        self.status
    }

    /// `Status.Message`, when present and not empty.
    pub fn status_message(&self) -> Option<&Untrusted> {
        self.status_message.as_ref()
    }

    /// True when the rule is in force (`Status.Code` is `active`).
    pub fn is_active(&self) -> bool {
        self.status == RuleStatus::Active
    }
}

/// `AuthorizationRules[1] (10.0.0.0/16 for group "S-xxxxx15")`.
impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AuthorizationRules[{}] ({} for ", self.index, self.cidr)?;
        match &self.grant {
            Grant::AllUsers => f.write_str("all users")?,
            Grant::Group(group) => write!(f, "group {group}")?,
        }
        if self.status != RuleStatus::Active {
            write!(f, ", {}", self.status)?;
        }
        f.write_str(")")
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for RuleStatus {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// The fields as AWS names them, in snake case; received text unescaped
/// (JSON escapes it).
#[cfg(feature = "serde")]
impl serde::Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Rule", 8)?;
        s.serialize_field("index", &self.index)?;
        s.serialize_field("client_vpn_endpoint_id", &self.endpoint_id)?;
        s.serialize_field("description", &self.description)?;
        s.serialize_field("destination_cidr", &self.cidr)?;
        s.serialize_field("access_all", &(self.grant == Grant::AllUsers))?;
        s.serialize_field("group_id", &self.group())?;
        s.serialize_field("status", &self.status)?;
        s.serialize_field("status_message", &self.status_message)?;
        s.end()
    }
}

/// A JSON value that keeps every key of every object, in order.
enum Json {
    Null,
    Bool(bool),
    Number,
    String(String),
    Array(Vec<Self>),
    Object(Vec<(String, Self)>),
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Json, E> {
        Ok(Json::Number)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Json, E> {
        Ok(Json::Number)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Json, E> {
        Ok(Json::Number)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Json, E> {
        Ok(Json::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut entries = Vec::new();
        while let Some((key, value)) = map.next_entry::<String, Json>()? {
            entries.push((key, value));
        }
        Ok(Json::Object(entries))
    }
}

/// An object's entries, checked for duplicate keys.
struct Object<'j> {
    entries: &'j [(String, Json)],
}

impl<'j> Object<'j> {
    fn new(entries: &'j [(String, Json)], location: impl Fn() -> Location) -> Result<Self, RulesError> {
        let duplicate = if entries.len() <= 16 {
            // The usual handful of keys: compare pairwise, no allocation.
            entries
                .iter()
                .enumerate()
                .find(|(i, (key, _))| entries[..*i].iter().any(|(k, _)| k == key))
                .map(|(_, (key, _))| key.as_str())
        } else {
            // A file with thousands of keys in one object must not cost quadratic time.
            let mut keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
            keys.sort_unstable();
            keys.windows(2).find(|pair| pair[0] == pair[1]).map(|pair| pair[0])
        };
        match duplicate {
            Some(key) => Err(RulesError::DuplicateField { location: location(), field: Untrusted::new(key) }),
            None => Ok(Self { entries }),
        }
    }

    fn get(&self, field: &str) -> Option<&'j Json> {
        self.entries.iter().find(|(k, _)| k == field).map(|(_, v)| v)
    }

    /// A string field that may be absent (`None`), never null or another type.
    fn string(
        &self,
        field: &'static str,
        location: impl Fn() -> Location,
    ) -> Result<Option<&'j str>, RulesError> {
        match self.get(field) {
            None => Ok(None),
            Some(Json::String(s)) => Ok(Some(s)),
            Some(_) => Err(RulesError::FieldType { location: location(), field, expected: "a string" }),
        }
    }
}

/// What the rule's fields say before the grant and status are checked.
fn rule_ref(index: usize, object: &Object<'_>) -> RuleRef {
    let text = |field| match object.get(field) {
        Some(Json::String(s)) => Some(Untrusted::new(s.as_str())),
        _ => None,
    };
    RuleRef { index, destination_cidr: text("DestinationCidr"), description: text("Description") }
}

/// Parses the whole document. See [`super::AuthorizationRules::from_json`].
pub(crate) fn parse(bytes: &[u8]) -> Result<Vec<Rule>, RulesError> {
    if bytes.len() > super::MAX_RULES_BYTES {
        return Err(RulesError::TooLarge { len: bytes.len(), limit: super::MAX_RULES_BYTES });
    }
    let text = std::str::from_utf8(bytes).map_err(|_| RulesError::Encoding)?;
    if text.starts_with('\u{feff}') {
        return Err(RulesError::Encoding);
    }
    // serde_json bounds nesting (128 levels), so a deep document is an error, not a stack overflow.
    let json: Json =
        serde_json::from_str(text).map_err(|e| RulesError::Json { line: e.line(), column: e.column() })?;
    let Json::Object(top) = &json else {
        return Err(RulesError::FieldType {
            location: Location::Document,
            field: "its top level",
            expected: "a JSON object",
        });
    };
    let top = Object::new(top, || Location::Document)?;
    match top.get("NextToken") {
        None | Some(Json::Null) => {}
        Some(Json::String(token)) if token.is_empty() => {}
        Some(_) => return Err(RulesError::Incomplete),
    }
    let list = match top.get("AuthorizationRules") {
        None => {
            return Err(RulesError::MissingField {
                location: Location::Document,
                field: "AuthorizationRules",
            });
        }
        Some(Json::Array(list)) => list,
        Some(_) => {
            return Err(RulesError::FieldType {
                location: Location::Document,
                field: "AuthorizationRules",
                expected: "an array",
            });
        }
    };
    let mut rules = Vec::with_capacity(list.len());
    let mut first_endpoint: Option<&str> = None;
    for (index, item) in list.iter().enumerate() {
        let Json::Object(entries) = item else {
            return Err(RulesError::FieldType {
                location: Location::Rule(RuleRef { index, destination_cidr: None, description: None }),
                field: "the rule",
                expected: "a JSON object",
            });
        };
        // Names the rule by the first DestinationCidr / Description, even when a key is repeated.
        let at = rule_ref(index, &Object { entries });
        let object = Object::new(entries, || Location::Rule(at.clone()))?;
        let (rule, endpoint) = read_rule(index, &object, at)?;
        match first_endpoint {
            None => first_endpoint = Some(endpoint),
            Some(first) if first != endpoint => {
                return Err(RulesError::MixedEndpoints {
                    rule: rule_ref(index, &object),
                    first: Untrusted::new(first),
                    found: Untrusted::new(endpoint),
                });
            }
            Some(_) => {}
        }
        rules.push(rule);
    }
    Ok(rules)
}

fn read_rule<'j>(index: usize, object: &Object<'j>, at: RuleRef) -> Result<(Rule, &'j str), RulesError> {
    let location = || Location::Rule(at.clone());
    let missing = |field| RulesError::MissingField { location: location(), field };

    let endpoint =
        object.string("ClientVpnEndpointId", location)?.ok_or_else(|| missing("ClientVpnEndpointId"))?;
    let description = object.string("Description", location)?;
    let group = object.string("GroupId", location)?;
    let access_all = match object.get("AccessAll") {
        None => return Err(missing("AccessAll")),
        Some(Json::Bool(b)) => *b,
        Some(_) => {
            return Err(RulesError::FieldType {
                location: location(),
                field: "AccessAll",
                expected: "a boolean",
            });
        }
    };
    let cidr_text = object.string("DestinationCidr", location)?.ok_or_else(|| missing("DestinationCidr"))?;
    let status = match object.get("Status") {
        None => return Err(missing("Status")),
        Some(Json::Object(entries)) => entries,
        Some(_) => {
            return Err(RulesError::FieldType {
                location: location(),
                field: "Status",
                expected: "an object",
            });
        }
    };
    let status_location = || Location::Status(at.clone());
    let status = Object::new(status, status_location)?;
    let code = status
        .string("Code", status_location)?
        .ok_or_else(|| RulesError::MissingField { location: status_location(), field: "Code" })?;
    let message = status.string("Message", status_location)?;

    let cidr = Cidr::parse(cidr_text).map_err(|e| match e {
        CidrError::HostBitsSet { network } => RulesError::CidrHostBits { rule: at.clone(), network },
        CidrError::Ipv4Mapped => RulesError::MappedIpv6Cidr { rule: at.clone() },
        CidrError::Malformed => RulesError::InvalidCidr { rule: at.clone() },
    })?;
    // AWS prints `"GroupId": ""` on AccessAll rules; an empty GroupId is no group.
    let group = group.filter(|g| !g.is_empty());
    let grant = match (access_all, group) {
        (true, None) => Grant::AllUsers,
        (false, Some(group)) => Grant::Group(Untrusted::new(group)),
        (true, Some(group)) => return Err(RulesError::BothGrants { rule: at, group: Untrusted::new(group) }),
        (false, None) => return Err(RulesError::NoGrant { rule: at }),
    };
    let status = RuleStatus::from_code(code)
        .ok_or_else(|| RulesError::UnknownStatus { rule: at.clone(), code: Untrusted::new(code) })?;
    let nonempty = |s: Option<&str>| s.filter(|s| !s.is_empty()).map(Untrusted::new);
    let rule = Rule {
        index,
        endpoint_id: Untrusted::new(endpoint),
        description: nonempty(description),
        cidr,
        grant,
        status,
        status_message: nonempty(message),
    };
    Ok((rule, endpoint))
}
