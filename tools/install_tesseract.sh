#!/usr/bin/env bash
# Make sure Tesseract and its French and English language data are installed (and the few system
# libraries the Python packages need).
# As root on Debian/Ubuntu it installs what is missing with apt-get; otherwise it
# says exactly what to install and fails.
set -euo pipefail
source "$(dirname "$0")/apt.sh"

need_packages=()
if ! command -v tesseract >/dev/null 2>&1; then
    need_packages+=(tesseract-ocr tesseract-ocr-fra tesseract-ocr-eng)
else
    langs=$(tesseract --list-langs 2>/dev/null | tail -n +2)
    for lang in fra eng osd; do
        grep -qx "$lang" <<<"$langs" || need_packages+=("tesseract-ocr-$lang")
    done
fi
# RapidOCR pulls opencv-python, which loads libGL and GLib even without a screen
ldconfig -p 2>/dev/null | grep -q "libGL.so.1" || need_packages+=(libgl1)
ldconfig -p 2>/dev/null | grep -q "libgthread-2.0.so.0" || need_packages+=(libglib2.0-0)
# Debian's python3 needs python3-venv to make virtual environments
if ! python3 -c "import ensurepip, venv" >/dev/null 2>&1; then
    need_packages+=(python3-venv python3-pip)
fi

if [ ${#need_packages[@]} -eq 0 ]; then
    echo "tesseract: $(tesseract --version 2>&1 | head -n 1), languages fra eng osd present"
    exit 0
fi

if apt_install "${need_packages[@]}"; then
    tesseract --version 2>&1 | head -n 1
    exit 0
fi

echo "cardscan needs these packages: ${need_packages[*]}" >&2
echo "install them, e.g.: sudo apt-get install ${need_packages[*]}" >&2
echo "(macOS: brew install tesseract tesseract-lang)" >&2
exit 1
