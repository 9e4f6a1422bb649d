#!/usr/bin/env bash
# Regenerates testdata/fleet/: aws-console responses that differ from
# responses/aws-console.xml only in their Response and Assertion IDs, so that
# replay tests have several distinct, validly signed assertions. Same template,
# key (idp) and signer (the xmlsec1 CLI, never samlguard) as generate.sh.
#
#   bash testdata/fleet/generate.sh    # from the repository root
#   Needs: xmlsec1, python3 (stdlib), xmllint.
set -euo pipefail

TD="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$TD"
for tool in xmlsec1 python3 xmllint; do
  command -v "$tool" >/dev/null || { echo "fleet/generate.sh: $tool not found" >&2; exit 1; }
done

NS_SAMLP="urn:oasis:names:tc:SAML:2.0:protocol"
NS_SAML="urn:oasis:names:tc:SAML:2.0:assertion"
ID_ATTRS=(--id-attr:ID "$NS_SAML:Assertion" --id-attr:ID "$NS_SAMLP:Response")
DS="namespace-uri()='http://www.w3.org/2000/09/xmldsig#'"
XP_ASSERTION="/*[local-name()='Response']/*[local-name()='Assertion']/*[local-name()='Signature' and $DS]"
# The IDs of every fixture (testdata/README.md); the SessionIndex is the Assertion ID too.
RESPONSE_ID="_r4d9c2f1e-6b7a-4c58-9e03-2a1f0b3c4d5e"
ASSERTION_ID="_a8f3e6d21-0c4b-4a97-b5e8-6d7c1f2a3b4c"

for n in 1 2 3; do
  out="fleet/aws-console-$n.xml"
  python3 gen.py template responses/aws-console \
    | sed -e "s/$RESPONSE_ID/_r-fleet-$n-4c58-9e03-2a1f0b3c4d5e/g" \
          -e "s/$ASSERTION_ID/_a-fleet-$n-4a97-b5e8-6d7c1f2a3b4c/g" >"$out"
  grep -q "_a-fleet-$n-" "$out"
  xmlsec1 --sign --privkey-pem keys/idp.key,keys/idp.crt "${ID_ATTRS[@]}" \
    --node-xpath "$XP_ASSERTION" --output "$out.signed" "$out"
  mv "$out.signed" "$out"
  python3 gen.py tidy "$out"
  python3 gen.py finalize "$out"
  xmlsec1 --verify --pubkey-cert-pem keys/idp.crt --enabled-key-data raw-x509-cert \
    "${ID_ATTRS[@]}" --node-xpath "$XP_ASSERTION" "$out" >/dev/null 2>&1 \
    || { echo "fleet/generate.sh: $out does not verify" >&2; exit 1; }
  echo "  $out OK"
done
