#!/usr/bin/env bash
# The third-party vCard parsers the tests check our files with (see tests/test_third_party_parsers.py):
# ez-vcard (Java, the library DAVx5 uses on Android) from Debian. The Python ones (vcard, khard) come
# with the package's dev extras. As root on Debian/Ubuntu this installs what is missing.
set -euo pipefail

need=()
command -v javac >/dev/null 2>&1 || need+=(default-jdk-headless)
[ -f /usr/share/java/ez-vcard.jar ] || need+=(libez-vcard-java)
[ -f /usr/share/java/vinnie.jar ] || need+=(libvinnie-java)

if [ ${#need[@]} -eq 0 ]; then
    echo "parsers: javac, ez-vcard and vinnie present"
    exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing ${need[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    exit 0
fi
echo "the parser tests need: ${need[*]} (sudo apt-get install ${need[*]}); they are skipped without them" >&2
exit 1
