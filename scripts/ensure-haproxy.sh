#!/usr/bin/env bash
# Installs Debian's haproxy package when it is missing and prints the program's path. The
# load-balancer end-to-end test (tests/ProductKeys.Cli.Tests/EndToEnd/ThreeNodesBehindHaproxyTests.cs)
# starts its own HAProxy on loopback in front of three pk server nodes; test.sh exports the path as
# PK_HAPROXY. The package's own service, where systemd starts it, listens nowhere: Debian's default
# /etc/haproxy/haproxy.cfg has no frontend.
set -euo pipefail
path=${PK_HAPROXY:-/usr/sbin/haproxy}
if [ ! -x "$path" ]; then
  echo "ensure-haproxy.sh: $path not found; installing Debian's haproxy package..." >&2
  if [ "$(id -u)" != "0" ]; then echo "ensure-haproxy.sh: run as root or install haproxy first" >&2; exit 1; fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null
  path=/usr/sbin/haproxy
fi
echo "$path"
