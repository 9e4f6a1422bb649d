#!/usr/bin/env bash
# Regenerates every signed fixture under testdata/ (metadata/, responses/,
# dsig/ and dsig/cases.json, policy/, attacks/ and cases.json) from the
# committed test keys in testdata/keys/ and the templates in testdata/gen.py
# and testdata/suite.py.
#
#   bash testdata/generate.sh suites   # only policy/, attacks/, cases.json
#
#   Run from the repository root:   bash testdata/generate.sh
#   Needs: xmlsec1 (1.2.x, OpenSSL backend), openssl, python3 (stdlib), xmllint.
#
# Why this way:
#   * Fixtures are signed by an independent implementation, the xmlsec1 CLI,
#     never by samlguard itself; the Rust tests only read the outputs and never
#     need xmlsec1. (One case, dsig/base64-whitespace.xml, needs a SignedInfo
#     that xmlsec1 cannot write; its SignatureValue is made with xmllint
#     --exc-c14n + openssl and then checked by xmlsec1.)
#   * Keys in testdata/keys/ are made only when missing, and every template has
#     fixed IDs and instants, so re-running reproduces byte-identical RSA
#     outputs (PKCS#1 v1.5 is deterministic). ECDSA signatures are randomised,
#     so the two ECDSA fixtures change on every run; that is expected.
#   * Every output is verified with xmlsec1 against the pinned certificate,
#     and the script fails if any result differs from what is recorded here
#     (a "valid" fixture that does not verify, or a tampered one that does).
#   * The fixed clock for tests is 2026-01-15T10:01:00Z (inside every window).
set -euo pipefail

TD="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$TD"   # gen.py and all paths below are relative to testdata/

for tool in xmlsec1 openssl python3 xmllint; do
  command -v "$tool" >/dev/null || { echo "generate.sh: $tool not found" >&2; exit 1; }
done

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

NS_SAMLP="urn:oasis:names:tc:SAML:2.0:protocol"
NS_SAML="urn:oasis:names:tc:SAML:2.0:assertion"
NS_MD="urn:oasis:names:tc:SAML:2.0:metadata"
DS="namespace-uri()='http://www.w3.org/2000/09/xmldsig#'"
# ID attributes xmlsec1 must know about (there is no DTD/schema).
ID_ATTRS=(--id-attr:ID "$NS_SAML:Assertion" --id-attr:ID "$NS_SAMLP:Response"
          --id-attr:ID "$NS_MD:EntityDescriptor"
          --id-attr:Id "http://www.w3.org/2000/09/xmldsig#:Manifest")
# The ds:Signature children of the Assertion / Response / EntityDescriptor.
# local-name() because --node-xpath has no namespace prefix registration.
XP_ASSERTION="/*[local-name()='Response']/*[local-name()='Assertion']/*[local-name()='Signature' and $DS]"
XP_RESPONSE="/*[local-name()='Response']/*[local-name()='Signature' and $DS]"
XP_METADATA="/*[local-name()='EntityDescriptor']/*[local-name()='Signature' and $DS]"

# ---------------------------------------------------------------------------
# Keys (generated once; committed; test keys only)

# shellcheck source=self-signed.sh
source "$TD/self-signed.sh"

# make_key NAME KEYSPEC CN SERIAL
#   KEYSPEC: rsa:BITS or ec:CURVE; the certificate from self-signed.sh.
make_key() {
  local name="$1" spec="$2" cn="$3" serial="$4"
  [[ -f keys/$name.key && -f keys/$name.crt ]] && return 0
  echo "generating keys/$name.{key,crt}"
  case "$spec" in
    rsa:*) openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:${spec#rsa:}" -out "keys/$name.key" 2>/dev/null ;;
    ec:*)  openssl genpkey -algorithm EC -pkeyopt "ec_paramgen_curve:${spec#ec:}" -out "keys/$name.key" ;;
  esac
  self_signed "keys/$name.key" "$cn" "$serial" digitalSignature "keys/$name.crt" "$WORK/ca-$name"
}

