#!/usr/bin/env bash
# Runs every test of Podium and ends with one line: "N passed, N failed".
# Installs what the tests need itself: Debian packages (below) and NuGet packages through restore.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests use: the real Fashion-MNIST files; libpng and libjpeg-turbo, which Podium
# decodes images with; NumPy, SciPy, PIL and scikit-learn, which write test files and check Podium
# against what Keras and scikit-learn compute (scipy's affine_transform, PIL's decoding, sklearn's metrics);
# Node.js and npm, which fetch the web UI's libraries at build time; Chromium, which the browser tests drive.
if [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || [ ! -e /usr/lib/x86_64-linux-gnu/libturbojpeg.so.0 ] \
   || ! /usr/bin/python3 -c 'import numpy, scipy.ndimage, PIL, sklearn' 2>/dev/null \
   || ! command -v npm >/dev/null || [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then apt_get="apt-get"; else apt_get="sudo apt-get"; fi
  $apt_get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $apt_get install -y -qq dataset-fashion-mnist libpng16-16 libturbojpeg0 python3-numpy python3-scipy python3-pil python3-sklearn \
    nodejs npm chromium >/dev/null
fi

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

if ! dotnet restore Podium.slnx --verbosity quiet || ! dotnet build Podium.slnx --configuration Release --no-restore --verbosity quiet; then
  echo "the build failed; no test ran"
  echo "0 passed, 1 failed"
  exit 1
fi

set +e
dotnet test Podium.slnx --configuration Release --no-build --logger trx --results-directory "$results"
status=$?
set -e

# Count from the test results themselves, not from console text.
passed=0
failed=0
shopt -s nullglob
for trx in "$results"/*.trx; do
  counters=$(grep -o '<Counters [^>]*' "$trx" || true)
  count() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  passed=$((passed + $(count passed)))
  failed=$((failed + $(count failed) + $(count error) + $(count timeout) + $(count aborted)))
done

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The runner failed without reporting a failed test (a crash or a build problem): say so in the count.
  failed=1
fi

echo "$passed passed, $failed failed"
exit "$status"
