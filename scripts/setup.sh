#!/usr/bin/env bash
# Installs the system packages that Podium's tests need and that are missing, and nothing else.
# The needs are listed in scripts/system-needs.txt; each is checked on its own. Prints one line and exits 1
# when a package cannot be installed.
set -euo pipefail
cd "$(dirname "$0")/.."

has() {
  case "$1" in
    file) [ -e "$2" ] ;;
    # A pattern some file must match, e.g. a server whose folder names its version.
    glob) compgen -G "$2" >/dev/null ;;
    # A module with no file is a folder a removed package left behind (a namespace package), not the module.
    python) /usr/bin/python3 -c "import sys, $2; sys.exit(0 if getattr($2, '__file__', None) else 1)" >/dev/null 2>&1 ;;
    command) command -v "$2" >/dev/null 2>&1 ;;
    *) echo "scripts/system-needs.txt: unknown check '$1' (use file, glob, python or command)" >&2; exit 1 ;;
  esac
}

missing=()
while read -r check what package _; do
  case "$check" in ''|'#'*) continue ;; esac
  # /usr/bin/python3 itself comes first: every python check needs it.
  if [ "$check" = python ] && [ ! -x /usr/bin/python3 ]; then
    missing+=(python3)
  fi
  if ! has "$check" "$what"; then
    missing+=("$package")
  fi
done < scripts/system-needs.txt

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | awk '!seen[$0]++')

if [ "$(id -u)" = 0 ]; then
  apt_get=(apt-get)
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  apt_get=(sudo apt-get)
else
  echo "setup: missing Debian packages and no root to install them; run: sudo apt-get install ${missing[*]}"
  exit 1
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${apt_get[@]}" update -qq >/dev/null 2>&1 || true
if ! "${apt_get[@]}" install -y -qq "${missing[@]}" >/dev/null 2>&1; then
  # Name the first package that cannot be installed on its own.
  for package in "${missing[@]}"; do
    if ! "${apt_get[@]}" install -y -qq "$package" >/dev/null 2>&1; then
      echo "setup: could not install the Debian package $package; install it by hand: sudo apt-get install $package"
      exit 1
    fi
  done
fi
