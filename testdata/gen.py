#!/usr/bin/env python3
"""Templating and post-editing helper for testdata/generate.sh (stdlib only).

This script never signs anything: it writes unsigned templates (with empty
ds:Signature templates for xmlsec1 to fill) and applies textual edits to
documents that xmlsec1 already signed. All signing and verifying is done by
the xmlsec1 CLI (plus openssl for one case, see generate.sh).

Subcommands (all paths relative to the current directory):
  template NAME                 print the unsigned template of fixture NAME
                                (NAME is e.g. responses/clientvpn, dsig/with-object)
  list                          print all fixture names, one per line
  tidy FILE                     remove line breaks that xmlsec1 puts into
                                SignatureValue / X509Certificate (Entra writes
                                them on one line); these are never covered by
                                their own signature, see generate.sh for order
  finalize FILE                 drop the XML declaration xmlsec1 adds (Entra's
                                POSTed responses have none)
  edit OP FILE                  apply post-signing edit OP in place (see EDITS)
  signedinfo FILE               print the (only) SignedInfo as a standalone
                                document (for re-signing with openssl)
  set-sigvalue FILE SIGBIN      put base64(SIGBIN) into the (only) SignatureValue
  cases-json TSV                print dsig/cases.json from the TSV generate.sh wrote
  plan                          print the build plan of policy/ and attacks/ (suite.py)
  post NAME FILE                apply case NAME's post-signing edit to FILE in place
  manifest                      print testdata/cases.json (suite.py)
  same-except-sigvalue A B      exit 0 when A and B differ only inside SignatureValue
"""

import base64
import hashlib
import json
import re
import sys
import uuid

# ---------------------------------------------------------------------------
# Fixed values (see testdata/README.md)

TENANT = "6f2a1c1e-0000-4000-8000-5a4d1e2f3a4b"
ISSUER = f"https://sts.windows.net/{TENANT}/"
LOGIN = f"https://login.microsoftonline.com/{TENANT}"
RESPONSE_ID = "_r4d9c2f1e-6b7a-4c58-9e03-2a1f0b3c4d5e"
ASSERTION_ID = "_a8f3e6d21-0c4b-4a97-b5e8-6d7c1f2a3b4c"
METADATA_ID = "_m2c7b9e4a-1d3f-4e5a-8b6c-9d0e1f2a3b4c"
ISSUE_INSTANT = "2026-01-15T10:00:00Z"
NOT_BEFORE = "2026-01-15T09:55:00Z"
NOT_ON_OR_AFTER = "2026-01-15T11:05:00Z"
SCD_NOT_ON_OR_AFTER = "2026-01-15T10:05:00Z"
AUTHN_INSTANT = "2026-01-15T09:59:58Z"

NS_SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
NS_SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
NS_MD = "urn:oasis:names:tc:SAML:2.0:metadata"
NS_DS = "http://www.w3.org/2000/09/xmldsig#"
NS_XS = "http://www.w3.org/2001/XMLSchema"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"

# Algorithm URIs
EXC = "http://www.w3.org/2001/10/xml-exc-c14n#"
EXC_WC = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments"
C14N10 = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
ENV = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
XPATH = "http://www.w3.org/TR/1999/REC-xpath-19991116"
SIG = {
    "rsa-sha1": "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
    "rsa-sha256": "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    "rsa-sha384": "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
    "rsa-sha512": "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
    "ecdsa-sha256": "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
    "ecdsa-sha384": "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
    "hmac-sha256": "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256",
}
DIGEST = {
    "sha1": "http://www.w3.org/2000/09/xmldsig#sha1",
    "sha256": "http://www.w3.org/2001/04/xmlenc#sha256",
    "sha384": "http://www.w3.org/2001/04/xmldsig-more#sha384",
    "sha512": "http://www.w3.org/2001/04/xmlenc#sha512",
}
MANIFEST_TYPE = "http://www.w3.org/2000/09/xmldsig#Manifest"


def guid(label):
    """Deterministic GUID (looks like an Entra object ID)."""
    return str(uuid.UUID(bytes=hashlib.sha256(label.encode()).digest()[:16], version=4))


# ---------------------------------------------------------------------------
# ds:Signature templates (xmlsec1 fills DigestValue, SignatureValue, X509Data)


