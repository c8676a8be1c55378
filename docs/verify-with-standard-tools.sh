#!/usr/bin/env bash
# Check an isbenefit certificate without isbenefit: poppler-utils, coreutils and OpenSSL 3.
#
#   bash docs/verify-with-standard-tools.sh CERTIFICATE.pdf ISSUER.pub
#
# ISSUER.pub is the issuer's public key (PEM) as you received it from the issuer, not the
# key inside the PDF. Prints the claim's SHA-256 and id (compare them with the page), then
# OpenSSL's verdict on the Ed25519 signature over claim.json. Exits non-zero on any failure.
set -euo pipefail
pdf=$(realpath "$1")
issuer_key=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# 1. The attachments: claim.json (canonical JSON, RFC 8785), signature.json, ledger CSVs.
pdfdetach -saveall "$pdf"

# 2. The claim's hash is printed on the page as "Claim SHA-256"; the id is ISB- and its
#    first 16 hex digits in upper case.
sha=$(sha256sum claim.json | cut -d' ' -f1)
echo "claim SHA-256: $sha"
echo "statement id:  ISB-$(printf '%s' "${sha:0:16}" | tr 'a-f' 'A-F')"

# 3. The signature (base64 in signature.json) over the bytes of claim.json. signature.json
#    is RFC 8785 JSON (sorted keys): the issuer record, with a signature of its own, comes
#    before the top-level "signature", so the last match is the claim's.
grep -o '"signature":"[^"]*"' signature.json | tail -n 1 | cut -d'"' -f4 | base64 -d > claim.sig
openssl pkeyutl -verify -pubin -inkey "$issuer_key" -rawin -in claim.json -sigfile claim.sig