make_keys() {
  mkdir -p keys
  make_key idp             rsa:2048     "samlguard test IdP current"          1001
  make_key idp-next        rsa:2048     "samlguard test IdP next (rollover)"  1002
  make_key attacker        rsa:2048     "samlguard test attacker"             1003
  make_key legacy1024      rsa:1024     "samlguard test IdP legacy RSA-1024"  1004
  make_key ec-p256         ec:P-256     "samlguard test IdP ECDSA P-256"      1005
  make_key rsa3072         rsa:3072     "samlguard test IdP RSA-3072"         1006
  make_key metadata-signer rsa:2048     "samlguard test metadata signer"      1007
  # HMAC key for the algorithm-confusion fixture: the DER bytes of the public
  # IdP certificate, i.e. something every attacker knows.
  openssl x509 -in keys/idp.crt -outform DER -out "$WORK/idp.crt.der"
}

# ---------------------------------------------------------------------------
# Signing and verifying with xmlsec1

# sign FILE XPATH KEY   -- fill the ds:Signature template selected by XPATH,
#   in place, with keys/KEY.key (+ cert for KeyInfo/X509Data), then put its
#   SignatureValue/X509Certificate on one line. Tidying is safe because those
#   two are outside this signature's SignedInfo and not yet inside any other
#   signed element (inner signatures are always signed first).
sign() {
  local file="$1" xp="$2" key="$3"
  local keyargs=(--privkey-pem "keys/$key.key,keys/$key.crt")
  [[ $key == hmac ]] && keyargs=(--hmackey "$WORK/idp.crt.der")
  [[ $key == hmac-pem ]] && keyargs=(--hmackey keys/idp.crt)
  xmlsec1 --sign "${keyargs[@]}" "${ID_ATTRS[@]}" --node-xpath "$xp" \
    --output "$file.signed" "$file" 2>"$WORK/xmlsec.err" || {
      cat "$WORK/xmlsec.err" >&2; echo "generate.sh: signing $file failed" >&2; exit 1; }
  mv "$file.signed" "$file"
  python3 gen.py tidy "$file"
}

# xmlsec_verify FILE XPATH CERT  -> prints OK or FAIL
#   KeyInfo is ignored: only the pinned cert (raw-x509-cert) is enabled, so
#   xmlsec1 uses the key from --pubkey-cert-pem, like samlguard does.
xmlsec_verify() {
  local file="$1" xp="$2" cert="$3" keyargs
  if [[ $cert == hmac ]]; then
    keyargs=(--hmackey "$WORK/idp.crt.der" --enabled-key-data hmac)
  elif [[ $cert == hmac-pem ]]; then
    keyargs=(--hmackey keys/idp.crt --enabled-key-data hmac)
  else
    keyargs=(--pubkey-cert-pem "keys/$cert.crt" --enabled-key-data raw-x509-cert)
  fi
  if xmlsec1 --verify "${keyargs[@]}" "${ID_ATTRS[@]}" --node-xpath "$xp" \
       "$file" >"$WORK/verify.out" 2>&1; then
    echo OK
  else
    echo FAIL
  fi
}

# check FILE XPATH CERT EXPECTED   -- fail the script on an unexpected result.
check() {
  local got
  got="$(xmlsec_verify "$1" "$2" "$3")"
  if [[ $got != "$4" && -n ${GEN_REPORT_ONLY:-} ]]; then
    echo "MISMATCH $1 $(basename "$3") got=$got recorded=$4 xpath=$2" >&2
  elif [[ $got != "$4" ]]; then
    echo "generate.sh: $1: xmlsec1 says $got for $2 with $3, expected $4" >&2
    cat "$WORK/verify.out" >&2
    exit 1
  fi
  printf '  %-45s %-9s %s\n' "$1" "$(basename "$3")" "$got"
}

# count FILE XPATH  -> number of nodes
count() { xmllint --xpath "count($2)" "$1"; }

# build NAME KEY  -- template -> signed testdata/NAME.xml, inner signature
#   first. Echoes nothing; signatures present are discovered from the template.
build() {
  local name="$1" key="$2" out="$1.xml"
  python3 gen.py template "$name" >"$out"
  [[ $(count "$out" "$XP_ASSERTION") == 1 ]] && sign "$out" "$XP_ASSERTION" "$key"
  [[ $(count "$out" "$XP_RESPONSE") == 1 ]] && sign "$out" "$XP_RESPONSE" "$key"
  python3 gen.py finalize "$out"
}

