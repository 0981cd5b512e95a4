#!/usr/bin/env bash
# The wheels a GPU machine of the device tool lacks for `grade all` (its image has Python 3.12,
# torch, numpy, scikit-learn, matplotlib, jinja2 and safetensors, not pydantic or nbformat), at
# the versions of requirements.lock, into .whl/ (git-ignored). Then, in one device run:
#
#   python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
#       --target /tmp/site .whl/*.whl && export PYTHONPATH=/tmp/site || exit
#   python3 benchmarks/device.py --jobs 4
#
# with `.whl` in the run's carry list.
set -euo pipefail
cd "$(dirname "$0")/.."
grep -qx "/.whl/" .git/info/exclude 2>/dev/null || echo "/.whl/" >>.git/info/exclude
names="pydantic pydantic_core annotated-types typing-inspection nbformat nbconvert nbclient
fastjsonschema jsonschema jsonschema-specifications referencing rpds-py attrs jupyter_core
jupyter_client jupyterlab_pygments traitlets platformdirs pyzmq tornado beautifulsoup4 soupsieve
bleach tinycss2 webencodings defusedxml mistune pandocfilters hypothesis sortedcontainers tqdm"
pins=()
for name in $names; do
    pins+=("$(grep -i "^${name}==" requirements.lock)")
done
platforms=()
for tag in manylinux_2_28 manylinux_2_27 manylinux_2_17 manylinux2014 manylinux1; do
    platforms+=(--platform "${tag}_x86_64")
done
python3 -m pip download --quiet --no-deps --only-binary=:all: --python-version 3.12 \
    --implementation cp "${platforms[@]}" -d .whl "${pins[@]}"
du -sh .whl
