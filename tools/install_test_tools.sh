#!/usr/bin/env bash
# What the tests use beyond the Python packages of the dev extras: ez-vcard (Java, the library DAVx5
# uses on Android) to check our vCards, and Debian's chromium for the review page's browser tests
# (Playwright drives it; its own browser download is not used). As root on Debian/Ubuntu this
# installs what is missing; the tests that need a missing tool are skipped, with the reason.
set -euo pipefail
source "$(dirname "$0")/apt.sh"

need=()
command -v javac >/dev/null 2>&1 || need+=(default-jdk-headless)
[ -f /usr/share/java/ez-vcard.jar ] || need+=(libez-vcard-java)
[ -f /usr/share/java/vinnie.jar ] || need+=(libvinnie-java)
command -v chromium >/dev/null 2>&1 || need+=(chromium)

if [ ${#need[@]} -eq 0 ]; then
    echo "test tools: javac, ez-vcard, vinnie and chromium present"
    exit 0
fi
apt_install "${need[@]}" && exit 0
echo "some tests need: ${need[*]} (sudo apt-get install ${need[*]}); they are skipped without them" >&2
exit 1