# response NAME KEY [CERT]  -- build and verify every signature with CERT
#   (default: the signing key's cert); all must be valid.
response() {
  local name="$1" key="$2" cert="${3:-$2}" out="$1.xml" keep=""
  # ECDSA signatures are randomised: keep the committed file when the new one
  # differs from it only inside SignatureValue and it still verifies.
  if [[ $key == ec-* && -f $out ]]; then keep="$WORK/keep.xml"; cp "$out" "$keep"; fi
  build "$name" "$key"
  if [[ -n $keep ]] && python3 gen.py same-except-sigvalue "$keep" "$out" \
       && [[ $(xmlsec_verify "$keep" "$XP_ASSERTION" "$cert") == OK ]]; then
    cp "$keep" "$out"
  fi
  [[ $(count "$out" "$XP_ASSERTION") == 1 ]] && check "$out" "$XP_ASSERTION" "$cert" OK
  [[ $(count "$out" "$XP_RESPONSE") == 1 ]] && check "$out" "$XP_RESPONSE" "$cert" OK
  return 0
}

# ---------------------------------------------------------------------------
# Metadata

metadata() {
  echo "metadata/"
  mkdir -p metadata
  local m
  for m in entra entra-unsigned only-encryption-key no-use-attribute no-keys roledescriptor-keys-only; do
    python3 gen.py template "metadata/$m" >"metadata/$m.xml"
  done
  sign metadata/entra.xml "$XP_METADATA" metadata-signer
  check metadata/entra.xml "$XP_METADATA" metadata-signer OK
  # Tampered: a valid signature, then one entityID character changed.
  cp metadata/entra.xml metadata/entra-tampered.xml
  python3 gen.py edit tamper-entityid metadata/entra-tampered.xml
  check metadata/entra-tampered.xml "$XP_METADATA" metadata-signer FAIL
  for m in entra-unsigned only-encryption-key no-use-attribute no-keys roledescriptor-keys-only; do
    xmllint --noout "metadata/$m.xml"
    [[ $(count "metadata/$m.xml" "$XP_METADATA") == 0 ]]
    printf '  %-45s unsigned\n' "metadata/$m.xml"
  done
}

# ---------------------------------------------------------------------------
# Responses

responses() {
  echo "responses/"
  mkdir -p responses
  response responses/clientvpn                    idp
  response responses/clientvpn-200-groups         idp
  response responses/large-1300-groups            idp
  response responses/clientvpn-assertion-only     idp
  response responses/clientvpn-response-only      idp
  response responses/clientvpn-next-key           idp-next
  response responses/clientvpn-attacker-key       attacker
  # ...and it must not verify with the pinned IdP cert:
  check responses/clientvpn-attacker-key.xml "$XP_ASSERTION" idp FAIL
  check responses/clientvpn-attacker-key.xml "$XP_RESPONSE" idp FAIL
  response responses/aws-console                  idp
  response responses/generic                      idp
  response responses/generic-rsa-sha384           idp
  response responses/generic-rsa-sha512           idp
  response responses/generic-rsa-sha1             legacy1024
  response responses/generic-rsa-sha1-2048        idp
  response responses/generic-sha256-digest-sha1   idp
  response responses/generic-ecdsa-sha256         ec-p256
  response responses/generic-ecdsa-sha384         ec-p256
  response responses/generic-rsa1024-sha256       legacy1024
  response responses/generic-rsa3072              rsa3072
  response responses/generic-inclusive-namespaces idp
  response responses/generic-with-comments        idp
  # HMAC-SHA256 keyed with DER(idp.crt), KeyInfo carrying idp.crt: what an
  # attacker can forge if a verifier lets the algorithm pick the key type.
  build responses/generic-hmac hmac
  python3 gen.py edit keyinfo-idp-cert responses/generic-hmac.xml
  check responses/generic-hmac.xml "$XP_ASSERTION" hmac OK
}

# ---------------------------------------------------------------------------
# dsig/ signature-profile cases. Each row: file, rule, xmlsec1 result
# (asserted), samlguard's expected verdict. Rows go to dsig/cases.json.

CASES="$WORK/cases.tsv"
: >"$CASES"

# case NAME XPATH CERT XMLSEC_EXPECTED EXPECT RULE
case_row() {
  local name="$1" xp="$2" cert="$3" xs="$4" expect="$5" rule="$6"
  python3 gen.py finalize "$name.xml"
  check "$name.xml" "$xp" "$cert" "$xs"
  printf '%s\t%s\t%s\t%s\n' "${name#dsig/}.xml" "$rule" "$xs" "$expect" >>"$CASES"
}

