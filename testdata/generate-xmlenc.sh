#!/usr/bin/env bash
# Regenerates the encrypted-assertion fixtures in testdata/xmlenc/ and the SP
# decryption keys in testdata/keys/sp*.
#
#   Run from the repository root:   bash testdata/generate-xmlenc.sh
#   Needs: xmlsec1 (1.2.x, OpenSSL backend), openssl (3.x), python3 (stdlib).
#
# What it makes, from the signed testdata/responses/aws-console.xml (and
# clientvpn.xml, generic.xml for the profile cases):
#   xmlenc/NAME.xml        the Response with its signed Assertion encrypted
#                          into a saml:EncryptedAssertion: full Entra-shaped
#                          responses, valid for samlguard's aws-console
#                          profile at the fixed clock (2026-01-15T10:01:00Z)
#                          with the SP key, unless NAME starts with attack-
#   xmlenc/NAME.plain.xml  the plaintext bytes xmlsec1 --decrypt gets back
#                          (the reference the Rust tests compare with)
#
# The Assertion is signed as generate.sh signs it (xmlsec1, idp.key), then
# encrypted with xmlsec1 --encrypt to the SP's certificate, then, for the
# doubly-signed cases, the Response is signed by xmlsec1 over the
# ciphertext (and verified by xmlsec1). The attack-* cases encrypt a
# plaintext made from that signed Assertion (edited after signing, unsigned,
# signed by the attacker's key, behind a DOCTYPE, twice, wrapped, not XML):
# encrypting needs only the SP's public certificate, so anyone can make
# them; xmlsec1 decrypts every one of them to the bytes it was given.
#
# How:
#   * Encryption and the reference decryption are done by independent
#     implementations, never by samlguard: xmlsec1 (libxmlsec1 + OpenSSL) for
#     everything it supports, and the openssl CLI for the RSA-OAEP variants
#     xmlsec1 1.2 cannot write (XML Encryption 1.1 rsa-oaep with SHA-256 and
#     MGF1-SHA-256) and for EncryptedKeys placed beside the EncryptedData. In
#     that second mode xmlsec1 encrypts the content with a content key made here
#     (--aeskey), openssl wraps the same key, and the script checks that
#     openssl unwraps it again before xmlsec1 decrypts the content with it.
#   * The reference plaintext is written by `xmlsec1 --decrypt` on the
#     EncryptedData alone with its Type removed (so xmlsec1 writes the raw
#     bytes), and must equal the Assertion's bytes in aws-console.xml.
#   * NOT deterministic: RSA-OAEP seeds, content keys and AES IVs are random,
#     so every run changes every NAME.xml (the .plain.xml files stay the same).
#     CI must never regenerate and diff these files: the check is that
#     xmlsec1 --decrypt, run here on every output, gives back exactly the
#     plaintext that was encrypted (and that xmlsec1 --verify accepts every
#     Response signature made here). The keys in keys/sp* are made only when
#     missing.
#   * The Rust tests (tests/xmlenc.rs) only read the outputs; they never need
#     xmlsec1 or openssl.
set -euo pipefail

TD="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$TD"
# shellcheck source=self-signed.sh
source "$TD/self-signed.sh"

for tool in xmlsec1 openssl python3; do
  command -v "$tool" >/dev/null || { echo "generate-xmlenc.sh: $tool not found" >&2; exit 1; }
done

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
GEN=(python3 gen_xmlenc.py)