def transform(alg, prefixes=None):
    if prefixes:
        return (f'<Transform Algorithm="{alg}"><ec:InclusiveNamespaces '
                f'xmlns:ec="{EXC}" PrefixList="{prefixes}"/></Transform>')
    return f'<Transform Algorithm="{alg}"/>'


STD_TRANSFORMS = [transform(ENV), transform(EXC)]


def reference(uri, transforms=None, digest="sha256", type_attr=None):
    transforms = STD_TRANSFORMS if transforms is None else transforms
    t = f' Type="{type_attr}"' if type_attr else ""
    tr = f"<Transforms>{''.join(transforms)}</Transforms>" if transforms else ""
    return (f'<Reference URI="{uri}"{t}>{tr}'
            f'<DigestMethod Algorithm="{DIGEST[digest]}"/><DigestValue></DigestValue></Reference>')


def signature(refs, c14n=EXC, c14n_prefixes=None, alg="rsa-sha256", keyinfo=True, extra=""):
    """An Entra-shaped, unprefixed ds:Signature template.

    refs: list of Reference templates (see reference()).
    extra: raw XML appended after KeyInfo (ds:Object cases).
    """
    if c14n_prefixes:
        cm = (f'<CanonicalizationMethod Algorithm="{c14n}"><ec:InclusiveNamespaces '
              f'xmlns:ec="{EXC}" PrefixList="{c14n_prefixes}"/></CanonicalizationMethod>')
    else:
        cm = f'<CanonicalizationMethod Algorithm="{c14n}"/>'
    ki = "<KeyInfo><X509Data></X509Data></KeyInfo>" if keyinfo else ""
    return (f'<Signature xmlns="{NS_DS}"><SignedInfo>{cm}'
            f'<SignatureMethod Algorithm="{SIG[alg]}"/>{"".join(refs)}</SignedInfo>'
            f"<SignatureValue></SignatureValue>{ki}{extra}</Signature>")


def std_sig(target_id, alg="rsa-sha256", digest="sha256", **kw):
    return signature([reference("#" + target_id, digest=digest)], alg=alg, **kw)


# ---------------------------------------------------------------------------
# Responses

PROFILES = {
    "clientvpn": dict(
        acs="http://127.0.0.1:35001",
        irt="id-4c1f6b2a9e8d4f0b8a7c6d5e4f3a2b1c",
        audience="urn:amazon:webservices:clientvpn",
        nameid_format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
        nameid="alice@example.com",
    ),
    "aws-console": dict(
        acs="https://signin.aws.amazon.com/saml",
        irt=None,  # IdP-initiated: no InResponseTo anywhere
        audience="https://signin.aws.amazon.com/saml",
        nameid_format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
        nameid="k3vQ9XnW2bYp7sLr1cTfHd8uJmA0eZoGiE5yR4qP6hN",
    ),
    # IAM Identity Center: entity ID and ACS of metadata/identity-center-sp.xml.
    "identity-center": dict(
        acs="https://eu-west-1.signin.aws.amazon.com/platform/saml/acs/4c2d1e8f-7a6b-4e5d-9c3b-2a1f0e9d8c7b",
        irt=None,  # IdP-initiated (My Apps); suite.py adds InResponseTo for SP-initiated cases
        audience="https://eu-west-1.signin.aws.amazon.com/platform/saml/d-93677a1b2c",
        nameid_format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
        nameid="alice@example.com",
    ),
    "generic": dict(
        acs="https://sp.example.com/acs",
        irt="id-7e2d9c4b1a0f4e3d8c7b6a5f4e3d2c1b",
        audience="https://sp.example.com/metadata",
        nameid_format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
        nameid="alice@example.com",
    ),
}

AWS = "https://aws.amazon.com/SAML/Attributes/"
CLAIMS = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/"


# Claims Entra adds to every SAML token (they cannot be removed in the portal).
ENTRA_ALWAYS = [
    ("http://schemas.microsoft.com/identity/claims/tenantid", [TENANT]),
    ("http://schemas.microsoft.com/identity/claims/objectidentifier", [guid("user-alice")]),
    ("http://schemas.microsoft.com/identity/claims/identityprovider", [ISSUER]),
    ("http://schemas.microsoft.com/claims/authnmethodsreferences",
     ["http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password"]),
]


