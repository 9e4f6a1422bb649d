#!/usr/bin/env python3
"""Operator fixtures for testdata/generate-captures.sh (stdlib only).

Wraps the signed responses of responses/ (made by generate.sh, signed by
xmlsec1) into what operators actually have when a login fails: browser HAR
exports, SAML-tracer exports and copied form values. Nothing here signs; the
responses inside are byte-for-byte the committed fixtures.

Subcommands (paths relative to testdata/):
  stale-metadata    print the template of metadata/entra-stale.xml: entra.xml
                    as it was before the IdP rolled to idp-next (only idp.crt),
                    with a Signature template for xmlsec1 (metadata-signer)
  captures          write captures/*.har, captures/*.json, captures/*.txt
"""

import base64
import hashlib
import json
import os
import sys
import urllib.parse
import zlib

import gen

TENANT = gen.TENANT
LOGIN = gen.LOGIN
VPN_ACS = "http://127.0.0.1:35001/"
CONSOLE_ACS = "https://signin.aws.amazon.com/saml"
VPN_REQUEST = "id-4c1f6b2a9e8d4f0b8a7c6d5e4f3a2b1c"
RELAY_STATE = "eyJlbmRwb2ludCI6ImN2cG4tZW5kcG9pbnQtMGIxYzJkM2U0ZjVhNmI3YzgifQ"
UA = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/131.0.0.0 Safari/537.36")


def stale_metadata():
    """entra.xml before the rollover: idp-next.crt is not listed yet."""
    nxt = gen.key_descriptor(gen.cert_b64("keys/idp-next.crt"))
    doc = gen.metadata("entra")
    assert doc.count(nxt) == 2, "entra.xml lists idp-next in RoleDescriptor and IDPSSODescriptor"
    return doc.replace(nxt, "")


def form_encode(text):
    """As browsers encode form values: unreserved characters kept, space as +."""
    return urllib.parse.quote_plus(text, safe="-._~")


def response_b64(name):
    with open(f"responses/{name}.xml", "rb") as f:
        return base64.b64encode(f.read()).decode()


def response_xml(name):
    with open(f"responses/{name}.xml", encoding="utf-8", newline="") as f:
        return f.read()


def authn_request():
    xml = (f'<samlp:AuthnRequest xmlns:samlp="{gen.NS_SAMLP}" xmlns:saml="{gen.NS_SAML}" '
           f'ID="{VPN_REQUEST}" Version="2.0" IssueInstant="2026-01-15T09:59:50Z" '
           f'Destination="{LOGIN}/saml2" AssertionConsumerServiceURL="http://127.0.0.1:35001" '
           f'ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST">'
           f"<saml:Issuer>urn:amazon:webservices:clientvpn</saml:Issuer>"
           f'<samlp:NameIDPolicy Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"/>'
           f"</samlp:AuthnRequest>")
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    encoded = base64.b64encode(deflate.compress(xml.encode()) + deflate.flush()).decode()
    return xml, encoded


# ---------------------------------------------------------------------------
# HAR 1.2 (as Chrome's and Firefox's network panels export it)


def headers(pairs):
    return [{"name": n, "value": v} for n, v in pairs]


