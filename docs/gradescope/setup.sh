#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder image; the zip's contents (this harness
# with its graders and reference solutions) are in /autograder/source.
set -euo pipefail
cd /autograder/source
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv python3-pip >/dev/null
python3 -m venv .venv
# requirements.lock pins torch==2.13.0 as the CPU build: point pip at a CPU wheel index (for
# example with PIP_EXTRA_INDEX_URL set here) or it may fetch a much larger CUDA build.
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