def attributes(profile, groups, typed):
    """List of (Name, [values]) in the order Entra would send them."""
    if profile == "clientvpn":
        return ENTRA_ALWAYS[:2] + [
            ("memberOf", [guid(f"group-{i}") for i in range(groups)]),
            ("FirstName", ["Alice"]),
            ("LastName", ["Example"]),
        ] + ENTRA_ALWAYS[2:]
    if profile == "aws-console":
        return ENTRA_ALWAYS[:2] + [
            (AWS + "Role", [
                "arn:aws:iam::123456789012:role/Admin,arn:aws:iam::123456789012:saml-provider/EntraID",
                "arn:aws:iam::123456789012:saml-provider/EntraID,arn:aws:iam::123456789012:role/ReadOnly",
            ]),
            (AWS + "RoleSessionName", ["alice@example.com"]),
            (AWS + "SessionDuration", ["3600"]),
            (AWS + "PrincipalTag:Department", ["Engineering"]),
            (AWS + "TransitiveTagKeys", ["Department"]),
        ] + ENTRA_ALWAYS[2:]
    if profile == "identity-center":
        # Entra's IAM Identity Center application: its default claims plus two
        # attributes for access control (ABAC).
        return ENTRA_ALWAYS[:2] + [
            (CLAIMS + "name", ["alice@example.com"]),
            (CLAIMS + "givenname", ["Alice"]),
            (CLAIMS + "surname", ["Example"]),
            (CLAIMS + "emailaddress", ["alice@example.com"]),
            (AWS + "AccessControl:Department", ["Engineering"]),
            (AWS + "AccessControl:CostCenter", ["1234"]),
        ] + ENTRA_ALWAYS[2:]
    return ENTRA_ALWAYS[:2] + [
        (CLAIMS + "name", ["alice@example.com"]),
        (CLAIMS + "givenname", ["Alice"]),
        (CLAIMS + "surname", ["Example"]),
        ("http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
         [guid(f"group-{i}") for i in range(3)]),
    ] + ENTRA_ALWAYS[2:]


def response(profile, groups=20, asig=None, rsig=None, typed=False):
    """Entra-shaped samlp:Response.

    asig: Signature template placed right after the Assertion's Issuer (or None)
    rsig: Signature template placed right after the Response's Issuer (or None)
    typed: declare xs/xsi on the Response and type every AttributeValue
           xsi:type="xs:string" (InclusiveNamespaces case)
    """
    p = PROFILES[profile]
    irt = f' InResponseTo="{p["irt"]}"' if p["irt"] else ""
    ns = f' xmlns:xs="{NS_XS}" xmlns:xsi="{NS_XSI}"' if typed else ""
    vt = ' xsi:type="xs:string"' if typed else ""
    attrs = "".join(
        f'<Attribute Name="{name}">'
        + "".join(f"<AttributeValue{vt}>{v}</AttributeValue>" for v in values)
        + "</Attribute>"
        for name, values in attributes(profile, groups, typed))
    return (
        f'<samlp:Response xmlns:samlp="{NS_SAMLP}"{ns} ID="{RESPONSE_ID}" Version="2.0" '
        f'IssueInstant="{ISSUE_INSTANT}" Destination="{p["acs"]}"{irt}>'
        f'<Issuer xmlns="{NS_SAML}">{ISSUER}</Issuer>{rsig or ""}'
        f'<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>'
        f'<Assertion xmlns="{NS_SAML}" ID="{ASSERTION_ID}" IssueInstant="{ISSUE_INSTANT}" Version="2.0">'
        f"<Issuer>{ISSUER}</Issuer>{asig or ''}"
        f'<Subject><NameID Format="{p["nameid_format"]}">{p["nameid"]}</NameID>'
        f'<SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">'
        f'<SubjectConfirmationData{irt} NotOnOrAfter="{SCD_NOT_ON_OR_AFTER}" Recipient="{p["acs"]}"/>'
        f"</SubjectConfirmation></Subject>"
        f'<Conditions NotBefore="{NOT_BEFORE}" NotOnOrAfter="{NOT_ON_OR_AFTER}">'
        f'<AudienceRestriction><Audience>{p["audience"]}</Audience></AudienceRestriction></Conditions>'
        f"<AttributeStatement>{attrs}</AttributeStatement>"
        f'<AuthnStatement AuthnInstant="{AUTHN_INSTANT}" SessionIndex="{ASSERTION_ID}">'
        f"<AuthnContext><AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
        f"</AuthnContextClassRef></AuthnContext></AuthnStatement></Assertion></samlp:Response>\n")


