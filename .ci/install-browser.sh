#!/usr/bin/env bash
# Installs what tests/test_browser.py needs: Debian's Chromium (Playwright's own browser download
# does not work offline) and the Playwright Python client that drives it. Safe to run twice.
set -euo pipefail

if [ ! -x /usr/bin/chromium ]; then
    SUDO=""
    if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends chromium chromium-driver
fi

if ! python -c "import playwright" 2>/dev/null; then
    python -m pip install -q "playwright>=1.40"
fi

echo "$(/usr/bin/chromium --version 2>/dev/null | head -n 1)"
python -c "from importlib.metadata import version; print('playwright', version('playwright'))"
