# Sourced by testdata/generate.sh and testdata/generate-xmlenc.sh.
#
# self_signed KEYFILE CN SERIAL KEYUSAGE CERTFILE WORKDIR
#   A self-signed certificate for KEYFILE with fixed dates, via
#   `openssl ca -selfsign` because OpenSSL 3.0's `req -x509` cannot set an
#   explicit notBefore. KEYUSAGE: digitalSignature (IdP signing keys) or
#   keyEncipherment (SP encryption keys).
self_signed() {
  local key="$1" cn="$2" serial="$3" usage="$4" out="$5" ca="$6"
  mkdir -p "$ca"
  : >"$ca/index.txt"
  echo "$serial" >"$ca/serial"
  cat >"$ca/ca.cnf" <<EOF
[ ca ]
default_ca = CA_default
[ CA_default ]
database = $ca/index.txt
new_certs_dir = $ca
serial = $ca/serial
default_md = sha256
policy = policy_any
unique_subject = no
email_in_dn = no
x509_extensions = ext
[ policy_any ]
commonName = supplied
[ ext ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,$usage
subjectKeyIdentifier = hash
EOF
  openssl req -new -key "$key" -subj "/CN=$cn" -out "$ca/csr.pem"
  openssl ca -batch -config "$ca/ca.cnf" -selfsign -keyfile "$key" \
    -in "$ca/csr.pem" -out "$out" -notext \
    -startdate 20250101000000Z -enddate 20450101000000Z 2>/dev/null
}