A, R = ASSERTION_ID, RESPONSE_ID


def both(profile, **kw):
    return response(profile, asig=std_sig(A), rsig=std_sig(R), **kw)


def generic_alg(alg, digest="sha256"):
    return response("generic", asig=std_sig(A, alg=alg, digest=digest))


def generic_sig(sig):
    """generic.xml-shaped response, assertion-only signature `sig`."""
    return response("generic", asig=sig)


MANIFEST_ID = "manifest-1"

FIXTURES = {
    # --- responses/ ---------------------------------------------------------
    "responses/clientvpn": lambda: both("clientvpn", groups=20),
    "responses/clientvpn-200-groups": lambda: both("clientvpn", groups=200),
    # ~100 KB, for the benchmark's cost-per-KB line (over Client VPN's 200-group rule).
    "responses/large-1300-groups": lambda: both("clientvpn", groups=1300),
    "responses/clientvpn-assertion-only": lambda: response("clientvpn", asig=std_sig(A)),
    "responses/clientvpn-response-only": lambda: response("clientvpn", rsig=std_sig(R)),
    "responses/clientvpn-next-key": lambda: both("clientvpn"),
    "responses/clientvpn-attacker-key": lambda: both("clientvpn"),
    "responses/aws-console": lambda: response("aws-console", asig=std_sig(A)),
    "responses/generic": lambda: both("generic"),
    "responses/generic-rsa-sha384": lambda: generic_alg("rsa-sha384", "sha384"),
    "responses/generic-rsa-sha512": lambda: generic_alg("rsa-sha512", "sha512"),
    "responses/generic-rsa-sha1": lambda: generic_alg("rsa-sha1", "sha1"),
    "responses/generic-rsa-sha1-2048": lambda: generic_alg("rsa-sha1", "sha1"),
    "responses/generic-sha256-digest-sha1": lambda: generic_alg("rsa-sha256", "sha1"),
    "responses/generic-ecdsa-sha256": lambda: generic_alg("ecdsa-sha256"),
    "responses/generic-ecdsa-sha384": lambda: generic_alg("ecdsa-sha384", "sha384"),
    "responses/generic-rsa1024-sha256": lambda: generic_alg("rsa-sha256"),
    "responses/generic-rsa3072": lambda: generic_alg("rsa-sha256"),
    "responses/generic-inclusive-namespaces": lambda: response(
        "generic", typed=True,
        asig=signature([reference("#" + A, transforms=[transform(ENV), transform(EXC, "xs xsi")])],
                       c14n_prefixes="xs xsi")),
    "responses/generic-with-comments": lambda: generic_sig(
        signature([reference("#" + A)], c14n=EXC_WC)),
    # HMAC keyed with the DER bytes of idp.crt; KeyInfo (idp.crt) is added
    # after signing because xmlsec1 cannot write X509Data for an HMAC key.
    "responses/generic-hmac": lambda: generic_sig(
        signature([reference("#" + A)], alg="hmac-sha256", keyinfo=False)),

    # --- dsig/ (generic.xml-shaped, assertion-only signature) ---------------
    "dsig/two-references": lambda: generic_sig(
        signature([reference("#" + A), reference("#" + R)])),
    "dsig/reference-empty-uri": lambda: generic_sig(signature([reference("")])),
    "dsig/reference-not-parent": lambda: generic_sig(signature([reference("#" + R)])),
    # Signature is a child of the Response (where a Response signature sits)
    # but references the Assertion.
    "dsig/signature-not-child": lambda: response("generic", rsig=std_sig(A)),
    "dsig/xpath-transform": lambda: generic_sig(signature([reference("#" + A, transforms=[
        transform(ENV),
        f'<Transform Algorithm="{XPATH}"><XPath xmlns:saml="{NS_SAML}">'
        f"not(ancestor-or-self::saml:Subject)</XPath></Transform>",
        transform(EXC)])])),
    "dsig/no-enveloped-transform": lambda: generic_sig(
        signature([reference("#" + A, transforms=[transform(EXC)])])),
    "dsig/three-transforms": lambda: generic_sig(signature([reference(
        "#" + A, transforms=[transform(ENV), transform(EXC), transform(EXC)])])),
    "dsig/c14n10-transform": lambda: generic_sig(signature(
        [reference("#" + A, transforms=[transform(ENV), transform(C14N10)])], c14n=C14N10)),
    "dsig/c14n10-transform-only": lambda: generic_sig(signature(
        [reference("#" + A, transforms=[transform(ENV), transform(C14N10)])])),
    "dsig/c14n10-signedinfo-only": lambda: generic_sig(signature(
        [reference("#" + A)], c14n=C14N10)),
    "dsig/with-object": lambda: generic_sig(signature(
        [reference("#" + A)],
        extra='<Object Id="object-1"><Note xmlns="urn:example:note">unsigned payload</Note></Object>')),
    # SignedInfo has one Reference, of Type Manifest, to a ds:Manifest inside a
    # ds:Object; the Manifest references the Assertion.
    "dsig/with-manifest-reference": lambda: generic_sig(signature(
        [reference("#" + MANIFEST_ID, transforms=[transform(EXC)], type_attr=MANIFEST_TYPE)],
        extra=f'<Object><Manifest Id="{MANIFEST_ID}">{reference("#" + A)}</Manifest></Object>')),
    "dsig/retrieval-method": lambda: generic_sig(std_sig(A)),
    "dsig/keyinfo-attacker-cert": lambda: generic_sig(std_sig(A)),
    "dsig/no-keyinfo": lambda: generic_sig(std_sig(A, keyinfo=False)),
    "dsig/digest-value-comment": lambda: generic_sig(std_sig(A)),
    "dsig/signature-value-comment": lambda: generic_sig(std_sig(A)),
    "dsig/base64-whitespace": lambda: generic_sig(std_sig(A)),
    "dsig/duplicate-signedinfo": lambda: generic_sig(std_sig(A)),
    "dsig/tampered-assertion": lambda: generic_sig(std_sig(A)),
    "dsig/tampered-signedinfo": lambda: generic_sig(std_sig(A)),
}

