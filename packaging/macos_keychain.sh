#!/usr/bin/env bash
# CI (macOS): put the Developer ID certificate from the secrets into a temporary keychain that
# codesign can use without a prompt, and tell later steps the signing identity.
#
#   MACOS_CERTIFICATE_P12_BASE64   the "Developer ID Application" certificate with its private
#                                  key, exported from Keychain Access as .p12, then base64-encoded
#   MACOS_CERTIFICATE_PASSWORD     the .p12's password
#   MACOS_SIGN_IDENTITY            optional: which identity; found in the keychain when empty
#
# The release workflow deletes the keychain at the end of the job.
set -euo pipefail

: "${MACOS_CERTIFICATE_P12_BASE64:?not set}"
: "${RUNNER_TEMP:?not set (run in GitHub Actions)}"

keychain="$RUNNER_TEMP/productsnap-signing.keychain-db"
keychain_password="$(uuidgen)"
p12="$RUNNER_TEMP/productsnap-signing.p12"

printf %s "$MACOS_CERTIFICATE_P12_BASE64" | base64 --decode > "$p12"
security create-keychain -p "$keychain_password" "$keychain"
security set-keychain-settings -lut 21600 "$keychain"
security unlock-keychain -p "$keychain_password" "$keychain"
security import "$p12" -k "$keychain" -P "${MACOS_CERTIFICATE_PASSWORD:-}" -f pkcs12 \
    -T /usr/bin/codesign -T /usr/bin/security
rm -f "$p12"
# Let codesign use the key without asking.
security set-key-partition-list -S apple-tool:,apple:,codesign: -s -k "$keychain_password" \
    "$keychain" >/dev/null
# Search this keychain first, then the ones already there.
existing="$(security list-keychains -d user | sed -e 's/^[[:space:]]*"//' -e 's/"$//')"
# shellcheck disable=SC2086
security list-keychains -d user -s "$keychain" $existing

identity="${MACOS_SIGN_IDENTITY:-}"
if [ -z "$identity" ]; then
    identity="$(security find-identity -v -p codesigning "$keychain" \
        | sed -n 's/.*"\(Developer ID Application: .*\)"$/\1/p' | head -n 1)"
fi
if [ -z "$identity" ]; then
    echo "::error::no 'Developer ID Application' identity in the imported certificate" >&2
    exit 1
fi
echo "MACOS_SIGN_IDENTITY=$identity" >> "$GITHUB_ENV"
echo "signing identity: $identity"
