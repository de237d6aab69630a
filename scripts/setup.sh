#!/usr/bin/env bash
# Installs everything echallan needs on a bare Debian machine: system packages, then a venv.
# Safe to run again; skips what is already there. Nothing here downloads model weights.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(postgresql poppler-utils fonts-dejavu-core fonts-urw-base35 fonts-noto-mono fonts-sil-annapurna python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-good gstreamer1.0-plugins-bad chromium)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
# A new venv takes about 7.5 GB (torch's CUDA build), more while pip unpacks; pip's own "No space left on
# device" comes late and is easy to miss, so say it first (a warning: pip may still fit).
NEED_GB=9
free_gb=$(( $(df --output=avail -k . | tail -1) / 1024 / 1024 ))
if ! .venv/bin/python -c "import torch" >/dev/null 2>&1 && [ "$free_gb" -lt "$NEED_GB" ]; then
  echo "setup: WARNING: only ${free_gb} GB free on $(df --output=target . | tail -1); a new venv needs about" \
    "${NEED_GB} GB. If pip fails with 'No space left on device', free disk space (old clones, caches)." >&2
fi
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PY" -m venv .venv
fi
pip() { .venv/bin/python -m pip -q --disable-pip-version-check "$@" 2>&1 | grep -v "^WARNING: Location" || true; }
# torch first, pinned: this pair is on the machine's local disk; other versions pull gigabytes.
if ! .venv/bin/python -c "import torch, torchvision" >/dev/null 2>&1; then
  echo "setup: installing torch 2.14.1 + torchvision 0.29.1"
  pip install torch==2.14.1 torchvision==0.29.1
fi
echo "setup: installing echallan and its dependencies"
pip install -e ".[dev,train]"
# Ultralytics pulls opencv-python; a second OpenCV wheel (headless) would shadow it.
if .venv/bin/python -m pip show opencv-python-headless >/dev/null 2>&1; then
  pip uninstall -y opencv-python-headless
  pip install --force-reinstall --no-deps "opencv-python==$(.venv/bin/python -m pip show opencv-python | awk '/^Version/{print $2}')"
fi
.venv/bin/python -c "import echallan, cv2, ultralytics, rapidocr, sqlalchemy, reportlab; print('setup: ok')"