XENC="http://www.w3.org/2001/04/xmlenc#"
XENC11="http://www.w3.org/2009/xmlenc11#"
OAEP_MGF1P="${XENC}rsa-oaep-mgf1p"
OAEP11="${XENC11}rsa-oaep"
RSA15="${XENC}rsa-1_5"
SHA1="http://www.w3.org/2000/09/xmldsig#sha1"
SHA256="${XENC}sha256"
MGF1_SHA256="${XENC11}mgf1sha256"
AES128_CBC="${XENC}aes128-cbc"
AES256_CBC="${XENC}aes256-cbc"
AES128_GCM="${XENC11}aes128-gcm"
AES256_GCM="${XENC11}aes256-gcm"
LABEL_B64="c2FtbGd1YXJkIE9BRVAgbGFiZWw="   # "samlguard OAEP label"
XP_ASSERTION="/*[local-name()='Response']/*[local-name()='EncryptedAssertion']/*[local-name()='Assertion']"
NS_SAMLP="urn:oasis:names:tc:SAML:2.0:protocol"
NS_SAML="urn:oasis:names:tc:SAML:2.0:assertion"
DSNS="namespace-uri()='http://www.w3.org/2000/09/xmldsig#'"
XP_RESPONSE_SIG="/*[local-name()='Response']/*[local-name()='Signature' and $DSNS]"
XP_ASSERTION_SIG="/*[local-name()='Response']/*[local-name()='Assertion']/*[local-name()='Signature' and $DSNS]"

die() { echo "generate-xmlenc.sh: $*" >&2; exit 1; }

# ---------------------------------------------------------------------------
# SP keys (test keys only; made once, then committed)

# sp_key NAME CN SERIAL FORM  -- RSA-2048 key + self-signed encryption
#   certificate with fixed dates (openssl ca -selfsign, as generate.sh does).
#   FORM pkcs8 writes keys/NAME.key as "PRIVATE KEY" and keys/NAME.pkcs1.key
#   as "RSA PRIVATE KEY"; FORM pkcs1 writes keys/NAME.key as "RSA PRIVATE KEY".
sp_key() {
  local name="$1" cn="$2" serial="$3" form="$4" ca="$WORK/ca-$1"
  [[ -f keys/$name.key && -f keys/$name.crt ]] && return 0
  echo "generating keys/$name.{key,crt}"
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/$name.key" 2>/dev/null
  self_signed "$WORK/$name.key" "$cn" "$serial" keyEncipherment "keys/$name.crt" "$ca"
  if [[ $form == pkcs8 ]]; then
    cp "$WORK/$name.key" "keys/$name.key"
    openssl pkey -in "$WORK/$name.key" -traditional -out "keys/$name.pkcs1.key"
  else
    openssl pkey -in "$WORK/$name.key" -traditional -out "keys/$name.key"
  fi
}

mkdir -p keys xmlenc
sp_key sp      "samlguard test SP encryption"               2001 pkcs8
sp_key sp-next "samlguard test SP encryption next (rotation)" 2002 pkcs1
grep -q "BEGIN PRIVATE KEY" keys/sp.key || die "keys/sp.key is not PKCS#8"
grep -q "BEGIN RSA PRIVATE KEY" keys/sp.pkcs1.key || die "keys/sp.pkcs1.key is not PKCS#1"
grep -q "BEGIN RSA PRIVATE KEY" keys/sp-next.key || die "keys/sp-next.key is not PKCS#1"

# ---------------------------------------------------------------------------
# The plaintext: the signed Assertion of aws-console.xml

"${GEN[@]}" wrap responses/aws-console.xml "$WORK/wrapped.xml" "$WORK/assertion.xml"
"${GEN[@]}" wrap responses/aws-console.xml "$WORK/wrapped-outer.xml" "$WORK/assertion-outer.xml" outer-ns

# reference NAME DECRYPT_ARGS... -- xmlenc/NAME.plain.xml from xmlsec1 --decrypt,
#   checked against the Assertion bytes it was made from ($PLAIN).
reference() {
  local name="$1"; shift
  xmlsec1 --decrypt "$@" --output "xmlenc/$name.plain.xml" "$WORK/$name.data.xml" 2>"$WORK/xmlsec.err" \
    || { cat "$WORK/xmlsec.err" >&2; die "xmlsec1 cannot decrypt xmlenc/$name.xml"; }
  "${GEN[@]}" same "xmlenc/$name.plain.xml" "$PLAIN" || die "xmlenc/$name.plain.xml differs from the Assertion"
  printf '  %-40s decrypted by xmlsec1\n' "xmlenc/$name.xml"
}