def har_entry(time, method, url, status, mime, body=None, size=0, params=None, firefox=False):
    parsed = urllib.parse.urlsplit(url)
    query = [{"name": n, "value": v} for n, v in urllib.parse.parse_qsl(parsed.query, keep_blank_values=True)]
    request = {
        "method": method,
        "url": url,
        "httpVersion": "HTTP/1.1" if parsed.scheme == "http" else "h2",
        "headers": headers([("Host", parsed.netloc), ("User-Agent", UA), ("Accept-Language", "en-US,en;q=0.9")]),
        "queryString": query,
        "cookies": [],
        "headersSize": -1,
        "bodySize": len(body) if body else 0,
    }
    if body is not None:
        form = body.startswith(("SAMLResponse=", "login=", "LoginOptions="))
        post = {"mimeType": "application/x-www-form-urlencoded" if form else "application/json", "text": body}
        if form:
            pairs = [p.split("=", 1) for p in body.split("&")]
            decode = (lambda v: urllib.parse.unquote_plus(v)) if firefox else (lambda v: v)
            post["params"] = [{"name": n, "value": decode(v)} for n, v in pairs]
        request["postData"] = post
    return {
        "startedDateTime": time,
        "time": 120.5,
        "request": request,
        "response": {
            "status": status,
            "statusText": "OK" if status == 200 else ("Found" if status == 302 else "Not Found"),
            "httpVersion": request["httpVersion"],
            "headers": headers([("Content-Type", mime)]),
            "cookies": [],
            "content": {"size": size, "mimeType": mime},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": size,
        },
        "cache": {},
        "timings": {"blocked": 1.2, "dns": -1, "ssl": -1, "connect": -1, "send": 0.1, "wait": 110.3,
                    "receive": 8.9},
        "serverIPAddress": "127.0.0.1" if parsed.hostname == "127.0.0.1" else "20.190.151.7",
        "_resourceType": "document" if mime == "text/html" else "other",
    }


def har(entries, creator):
    return {"log": {"version": "1.2", "creator": creator, "pages": [], "entries": entries}}


def acs_body(name):
    return f"SAMLResponse={form_encode(response_b64(name))}&RelayState={RELAY_STATE}"


def clientvpn_signin_har(response="clientvpn"):
    _, request = authn_request()
    signin = f"{LOGIN}/saml2?SAMLRequest={form_encode(request)}&RelayState={RELAY_STATE}"
    return har([
        har_entry("2026-01-15T09:59:50.512Z", "GET", signin, 200, "text/html", size=48231),
        har_entry("2026-01-15T09:59:50.904Z", "GET",
                  "https://aadcdn.msftauth.net/shared/1.0/content/js/ConvergedLogin_PCore_x8Yc.js", 200,
                  "application/javascript", size=187342),
        har_entry("2026-01-15T09:59:53.117Z", "POST",
                  "https://login.microsoftonline.com/common/GetCredentialType?mkt=en-US", 200, "application/json",
                  body='{"username":"alice@example.com","isOtherIdpSupported":true}', size=1022),
        har_entry("2026-01-15T09:59:57.630Z", "POST", f"{LOGIN}/login", 200, "text/html",
                  body="login=alice%40example.com&loginfmt=alice%40example.com&passwd=%2A%2A%2A%2A&type=11",
                  size=9812),
        har_entry("2026-01-15T09:59:59.301Z", "POST", "https://login.microsoftonline.com/kmsi", 200, "text/html",
                  body="LoginOptions=1&type=28&ctx=rQQIARAAhZG9a9tAGMZ9", size=6120),
        har_entry("2026-01-15T10:00:00.418Z", "POST", VPN_ACS, 200, "text/html", body=acs_body(response),
                  size=97),
        har_entry("2026-01-15T10:00:00.733Z", "GET", VPN_ACS + "favicon.ico", 404, "text/plain", size=19),
    ], {"name": "WebInspector", "version": "537.36"})


def two_signins_har():
    """An AWS console sign-in, then a Client VPN one: two SAMLResponse POSTs
    (Firefox style: local times with an offset, decoded params)."""
    return har([
        har_entry("2026-01-15T10:59:58.020+01:00", "GET", f"{LOGIN}/saml2?SAMLRequest=fZJBb4IwGIb", 200,
                  "text/html", size=48231, firefox=True),
        har_entry("2026-01-15T11:00:01.250+01:00", "POST", CONSOLE_ACS, 302, "text/html",
                  body=f"SAMLResponse={form_encode(response_b64('aws-console'))}", size=0, firefox=True),
        har_entry("2026-01-15T11:00:01.700+01:00", "GET", "https://console.aws.amazon.com/console/home", 200,
                  "text/html", size=30411, firefox=True),
        har_entry("2026-01-15T11:00:04.915+01:00", "POST", VPN_ACS, 200, "text/html",
                  body=acs_body("clientvpn"), size=97, firefox=True),
    ], {"name": "Firefox", "version": "133.0"})