# ---------------------------------------------------------------------------
# Metadata


def key_descriptor(cert_b64, use="signing"):
    u = f' use="{use}"' if use else ""
    return (f'<KeyDescriptor{u}><KeyInfo xmlns="{NS_DS}"><X509Data><X509Certificate>'
            f"{cert_b64}</X509Certificate></X509Data></KeyInfo></KeyDescriptor>")


def cert_b64(path):
    pem = open(path).read()
    m = re.search(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", pem, re.S)
    return "".join(m.group(1).split())


# IAM Identity Center's SP metadata, in the shape AWS hands it out (IAM
# Identity Center console > Settings > Identity source > service provider
# metadata). AWS's file also carries the SP's signing certificate in a
# KeyDescriptor; samlguard reads only the entity ID and the ACS, so the
# fixtures leave it out. One instance in eu-west-1 (the responses' SP), one
# other instance in us-west-2 (identity-center-sp-other), and two shapes
# samlguard refuses as configuration.
IDC_SP = {
    "identity-center-sp": ("https://eu-west-1.signin.aws.amazon.com/platform/saml/d-93677a1b2c",
                           PROFILES["identity-center"]["acs"]),
    "identity-center-sp-other": (
        "https://us-west-2.signin.aws.amazon.com/platform/saml/d-926712f0e3",
        "https://us-west-2.signin.aws.amazon.com/platform/saml/acs/9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b"),
}
HTTP_POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
HTTP_REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"


def sp_descriptor(acs_services):
    return (f'<md:SPSSODescriptor AuthnRequestsSigned="false" WantAssertionsSigned="true" '
            f'protocolSupportEnumeration="{NS_SAMLP}">'
            "<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>"
            + "".join(f'<md:AssertionConsumerService Binding="{b}" Location="{loc}" index="{i}"'
                      + (' isDefault="true"' if i == 0 else "") + "/>"
                      for i, (b, loc) in enumerate(acs_services))
            + "</md:SPSSODescriptor>")


def sp_metadata(name):
    entity, acs = IDC_SP.get(name, IDC_SP["identity-center-sp"])
    if name in IDC_SP:
        descriptors = sp_descriptor([(HTTP_POST, acs)])
    elif name == "sp-two-descriptors":
        descriptors = sp_descriptor([(HTTP_POST, acs)]) + sp_descriptor([(HTTP_POST, IDC_SP["identity-center-sp-other"][1])])
    elif name == "sp-no-post-acs":
        descriptors = sp_descriptor([(HTTP_REDIRECT, acs)])
    else:
        raise SystemExit(f"unknown SP metadata {name}")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<md:EntityDescriptor xmlns:md="{NS_MD}" entityID="{entity}">{descriptors}</md:EntityDescriptor>\n')


def metadata(name):
    if name in IDC_SP or name.startswith("sp-"):
        return sp_metadata(name)
    idp = cert_b64("keys/idp.crt")
    nxt = cert_b64("keys/idp-next.crt")
    signed = name == "entra" or name == "entra-tampered"
    # entra-large: the unsigned metadata with so many claim types offered
    # that it is over the 75,000 characters IAM Identity Center imports.
    large = name == "entra-large"
    if large:
        name = "entra-unsigned"
    sig = ""
    if signed:
        sig = std_sig(METADATA_ID)
    # The WS-Fed RoleDescriptor carries the same signing certs as the
    # IDPSSODescriptor in real Entra metadata. The negative variants leave them
    # out so that only the IDPSSODescriptor decides the verdict, except
    # roledescriptor-keys-only, which checks that WS-Fed keys are not used
    # for SAML.
    sts_keys = ""
    if name in ("entra", "entra-tampered", "entra-unsigned"):
        idp_keys = key_descriptor(nxt) + key_descriptor(idp)  # rollover: new key first
        sts_keys = idp_keys
    elif name == "roledescriptor-keys-only":
        idp_keys = ""
        sts_keys = key_descriptor(nxt) + key_descriptor(idp)
    elif name == "only-encryption-key":
        idp_keys = key_descriptor(idp, use="encryption")
    elif name == "no-use-attribute":
        idp_keys = key_descriptor(idp, use=None)
    elif name == "no-keys":
        idp_keys = ""
    else:
        raise SystemExit(f"unknown metadata {name}")
    fed = "http://docs.oasis-open.org/wsfed/federation/200706"
    wsa = "http://www.w3.org/2005/08/addressing"
    auth = "http://docs.oasis-open.org/wsfed/authorization/200706"
    claims = "".join(
        f'<auth:ClaimType xmlns:auth="{auth}" Uri="{uri}"><auth:DisplayName>{dn}</auth:DisplayName>'
        f"<auth:Description>{desc}</auth:Description></auth:ClaimType>"
        for uri, dn, desc in [
            (CLAIMS + "name", "Name", "The mutable display name of the user."),
            (CLAIMS + "givenname", "Given Name", "First name of the user."),
            (CLAIMS + "surname", "Surname", "Last name of the user."),
            ("http://schemas.microsoft.com/identity/claims/objectidentifier", "ObjectIdentifier",
             "Primary identifier for the user in the directory. Immutable, globally unique, non-reusable."),
            ("http://schemas.microsoft.com/ws/2008/06/identity/claims/groups", "Groups", "Groups of the user."),
        ] + ([(f"http://schemas.example.com/claims/extension{i:03d}", f"Extension attribute {i}",
               f"Directory extension attribute {i} synchronized from the on-premises directory.")
              for i in range(210)] if large else []))
    endpoint = lambda tag: (f'<fed:{tag}><wsa:EndpointReference xmlns:wsa="{wsa}"><wsa:Address>'
                            f"{LOGIN}/wsfed</wsa:Address></wsa:EndpointReference></fed:{tag}>")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<EntityDescriptor xmlns="{NS_MD}" ID="{METADATA_ID}" entityID="{ISSUER}">{sig}'
        f'<RoleDescriptor xmlns:xsi="{NS_XSI}" xmlns:fed="{fed}" xsi:type="fed:SecurityTokenServiceType" '
        f'protocolSupportEnumeration="{fed}">{sts_keys}'
        f"<fed:ClaimTypesOffered>{claims}</fed:ClaimTypesOffered>"
        f'{endpoint("SecurityTokenServiceEndpoint")}{endpoint("PassiveRequestorEndpoint")}</RoleDescriptor>'
        f'<IDPSSODescriptor protocolSupportEnumeration="{NS_SAMLP}">{idp_keys}'
        f'<SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{LOGIN}/saml2"/>'
        f'<SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{LOGIN}/saml2"/>'
        f'<SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="{LOGIN}/saml2"/>'
        f"</IDPSSODescriptor></EntityDescriptor>\n")