# ---------------------------------------------------------------------------
# Mode 1: xmlsec1 does it all (inline EncryptedKey, RSA-OAEP-MGF1P or rsa-1_5)

# inline NAME CERT SESSION CONTENT TRANSPORT [template options...]
inline() {
  local name="$1" cert="$2" session="$3" content="$4" transport="$5"; shift 5
  "${GEN[@]}" template "$content" "$transport" "$@" >"$WORK/$name.tmpl.xml"
  xmlsec1 --encrypt --pubkey-cert-pem "keys/$cert.crt" --session-key "$session" \
    --xml-data "$WRAPPED" --node-xpath "$XP_ASSERTION" \
    --output "xmlenc/$name.xml" "$WORK/$name.tmpl.xml" 2>"$WORK/xmlsec.err" \
    || { cat "$WORK/xmlsec.err" >&2; die "xmlsec1 cannot encrypt $name"; }
  "${GEN[@]}" for-decrypt "xmlenc/$name.xml" "$WORK/$name.data.xml"
  reference "$name" --privkey-pem "keys/$cert.key"
}

# ---------------------------------------------------------------------------
# Mode 2: xmlsec1 encrypts the content with our content key, openssl wraps it

# oaep_opts DIGEST MGF LABEL  -- openssl pkeyutl options for RSA-OAEP
oaep_opts() {
  local opts=(-pkeyopt rsa_padding_mode:oaep -pkeyopt "rsa_oaep_md:$1" -pkeyopt "rsa_mgf1_md:$2")
  [[ -n $3 ]] && opts+=(-pkeyopt "rsa_oaep_label:$(printf '%s' "$3" | base64 -d | od -An -tx1 | tr -d ' \n')")
  printf '%s\n' "${opts[@]}"
}

# wrapped NAME CERT BYTES CONTENT PLACEMENT TRANSPORT MD MGF_MD LABEL [attach options...]
wrapped() {
  local name="$1" cert="$2" bytes="$3" content="$4" placement="$5" transport="$6" md="$7" mgf="$8" label="$9"
  shift 9
  local key="$WORK/$name.cek" opts
  openssl rand -out "$key" "$bytes"
  "${GEN[@]}" data-template "$content" >"$WORK/$name.tmpl.xml"
  xmlsec1 --encrypt --aeskey "$key" --xml-data "$WRAPPED" --node-xpath "$XP_ASSERTION" \
    --output "$WORK/$name.enc.xml" "$WORK/$name.tmpl.xml" 2>"$WORK/xmlsec.err" \
    || { cat "$WORK/xmlsec.err" >&2; die "xmlsec1 cannot encrypt $name"; }
  mapfile -t opts < <(oaep_opts "$md" "$mgf" "$label")
  openssl pkeyutl -encrypt -certin -inkey "keys/$cert.crt" "${opts[@]}" -in "$key" -out "$WORK/$name.ek"
  openssl pkeyutl -decrypt -inkey "keys/$cert.key" "${opts[@]}" -in "$WORK/$name.ek" -out "$WORK/$name.unwrapped"
  cmp -s "$key" "$WORK/$name.unwrapped" || die "openssl does not unwrap the content key of $name"
  base64 -w0 "$WORK/$name.ek" >"$WORK/$name.ek.b64"
  local attach_opts=("$@")
  [[ -n $label ]] && attach_opts+=("label=$label")
  "${GEN[@]}" attach "$WORK/$name.enc.xml" "xmlenc/$name.xml" "$placement" "$transport" "$WORK/$name.ek.b64" \
    "${attach_opts[@]}"
  "${GEN[@]}" for-decrypt "xmlenc/$name.xml" "$WORK/$name.data.xml" no-keyinfo
  reference "$name" --aeskey "$key"
}

