#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian machine with Node 20+, npm and git:
# the pinned pnpm, the workspace dependencies, and (with --system) the real services the tests start.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=10.34.9

install_system_packages() {
  local missing=()
  command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
  command -v htpasswd >/dev/null 2>&1 || missing+=(apache2-utils)
  [ -x /usr/sbin/sshd ] || missing+=(openssh-server)
  command -v ssh-keygen >/dev/null 2>&1 || missing+=(openssh-client)
  command -v gpg >/dev/null 2>&1 || missing+=(gnupg)
  command -v openssl >/dev/null 2>&1 || missing+=(openssl)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  command -v skopeo >/dev/null 2>&1 || missing+=(skopeo)
  # The CLI's completion scripts are checked by the shells they are for.
  command -v zsh >/dev/null 2>&1 || missing+=(zsh)
  command -v fish >/dev/null 2>&1 || missing+=(fish)
  if [ ${#missing[@]} -eq 0 ]; then return; fi
  echo "setup: installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_pnpm() {
  if command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version)" = "$PNPM_VERSION" ]; then return; fi
  echo "setup: installing pnpm $PNPM_VERSION"
  npm install -g --silent "pnpm@$PNPM_VERSION"
}

if [ "${1:-}" = "--system" ]; then install_system_packages; fi
install_pnpm
pnpm install --frozen-lockfile --reporter=append-only 2>&1 | grep -v '^Progress' || true
[ -d node_modules/.pnpm ] || { echo "setup: pnpm install failed" >&2; exit 1; }
pnpm run build