# ---------------------------------------------------------------------------
# Post-signing edits (textual, on xmlsec1's serialization)


def sub1(pattern, repl, text, flags=0):
    """re.sub that insists on exactly one match (edits must be unambiguous)."""
    new, n = re.subn(pattern, repl, text, count=0, flags=flags)
    if n != 1:
        raise SystemExit(f"edit: pattern {pattern!r} matched {n} times, expected 1")
    return new


def insert_mid(text_value, insert):
    mid = len(text_value) // 2
    return text_value[:mid] + insert + text_value[mid:]


def edit(op, doc):
    if op == "keyinfo-idp-cert":
        # HMAC case: xmlsec1 wrote no KeyInfo; add the IdP cert like Entra would.
        return sub1(r"(</SignatureValue>)",
                    r"\1<KeyInfo><X509Data><X509Certificate>" + cert_b64("keys/idp.crt")
                    + "</X509Certificate></X509Data></KeyInfo>", doc)
    if op == "keyinfo-attacker-cert":
        return sub1(r"<X509Certificate>[^<]*</X509Certificate>",
                    "<X509Certificate>" + cert_b64("keys/attacker.crt") + "</X509Certificate>", doc)
    if op == "retrieval-method":
        return sub1(r"<KeyInfo>.*?</KeyInfo>",
                    '<KeyInfo><RetrievalMethod URI="#idp-cert" '
                    'Type="http://www.w3.org/2000/09/xmldsig#rawX509Certificate"/></KeyInfo>',
                    doc, re.S)
    if op == "digest-value-comment":
        return sub1(r"<DigestValue>([^<]*)</DigestValue>",
                    lambda m: "<DigestValue>" + insert_mid(m.group(1), "<!--x-->") + "</DigestValue>", doc)
    if op == "signature-value-comment":
        return sub1(r"<SignatureValue>([^<]*)</SignatureValue>",
                    lambda m: "<SignatureValue>" + insert_mid(m.group(1), "<!--x-->") + "</SignatureValue>", doc)
    if op == "digest-value-whitespace":
        # Inside SignedInfo: generate.sh re-signs SignedInfo afterwards.
        def ws(m):
            v = m.group(1)
            return "<DigestValue>\n  " + v[:20] + "\n  " + v[20:] + " \n</DigestValue>"
        return sub1(r"<DigestValue>([^<]*)</DigestValue>", ws, doc)
    if op == "signature-value-whitespace":
        # Not covered by anything: CR (as a character reference, so git cannot
        # normalise it), LF, spaces and a tab between base64 chunks.
        def ws(m):
            v = m.group(1)
            chunks = [v[i:i + 76] for i in range(0, len(v), 76)]
            return "<SignatureValue>&#13;\n" + "&#13;\n ".join(chunks) + "\t&#13;\n</SignatureValue>"
        return sub1(r"<SignatureValue>([^<]*)</SignatureValue>", ws, doc)
    if op == "duplicate-signedinfo":
        m = re.search(r"<SignedInfo>.*?</SignedInfo>", doc, re.S)
        return doc[:m.end()] + m.group(0) + doc[m.end():]
    if op == "tamper-nameid":
        return sub1(r">alice@example\.com</NameID>", ">mallory@example.com</NameID>", doc)
    if op == "tamper-signature-value":
        def flip(m):
            v = m.group(1)
            i = len(v) // 2
            c = "B" if v[i] != "B" else "C"
            return "<SignatureValue>" + v[:i] + c + v[i + 1:] + "</SignatureValue>"
        return sub1(r"<SignatureValue>([^<]*)</SignatureValue>", flip, doc)
    if op == "tamper-first-signature-value":
        # Sanity check only: the first SignatureValue in document order.
        m = re.search(r"<SignatureValue>([^<]*)</SignatureValue>", doc)
        v = m.group(1)
        c = "B" if v[10] != "B" else "C"
        return doc[:m.start(1) + 10] + c + doc[m.start(1) + 11:]
    if op == "tamper-entityid":
        return sub1(r'entityID="https://sts\.windows\.net/6f2a1c1e-',
                    'entityID="https://sts.windows.net/6f2a1c1f-', doc)
    raise SystemExit(f"unknown edit {op}")