echo "xmlenc/"
WRAPPED="$WORK/wrapped.xml" PLAIN="$WORK/assertion.xml"

# Entra-style: EncryptedKey inside EncryptedData/KeyInfo, RSA-OAEP-MGF1P with
# an explicit SHA-1 DigestMethod, the SP certificate in the EncryptedKey's KeyInfo.
inline entra-aes256-cbc        sp      aes-256 "$AES256_CBC" "$OAEP_MGF1P" "digest=$SHA1" x509
inline inline-aes128-cbc       sp      aes-128 "$AES128_CBC" "$OAEP_MGF1P"
inline inline-aes128-gcm       sp      aes-128 "$AES128_GCM" "$OAEP_MGF1P"
inline inline-aes256-gcm       sp      aes-256 "$AES256_GCM" "$OAEP_MGF1P" x509
inline oaep-params-aes256-gcm  sp      aes-256 "$AES256_GCM" "$OAEP_MGF1P" "label=$LABEL_B64" "digest=$SHA1"
# Rotation: encrypted to the next SP key, named in KeyInfo; and without any hint.
inline rotation-next           sp-next aes-256 "$AES256_CBC" "$OAEP_MGF1P" x509
inline rotation-next-no-hint   sp-next aes-256 "$AES256_GCM" "$OAEP_MGF1P"
# Refused by samlguard (PKCS#1 v1.5 key transport), though xmlsec1 decrypts it.
inline rsa-1_5                 sp      aes-256 "$AES256_CBC" "$RSA15"

# XML Encryption 1.1 rsa-oaep: SHA-256 digest and MGF1-SHA-256, with and
# without OAEPparams; and SHA-256 with the default mask (MGF1-SHA-1).
wrapped rsa-oaep11-sha256            sp 32 "$AES256_GCM" inline "$OAEP11" sha256 sha256 "" \
  "digest=$SHA256" "mgf=$MGF1_SHA256" x509=keys/sp.crt
wrapped rsa-oaep11-sha256-label      sp 16 "$AES128_CBC" inline "$OAEP11" sha256 sha256 "$LABEL_B64" \
  "digest=$SHA256" "mgf=$MGF1_SHA256"
wrapped rsa-oaep11-sha256-mgf1sha1   sp 32 "$AES256_CBC" inline "$OAEP11" sha256 sha1 "" "digest=$SHA256"
# EncryptedKey beside the EncryptedData (Shibboleth's "peer" placement),
# reached by RetrievalMethod, or by KeyName = CarriedKeyName.
wrapped sibling-retrieval-method     sp 32 "$AES256_CBC" retrieval "$OAEP_MGF1P" sha1 sha1 "" "digest=$SHA1"
wrapped sibling-key-name             sp 16 "$AES128_GCM" keyname "$OAEP11" sha256 sha256 "" \
  "digest=$SHA256" "mgf=$MGF1_SHA256" recipient=https://signin.aws.amazon.com/saml

# The plaintext Assertion relies on the default namespace declared on the
# EncryptedAssertion around it.
WRAPPED="$WORK/wrapped-outer.xml" PLAIN="$WORK/assertion-outer.xml"
inline outer-namespace          sp      aes-256 "$AES256_GCM" "$OAEP_MGF1P"

# xmlsec1 also follows the RetrievalMethod to the sibling EncryptedKey by itself.
xmlsec1 --decrypt --privkey-pem keys/sp.key --id-attr:Id "${XENC}:EncryptedKey" \
  --output "$WORK/sibling.out.xml" xmlenc/sibling-retrieval-method.xml 2>/dev/null \
  || die "xmlsec1 does not follow the RetrievalMethod of sibling-retrieval-method.xml"
echo "  xmlenc/sibling-retrieval-method.xml      RetrievalMethod followed by xmlsec1"

