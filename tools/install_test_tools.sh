#!/usr/bin/env bash
# What the tests use beyond the Python packages of the dev extras: ez-vcard (Java, the library DAVx5
# uses on Android) to check our vCards, and Debian's chromium for the review page's browser tests
# (Playwright drives it; its own browser download is not used). As root on Debian/Ubuntu this
# installs what is missing; the tests that need a missing tool are skipped, with the reason.
set -euo pipefail

need=()
command -v javac >/dev/null 2>&1 || need+=(default-jdk-headless)
[ -f /usr/share/java/ez-vcard.jar ] || need+=(libez-vcard-java)
[ -f /usr/share/java/vinnie.jar ] || need+=(libvinnie-java)
command -v chromium >/dev/null 2>&1 || need+=(chromium)

if [ ${#need[@]} -eq 0 ]; then
    echo "test tools: javac, ez-vcard, vinnie and chromium present"
    exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing ${need[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    exit 0
fi
echo "some tests need: ${need[*]} (sudo apt-get install ${need[*]}); they are skipped without them" >&2
exit 1
