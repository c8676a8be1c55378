#!/usr/bin/env bash
# Check a signed isbenefit certificate without isbenefit: poppler-utils (pdfdetach, pdfsig,
# pdftotext), coreutils and OpenSSL 3.
#
#   bash docs/verify-with-standard-tools.sh CERTIFICATE.pdf ISSUER.pub
#
# ISSUER.pub is the issuer's public key (PEM) as you received it from the issuer, not the
# key inside the PDF. Exits 0 only when every check below passes, else non-zero at the
# first failure, saying which. It checks, as `isbenefit verify` does on the file:
#   1. claim.json is attached; its SHA-256 and the statement id derived from it are the
#      ones the page prints;
#   2. the Ed25519 signature in signature.json verifies over claim.json with ISSUER.pub;
#   3. the PDF signature (PAdES, what PDF readers show): the file carries exactly one, and
#      poppler finds it valid and covering the whole document (any byte edited, page or
#      drawing added after signing fails here);
#   4. that PDF signature is the issuer's: the certificate chain it carries ends in a
#      certificate of ISSUER.pub, and OpenSSL verifies the signature over the signed bytes
#      with the signing certificate that key issued.
# What it cannot check, and `isbenefit verify` does:
#   - the recomputation: that the attached ledger rows, assessed again with the factor set
#     the claim names, give the claim's figures (that needs isbenefit and the factor set);
#   - that the page prints the claim's figures (it checks the id and SHA-256 only);
#   - whether the issuer revoked or superseded the certificate (`verify --status`);
#   - a countersigned certificate: whether a verifier's later signature only added itself
#     needs the PDF's revisions compared (pyHanko's difference analysis), so a file with
#     more than one signature fails here.
set -euo pipefail
pdf=$(realpath "$1")
issuer_key=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# 1. The attachments: claim.json (canonical JSON, RFC 8785), signature.json, ledger CSVs;
#    in a folder of their own, apart from this script's files.
mkdir attached
(cd attached && pdfdetach -saveall "$pdf" >/dev/null) || fail "the attachments cannot be read"
[ -f attached/claim.json ] || fail "no claim.json attached"
[ -f attached/signature.json ] || fail "no signature.json attached: the certificate is not signed"
cp attached/claim.json attached/signature.json .
# The claim's SHA-256 is printed as "Claim SHA-256", the id is ISB- and its first 16 hex
# digits in upper case; both may wrap across lines on the page.
sha=$(sha256sum claim.json | cut -d' ' -f1)
id="ISB-$(printf '%s' "${sha:0:16}" | tr 'a-f' 'A-F')"
echo "claim SHA-256: $sha"
echo "statement id:  $id"
page=$(pdftotext -q "$pdf" - | tr -d '[:space:]')
[[ $page == *"$sha"* ]] || fail "the page does not print claim.json's SHA-256"
[[ $page == *"$id"* ]] || fail "the page does not print the statement id $id"

# 2. The signature (base64 in signature.json) over the bytes of claim.json. signature.json
#    is RFC 8785 JSON (sorted keys): the issuer record, with a signature of its own, comes
#    before the top-level "signature", so the last match is the claim's.
grep -o '"signature":"[^"]*"' signature.json | tail -n 1 | cut -d'"' -f4 | base64 -d > claim.sig
openssl pkeyutl -verify -pubin -inkey "$issuer_key" -rawin -in claim.json -sigfile claim.sig \
    || fail "the claim signature does not verify with $2"

# 3. The PDF signature as poppler sees it (-nocert: no certificate lookup, no network).
pdfsig -nocert "$pdf" > pdfsig.txt 2>&1 || true
cat pdfsig.txt
signatures=$(grep -c '^Signature #' pdfsig.txt || true)
[ "$signatures" = 1 ] || fail "$signatures PDF signatures, expected the issuer's alone"
grep -q 'Signature Validation: Signature is Valid.' pdfsig.txt \
    || fail "the PDF signature is not valid (the file changed after signing?)"
grep -q -- '- Total document signed' pdfsig.txt \
    || fail "the PDF signature does not cover the whole file (something was appended)"

# 4. Whose PDF signature: the CMS container carries the signing certificate and the
#    self-signed certificate of the issuer's Ed25519 key that issued it.
pdfsig -nocert -dump "$pdf" >/dev/null 2>&1 || fail "the PDF signature cannot be extracted"
cms=$(ls ./*.sig0)
openssl pkcs7 -inform DER -in "$cms" -print_certs -out chain.pem \
    || fail "the PDF signature carries no readable certificates"
awk '/BEGIN CERTIFICATE/ {n++} n {print > ("cert-" n ".pem")}' chain.pem
wanted=$(openssl pkey -pubin -in "$issuer_key" -outform DER | sha256sum | cut -d' ' -f1)
root=""
for cert in cert-*.pem; do
    key=$(openssl x509 -in "$cert" -noout -pubkey | openssl pkey -pubin -outform DER \
        | sha256sum | cut -d' ' -f1)
    [ "$key" = "$wanted" ] && root=$cert
done
[ -n "$root" ] || fail "the PDF signature's certificates do not lead to the key in $2"
# The signed bytes are the file but for the signature itself: "Signed Ranges: [a - b], [c - d]".
read -r a b c d < <(grep -- '- Signed Ranges:' pdfsig.txt | tr -c '0-9\n' ' ')
{ head -c "$b" "$pdf"; tail -c +"$((c + 1))" "$pdf" | head -c "$((d - c))"; } > signed.bin
[ "$a" = 0 ] || fail "the PDF signature does not start at the first byte"
openssl cms -verify -binary -inform DER -in "$cms" -content signed.bin -CAfile "$root" \
    -partial_chain -no_check_time -purpose any -out /dev/null \
    || fail "OpenSSL does not verify the PDF signature with a certificate issued by $2"
echo "PDF signature: made with a certificate issued by the key in $2, over the whole file"
echo "OK: claim, claim signature and PDF signature check out (recomputation not checked)"