# ---------------------------------------------------------------------------
# Full responses for the pipeline: doubly signed, Entra-shaped, other profiles

# sign_response FILE -- a Response signature over the EncryptedAssertion
#   (xmlsec1, idp.key), checked by xmlsec1 against the pinned idp.crt.
sign_response() {
  local file="$1"
  python3 gen.py tidy "$file"   # one-line certificates before anything is signed
  "${GEN[@]}" response-template "$file"
  xmlsec1 --sign --privkey-pem keys/idp.key,keys/idp.crt --id-attr:ID "$NS_SAMLP:Response" \
    --node-xpath "$XP_RESPONSE_SIG" --output "$file.signed" "$file" 2>"$WORK/xmlsec.err" \
    || { cat "$WORK/xmlsec.err" >&2; die "xmlsec1 cannot sign the Response of $file"; }
  mv "$file.signed" "$file"
  python3 gen.py tidy "$file"
  xmlsec1 --verify --pubkey-cert-pem keys/idp.crt --enabled-key-data raw-x509-cert \
    --id-attr:ID "$NS_SAMLP:Response" --node-xpath "$XP_RESPONSE_SIG" "$file" >/dev/null 2>&1 \
    || die "xmlsec1 does not verify the Response signature of $file"
  printf '  %-40s Response signed over the ciphertext, verified by xmlsec1\n' "$file"
}

# Entra's shape: EncryptedAssertion unprefixed, ds:KeyInfo unprefixed, the
# EncryptedKey under e:, AES-256-CBC with RSA-OAEP-MGF1P and SHA-1.
"${GEN[@]}" wrap responses/aws-console.xml "$WORK/wrapped-entra.xml" "$WORK/assertion.xml" entra
WRAPPED="$WORK/wrapped-entra.xml" PLAIN="$WORK/assertion.xml"
inline entra-shaped-aes256-cbc          sp      aes-256 "$AES256_CBC" "$OAEP_MGF1P" entra
inline doubly-signed-aes256-cbc         sp      aes-256 "$AES256_CBC" "$OAEP_MGF1P" entra
sign_response xmlenc/doubly-signed-aes256-cbc.xml
inline doubly-signed-aes128-gcm         sp-next aes-128 "$AES128_GCM" "$OAEP_MGF1P" x509
sign_response xmlenc/doubly-signed-aes128-gcm.xml

# The other profiles: Client VPN (which refuses encrypted assertions) and a
# generic SP, both signed twice like their plaintext fixtures.
"${GEN[@]}" wrap responses/clientvpn.xml "$WORK/wrapped-vpn.xml" "$WORK/assertion-vpn.xml" entra
WRAPPED="$WORK/wrapped-vpn.xml" PLAIN="$WORK/assertion-vpn.xml"
inline clientvpn-doubly-signed          sp      aes-256 "$AES256_CBC" "$OAEP_MGF1P" entra
sign_response xmlenc/clientvpn-doubly-signed.xml
"${GEN[@]}" wrap responses/generic.xml "$WORK/wrapped-generic.xml" "$WORK/assertion-generic.xml"
WRAPPED="$WORK/wrapped-generic.xml" PLAIN="$WORK/assertion-generic.xml"
inline generic-doubly-signed            sp      aes-256 "$AES256_GCM" "$OAEP_MGF1P" x509
sign_response xmlenc/generic-doubly-signed.xml

# ---------------------------------------------------------------------------
# Attacks: plaintexts anyone can encrypt to the SP's certificate