# ---------------------------------------------------------------------------
# SAML-tracer export (its Export button: {"requests": [...], "timestamp": ...};
# each request as SAMLTrace.Request serializes: method, url, requestId,
# requestHeaders, get or post as [name, value] pairs with values URL-decoded,
# protocol, saml = the decoded message, and the response status and headers)


def tracer_request(n, method, url, status, get=None, post=None, saml=None, protocol=None):
    request = {
        "method": method,
        "url": url,
        "requestId": f"request-{4100 + n}-{hashlib.sha256(url.encode()).hexdigest()}",
        "requestHeaders": headers([("Host", urllib.parse.urlsplit(url).netloc), ("User-Agent", UA)]),
    }
    if get is not None:
        request["get"] = get
    if post is not None:
        request["post"] = post
        request["postData"] = {name: [value] for name, value in post}
    if protocol:
        request["protocol"] = protocol
    if saml is not None:
        request["saml"] = saml
    request["responseStatus"] = status
    request["responseStatusText"] = f"HTTP/1.1 {status} {'OK' if status == 200 else 'Found'}"
    request["responseHeaders"] = headers([("Content-Type", "text/html; charset=utf-8")])
    return request


def hashed(post):
    return [[name, "{hash:" + hashlib.sha256(value.encode()).hexdigest() + "}"] for name, value in post]


def clientvpn_tracer(filtered=False):
    request_xml, request = authn_request()
    get = [["SAMLRequest", request], ["RelayState", RELAY_STATE]]
    login = [["login", "alice@example.com"], ["passwd", "****"], ["type", "11"]]
    acs = [["SAMLResponse", response_b64("clientvpn")], ["RelayState", RELAY_STATE]]
    requests = [
        tracer_request(1, "GET", f"{LOGIN}/saml2?SAMLRequest={form_encode(request)}&RelayState={RELAY_STATE}",
                       200, get=get, saml=request_xml, protocol="SAML-P"),
        tracer_request(2, "POST", f"{LOGIN}/login", 200, post=hashed(login) if filtered else login),
        tracer_request(3, "POST", VPN_ACS, 200, post=hashed(acs) if filtered else acs,
                       saml=response_xml("clientvpn"), protocol="SAML-P"),
    ]
    if filtered:
        for r in requests:
            if "postData" in r:
                r["postData"] = "{overwritten}"
    return {"requests": requests, "timestamp": "2026-01-15T10:00:31.207Z"}


# ---------------------------------------------------------------------------


def write_json(path, value):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        json.dump(value, f, indent=2, ensure_ascii=False)
        f.write("\n")


def write_text(path, text):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def captures():
    os.makedirs("captures", exist_ok=True)
    write_json("captures/clientvpn-signin.har", clientvpn_signin_har())
    # The same sign-in after the IdP rolled its key (responses/clientvpn-next-key.xml).
    write_json("captures/clientvpn-rollover-signin.har", clientvpn_signin_har("clientvpn-next-key"))
    write_json("captures/two-signins.har", two_signins_har())
    write_json("captures/clientvpn-signin.saml-tracer.json", clientvpn_tracer())
    write_json("captures/clientvpn-signin.saml-tracer-hashed.json", clientvpn_tracer(filtered=True))
    encoded = form_encode(response_b64("clientvpn"))
    # As copied from the page source or a proxy log: the value only.
    write_text("captures/clientvpn.urlencoded.txt", encoded + "\n")
    # As copied from a request body: with the field name.
    write_text("captures/clientvpn.form-value.txt", f"SAMLResponse={encoded}\n")
    # As a browser's form view shows it: decoded, raw base64 after the name.
    b64 = response_b64("aws-console")
    assert "+" in b64, "the decoded-value fixture needs a '+' to be told from a form value"
    write_text("captures/aws-console.decoded-value.txt", f"SAMLResponse={b64}\n")


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "stale-metadata":
        sys.stdout.write(stale_metadata())
    elif cmd == "captures":
        captures()
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
