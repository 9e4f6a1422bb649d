#!/usr/bin/env bash
# Operator fixtures, from the committed responses/ and keys/ (run after
# generate.sh, which calls this script at its end):
#
#   metadata/entra-stale.xml   entra.xml as it was before the IdP rolled to
#                              idp-next: only idp.crt listed; signed by
#                              metadata-signer with xmlsec1 and checked
#   captures/                  HAR exports (Chrome and Firefox style),
#                              SAML-tracer exports (plain and with the export
#                              filter that hashes POST values) and copied
#                              values, wrapping responses/clientvpn.xml and
#                              responses/aws-console.xml byte for byte
#
#   Run from the repository root:   bash testdata/generate-captures.sh
#   Needs: xmlsec1 (1.2.x), python3 (stdlib).
set -euo pipefail

TD="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$TD"
command -v xmlsec1 >/dev/null || { echo "generate-captures.sh: xmlsec1 not found" >&2; exit 1; }

NS_MD="urn:oasis:names:tc:SAML:2.0:metadata"
XP_METADATA="/*[local-name()='EntityDescriptor']/*[local-name()='Signature' and namespace-uri()='http://www.w3.org/2000/09/xmldsig#']"

echo "metadata/entra-stale.xml"
out=metadata/entra-stale.xml
python3 gen_captures.py stale-metadata >"$out"
xmlsec1 --sign --privkey-pem keys/metadata-signer.key,keys/metadata-signer.crt \
  --id-attr:ID "$NS_MD:EntityDescriptor" --node-xpath "$XP_METADATA" --output "$out.signed" "$out"
mv "$out.signed" "$out"
python3 gen.py tidy "$out"
xmlsec1 --verify --pubkey-cert-pem keys/metadata-signer.crt --enabled-key-data raw-x509-cert \
  --id-attr:ID "$NS_MD:EntityDescriptor" --node-xpath "$XP_METADATA" "$out" >/dev/null 2>&1 \
  || { echo "generate-captures.sh: $out does not verify with metadata-signer.crt" >&2; exit 1; }
if grep -q "$(sed -n '2,3p' keys/idp-next.crt)" "$out"; then
  echo "generate-captures.sh: $out still lists idp-next" >&2; exit 1
fi

echo "captures/"
python3 gen_captures.py captures
ls captures | sed 's/^/  captures\//'