# attack NAME KIND ASSERTION [CONTENT SESSION] -- the plaintext KIND made from
#   the signed ASSERTION, encrypted by xmlsec1 as binary data in Entra's
#   shape, spliced into aws-console.xml in place of the Assertion.
attack() {
  local name="$1" kind="$2" assertion="$3" content="${4:-$AES256_CBC}" session="${5:-aes-256}"
  "${GEN[@]}" plaintext "$kind" "$assertion" "$WORK/$name.plain"
  "${GEN[@]}" template "$content" "$OAEP_MGF1P" entra >"$WORK/$name.tmpl.xml"
  xmlsec1 --encrypt --pubkey-cert-pem keys/sp.crt --session-key "$session" \
    --binary-data "$WORK/$name.plain" --output "$WORK/$name.enc.xml" "$WORK/$name.tmpl.xml" 2>"$WORK/xmlsec.err" \
    || { cat "$WORK/xmlsec.err" >&2; die "xmlsec1 cannot encrypt $name"; }
  "${GEN[@]}" splice responses/aws-console.xml "$WORK/$name.enc.xml" "xmlenc/$name.xml" entra
  "${GEN[@]}" for-decrypt "xmlenc/$name.xml" "$WORK/$name.data.xml"
  PLAIN="$WORK/$name.plain"
  reference "$name" --privkey-pem keys/sp.key
}

# signed_assertion NAME KEY [ADVICE] -- aws-console.xml's Assertion template,
#   with an Advice (see gen_xmlenc.py advice) when asked, signed by xmlsec1
#   with keys/KEY.key; its bytes in $WORK/NAME-assertion.xml.
signed_assertion() {
  local name="$1" key="$2" advice="${3:-}"
  python3 gen.py template responses/aws-console >"$WORK/$name.xml"
  [[ -n $advice ]] && "${GEN[@]}" advice "$WORK/$name.xml" "$advice"
  xmlsec1 --sign --privkey-pem "keys/$key.key,keys/$key.crt" --id-attr:ID "$NS_SAML:Assertion" \
    --node-xpath "$XP_ASSERTION_SIG" --output "$WORK/$name.signed.xml" "$WORK/$name.xml" 2>"$WORK/xmlsec.err" \
    || { cat "$WORK/xmlsec.err" >&2; die "xmlsec1 cannot sign the Assertion of $name"; }
  python3 gen.py tidy "$WORK/$name.signed.xml"
  xmlsec1 --verify --pubkey-cert-pem "keys/$key.crt" --enabled-key-data raw-x509-cert \
    --id-attr:ID "$NS_SAML:Assertion" --node-xpath "$XP_ASSERTION_SIG" "$WORK/$name.signed.xml" >/dev/null 2>&1 \
    || die "xmlsec1 does not verify the Assertion of $name"
  "${GEN[@]}" wrap "$WORK/$name.signed.xml" "$WORK/$name-wrapped.xml" "$WORK/$name-assertion.xml"
}

# An Assertion like aws-console.xml's, signed by the attacker's key; and
# Assertions the IdP signed that hold another Assertion or Signature.
signed_assertion attacker attacker
signed_assertion nested-assertion idp assertion
signed_assertion nested-signature idp signature

GENUINE="$WORK/assertion.xml"
attack attack-attacker-signed           as-is             "$WORK/attacker-assertion.xml"
attack attack-edited-reencrypted        edited            "$GENUINE" "$AES128_GCM" aes-128
attack attack-unsigned                  unsigned          "$GENUINE"
attack attack-doctype                   doctype           "$GENUINE"
attack attack-two-assertions            two               "$GENUINE"
attack attack-wrapped-assertion         wrapped-assertion "$GENUINE"
attack attack-wrapped-other-root        wrapped-other     "$GENUINE"
attack attack-not-xml                   not-xml           "$GENUINE" "$AES256_GCM" aes-256
attack attack-nested-assertion          as-is             "$WORK/nested-assertion-assertion.xml"
attack attack-nested-signature          as-is             "$WORK/nested-signature-assertion.xml"
# A whole signed Response (Client VPN's, signed twice by the IdP) as the
# plaintext; and a signed error Response without any Assertion.
attack attack-response-as-plaintext     as-is             responses/clientvpn.xml
attack attack-signed-error-response     as-is             attacks/signed-error-response.xml
