//! `verify --authorization-rules FILE --destination IP`: what AWS Client VPN
//! will let this verified login reach, and why.

use std::net::IpAddr;

use samlguard::authorization::{AuthorizationRules, Decision, Grant, Reach, Rule};
use samlguard::{ClientVpnLogin, Verified};
use serde::Serialize;

use crate::report::Report;

/// The decisions for the requested destinations and the reachable networks.
pub(crate) struct Authorization<'a> {
    decisions: Vec<Decision<'a>>,
    reachable: Vec<Reach<'a>>,
}

impl<'a> Authorization<'a> {
    pub(crate) fn new(
        rules: &'a AuthorizationRules,
        login: &'a Verified<ClientVpnLogin>,
        destinations: &[IpAddr],
    ) -> Self {
        Self {
            decisions: destinations.iter().map(|&d| rules.decide(login, d)).collect(),
            reachable: rules.reachable(login),
        }
    }

    /// Whether every requested destination is allowed.
    pub(crate) fn all_allowed(&self) -> bool {
        self.decisions.iter().all(Decision::is_allowed)
    }

    /// `authorization` entries of the JSON output, as the contract shapes them.
    pub(crate) fn json(&self) -> Vec<DecisionJson<'a>> {
        self.decisions
            .iter()
            .map(|d| DecisionJson {
                destination: d.requested_destination(),
                allowed: d.is_allowed(),
                rule: d.granting_rule().map(RuleJson::from),
                reason: d.reason(),
            })
            .collect()
    }

    /// `reachable` entries of the JSON output.
    pub(crate) fn reachable_json(&self) -> Vec<ReachJson<'a>> {
        self.reachable
            .iter()
            .map(|r| ReachJson {
                destination_cidr: r.cidr().to_string(),
                rule: RuleJson::from(r.granted_by()),
                except: r.except().iter().map(ToString::to_string).collect(),
            })
            .collect()
    }

    /// The text report's section: each destination's verdict with its
    /// reason, then the networks the login can reach. The library writes
    /// these with every received value (group IDs, descriptions) escaped.
    pub(crate) fn text(&self, report: &mut Report) {
        for decision in &self.decisions {
            report.line(&decision.requested_destination().to_string(), decision.reason());
        }
        let reachable: Vec<String> = self.reachable.iter().map(ToString::to_string).collect();
        report.list(&format!("can reach ({})", reachable.len()), &reachable);
    }
}

#[derive(Serialize)]
pub(crate) struct DecisionJson<'a> {
    destination: IpAddr,
    allowed: bool,
    /// The rule that grants access; `null` when none does.
    rule: Option<RuleJson<'a>>,
    reason: String,
}

#[derive(Serialize)]
pub(crate) struct ReachJson<'a> {
    destination_cidr: String,
    rule: RuleJson<'a>,
    except: Vec<String>,
}

#[derive(Serialize)]
pub(crate) struct RuleJson<'a> {
    destination_cidr: String,
    group_id: Option<&'a str>,
    access_all: bool,
}

impl<'a> From<&'a Rule> for RuleJson<'a> {
    fn from(rule: &'a Rule) -> Self {
        Self {
            destination_cidr: rule.cidr().to_string(),
            group_id: rule.group().map(samlguard::Untrusted::as_str_less_safe),
            access_all: matches!(rule.grant(), Grant::AllUsers),
        }
    }
}