def tidy(doc):
    """One-line base64 in SignatureValue and X509Certificate (never DigestValue:
    that one is inside SignedInfo and already signed)."""
    def join(m):
        return m.group(1) + "".join(m.group(2).split()) + m.group(3)
    doc = re.sub(r"(<(?:SignatureValue|X509Certificate)>)([^<]*)(</(?:SignatureValue|X509Certificate)>)",
                 join, doc)
    # xmlsec1 also puts line breaks around the X509Certificate it writes.
    doc = re.sub(r"<X509Data>\s+<X509Certificate>", "<X509Data><X509Certificate>", doc)
    return re.sub(r"</X509Certificate>\s+</X509Data>", "</X509Certificate></X509Data>", doc)


# ---------------------------------------------------------------------------


def read(path):
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def write(path, text):
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "template":
        name = argv[2]
        if name.startswith("metadata/"):
            sys.stdout.write(metadata(name.split("/", 1)[1]))
        elif name in FIXTURES:
            sys.stdout.write(FIXTURES[name]())
        else:
            import suite
            sys.stdout.write(suite.BY_NAME[name].template())
    elif cmd == "list":
        print("\n".join(FIXTURES))
    elif cmd == "tidy":
        write(argv[2], tidy(read(argv[2])))
    elif cmd == "finalize":
        write(argv[2], re.sub(r"\A<\?xml[^>]*\?>\n", "", read(argv[2])))
    elif cmd == "edit":
        write(argv[3], edit(argv[2], read(argv[3])))
    elif cmd == "signedinfo":
        doc = read(argv[2])
        sis = re.findall(r"<SignedInfo>.*?</SignedInfo>", doc, re.S)
        if len(sis) != 1:
            raise SystemExit("signedinfo: expected exactly one SignedInfo")
        # Exclusive c14n of SignedInfo in context renders only the visibly used
        # default namespace, so a standalone copy with it declared is equivalent.
        sys.stdout.write(sis[0].replace("<SignedInfo>", f'<SignedInfo xmlns="{NS_DS}">', 1))
    elif cmd == "set-sigvalue":
        doc = read(argv[2])
        sig = base64.b64encode(open(argv[3], "rb").read()).decode()
        write(argv[2], sub1(r"<SignatureValue>[^<]*</SignatureValue>",
                            f"<SignatureValue>{sig}</SignatureValue>", doc))
    elif cmd in ("plan", "manifest"):
        import suite
        sys.stdout.write(suite.plan() if cmd == "plan" else suite.manifest())
    elif cmd == "post":
        import suite
        suite.post(argv[2], argv[3])
    elif cmd == "same-except-sigvalue":
        # Exit 0 when two files differ at most inside SignatureValue (ECDSA
        # signatures are randomised; generate.sh keeps the committed one).
        blank = lambda t: re.sub(r"<SignatureValue>[^<]*</SignatureValue>", "<SignatureValue/>", t)
        return 0 if blank(read(argv[2])) == blank(read(argv[3])) else 1
    elif cmd == "cases-json":
        cases = []
        for line in read(argv[2]).splitlines():
            file, rule, xmlsec, expect = line.split("\t")
            cases.append({"file": file, "rule": rule, "xmlsec1": xmlsec, "expect": expect})
        sys.stdout.write(json.dumps(cases, indent=2) + "\n")
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
