#!/usr/bin/env bash
# Installs, once, the Debian packages the tests and the sandbox cluster need.
# Idempotent: a package already present is not touched; nothing runs when all are there.
# Services are NOT started by the package manager (policy-rc.d 101): the project starts its
# own throwaway servers with their own configs and ports.
set -euo pipefail

# binary -> package; the binary tells us whether the package is already there
declare -A NEED=(
  # the tests' browser: Chromium's headless shell (no GTK window layer; Playwright's default kind)
  [/usr/lib/chromium/chromium-headless-shell]=chromium-headless-shell
  [/usr/include/krb5.h]=libkrb5-dev
  [/usr/bin/pkg-config]=pkg-config
  [/usr/sbin/sshd]=openssh-server
  [/usr/bin/ssh]=openssh-client
  [/usr/sbin/slapd]=slapd
  [/usr/bin/ldapsearch]=ldap-utils
  [/usr/sbin/nginx]=nginx-light
  [/usr/bin/redis-server]=redis-server
  [/usr/sbin/csync2]=csync2
  [/usr/bin/keytool]=openjdk-17-jre-headless
  [/usr/bin/parallel-ssh]=pssh
  [/usr/sbin/ip]=iproute2
  [/usr/bin/unshare]=util-linux
  [/usr/bin/openssl]=openssl
  [/usr/bin/curl]=curl
  [/usr/sbin/inetd]=openbsd-inetd
  [/usr/bin/crontab]=cron
  [/usr/bin/nsenter]=util-linux
  # the sandbox's stand-in for pyDes (Gluu's encode.py) computes triple DES with it
  [/usr/lib/python3/dist-packages/cryptography/__init__.py]=python3-cryptography
  # the time step's fallback where neither systemd-timesyncd nor chrony is there (the sandbox)
  [/usr/sbin/ntpdate]=ntpdate
  # a sandbox host's clock shifted for the health check's clock test (preloaded through sshd)
  [/usr/lib/$(uname -m)-linux-gnu/faketime/libfaketime.so.1]=libfaketime
)
missing=()
for bin in "${!NEED[@]}"; do
  [ -e "$bin" ] || missing+=("${NEED[$bin]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "Missing Debian packages: ${missing[*]}" >&2
  echo "Run as root, or: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Keep package installs from starting system services (slapd, nginx, redis) on default ports.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod 755 "$policy"; created_policy=1; fi
trap '[ $created_policy = 1 ] && rm -f "$policy"' EXIT
# apt lists may be absent on a fresh machine
if [ -z "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v lock)" ] || ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/gluu-cluster-apt.log 2>&1; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/gluu-cluster-apt.log 2>&1 || { tail -30 /tmp/gluu-cluster-apt.log >&2; exit 1; }
fi
echo "Debian packages installed."