# resign_signedinfo FILE KEY -- after editing SignedInfo (which xmlsec1 cannot
#   be told to keep), recompute SignatureValue: exc-c14n by xmllint, RSA-SHA256
#   by openssl. xmlsec1 then verifies the result like every other case.
resign_signedinfo() {
  local file="$1" key="$2"
  python3 gen.py signedinfo "$file" >"$WORK/si.xml"
  xmllint --exc-c14n "$WORK/si.xml" >"$WORK/si.c14n"
  openssl dgst -sha256 -sign "keys/$key.key" -out "$WORK/si.sig" "$WORK/si.c14n"
  python3 gen.py set-sigvalue "$file" "$WORK/si.sig"
}

dsig() {
  echo "dsig/"
  mkdir -p dsig
  local A="$XP_ASSERTION" n

  build dsig/two-references idp
  case_row dsig/two-references "$A" idp OK reference_count \
    "SignedInfo has two References (#Assertion and #Response)"

  build dsig/reference-empty-uri idp
  case_row dsig/reference-empty-uri "$A" idp OK reference_uri \
    "Reference URI=\"\" (whole document) instead of #<Assertion ID>"

  build dsig/reference-not-parent idp
  case_row dsig/reference-not-parent "$A" idp OK reference_uri \
    "Signature inside the Assertion references the Response (#R), not its parent"

  build dsig/signature-not-child idp
  case_row dsig/signature-not-child "$XP_RESPONSE" idp OK reference_uri \
    "Signature is a child of the Response but references the Assertion (#A)"

  build dsig/xpath-transform idp
  case_row dsig/xpath-transform "$A" idp OK transforms \
    "extra XPath transform not(ancestor-or-self::saml:Subject) between enveloped and exc-c14n"

  build dsig/no-enveloped-transform idp
  case_row dsig/no-enveloped-transform "$A" idp FAIL transforms \
    "only exc-c14n, no enveloped-signature transform (digest covered the empty template)"

  build dsig/three-transforms idp
  case_row dsig/three-transforms "$A" idp OK transforms \
    "transforms enveloped, exc-c14n, exc-c14n"

  build dsig/c14n10-transform idp
  case_row dsig/c14n10-transform "$A" idp OK canonicalization_method \
    "inclusive C14N 1.0 as CanonicalizationMethod and as the second Transform"

  build dsig/c14n10-transform-only idp
  case_row dsig/c14n10-transform-only "$A" idp OK transforms \
    "inclusive C14N 1.0 as the second Transform (CanonicalizationMethod is exc-c14n)"

  build dsig/c14n10-signedinfo-only idp
  case_row dsig/c14n10-signedinfo-only "$A" idp OK canonicalization_method \
    "inclusive C14N 1.0 as CanonicalizationMethod (Transforms are standard)"

  build dsig/with-object idp
  case_row dsig/with-object "$A" idp OK forbidden_element \
    "ds:Object (unsigned content) inside the Signature"

  build dsig/with-manifest-reference idp
  case_row dsig/with-manifest-reference "$A" idp OK forbidden_element \
    "single Reference Type=Manifest to a ds:Manifest in a ds:Object that references the Assertion"

  build dsig/retrieval-method idp
  python3 gen.py edit retrieval-method dsig/retrieval-method.xml
  case_row dsig/retrieval-method "$A" idp OK forbidden_element \
    "KeyInfo holds a ds:RetrievalMethod (instead of X509Data)"

  build dsig/keyinfo-attacker-cert idp
  python3 gen.py edit keyinfo-attacker-cert dsig/keyinfo-attacker-cert.xml
  case_row dsig/keyinfo-attacker-cert "$A" idp OK valid \
    "signed by idp.key but KeyInfo carries attacker.crt: KeyInfo is only a hint, pinned idp.crt verifies"

  build dsig/no-keyinfo idp
  case_row dsig/no-keyinfo "$A" idp OK valid \
    "no KeyInfo at all; pinned key verifies"

  build dsig/digest-value-comment idp
  python3 gen.py edit digest-value-comment dsig/digest-value-comment.xml
  case_row dsig/digest-value-comment "$A" idp OK crypto_text \
    "comment inside DigestValue text (c14n without comments drops it)"

  build dsig/signature-value-comment idp
  python3 gen.py edit signature-value-comment dsig/signature-value-comment.xml
  case_row dsig/signature-value-comment "$A" idp OK crypto_text \
    "comment inside SignatureValue text"

  build dsig/base64-whitespace idp
  python3 gen.py edit digest-value-whitespace dsig/base64-whitespace.xml
  resign_signedinfo dsig/base64-whitespace.xml idp
  python3 gen.py edit signature-value-whitespace dsig/base64-whitespace.xml
  case_row dsig/base64-whitespace "$A" idp OK valid \
    "DigestValue (signed with the whitespace) and SignatureValue broken over lines with spaces, tab, CR"

  build dsig/duplicate-signedinfo idp
  python3 gen.py edit duplicate-signedinfo dsig/duplicate-signedinfo.xml
  case_row dsig/duplicate-signedinfo "$A" idp FAIL malformed_signature \
    "a second copy of SignedInfo right after the first"

  build dsig/tampered-assertion idp
  python3 gen.py edit tamper-nameid dsig/tampered-assertion.xml
  case_row dsig/tampered-assertion "$A" idp FAIL digest_mismatch \
    "NameID changed after signing"

  build dsig/tampered-signedinfo idp
  python3 gen.py edit tamper-signature-value dsig/tampered-signedinfo.xml
  case_row dsig/tampered-signedinfo "$A" idp FAIL signature_invalid \
    "one base64 character of SignatureValue changed after signing"

  python3 gen.py cases-json "$CASES" >dsig/cases.json
}

# ---------------------------------------------------------------------------
# Sanity checks on the checker itself: a pinned key that did not sign must
# fail, KeyInfo must not be used, and --node-xpath must pick the signature we
# ask for (not just the first one in the document).

sanity() {
  echo "sanity checks of the xmlsec1 verification setup"
  check responses/generic.xml "$XP_ASSERTION" idp-next FAIL
  check dsig/keyinfo-attacker-cert.xml "$XP_ASSERTION" attacker FAIL
  local t="$WORK/clientvpn-response-sig-tampered.xml"
  cp responses/clientvpn.xml "$t"
  python3 gen.py edit tamper-first-signature-value "$t"   # the Response's
  check "$t" "$XP_ASSERTION" idp OK
  check "$t" "$XP_RESPONSE" idp FAIL
}

# ---------------------------------------------------------------------------
# policy/ and attacks/ (suite.py): run the plan from `gen.py plan`:
#   case NAME PATH | sign XPATH KEY | finalize | post | check XPATH CERT OK|FAIL
# then write cases.json. A check whose xmlsec1 result differs from the one
# recorded in suite.py fails the script.

suites() {
  # Configuration the IAM Identity Center cases read (unsigned, like the
  # files AWS hands out): its SP metadata, another instance's, two shapes
  # refused as configuration, and IdP metadata over Identity Center's
  # 75,000-character limit.
  echo "metadata/ (IAM Identity Center)"
  local m
  for m in identity-center-sp identity-center-sp-other sp-two-descriptors sp-no-post-acs entra-large; do
    python3 gen.py template "metadata/$m" >"metadata/$m.xml"
    xmllint --noout "metadata/$m.xml"
    printf '  %-45s unsigned\n' "metadata/$m.xml"
  done
  echo "policy/ and attacks/"
  mkdir -p policy attacks
  python3 gen.py plan >"$WORK/plan.tsv"
  local op a b c name="" out="" n=0
  while IFS=$'\t' read -r op a b c; do
    case "$op" in
      case) name="$a"; out="$b"; n=$((n + 1))
            python3 gen.py template "$name" >"$out" ;;
      sign) sign "$out" "$a" "$b" ;;
      finalize) python3 gen.py finalize "$out" ;;
      post) python3 gen.py post "$name" "$out" ;;
      check) check "$out" "$a" "$b" "$c" >/dev/null ;;
      *) echo "generate.sh: bad plan line: $op" >&2; exit 1 ;;
    esac
  done <"$WORK/plan.tsv"
  python3 gen.py manifest >cases.json
  python3 - <<'PY'
import json, os
cases = json.load(open("cases.json"))
for c in cases:
    if not c.get("generated"):
        assert os.path.isfile(c["file"]), c["file"]
big = [f for d in ("policy", "attacks") for f in sorted(os.listdir(d))
       if os.path.getsize(os.path.join(d, f)) > 200 * 1024]
assert not big, f"files over 200 KB: {big}"
print(f"  {len(cases)} manifest entries in cases.json")
PY
  echo "  $n files built and checked"
}

make_keys
if [[ ${1:-} == suites ]]; then
  suites
  exit 0
fi
metadata
responses
dsig
sanity
suites
bash ./generate-captures.sh   # metadata/entra-stale.xml and captures/, from the files above
echo "generate.sh: all fixtures generated and checked"
