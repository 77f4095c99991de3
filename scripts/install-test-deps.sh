#!/usr/bin/env bash
# What the test suite needs from Debian, installed with apt when missing; nothing else is downloaded:
# - chromium: the web UI and report tests drive it through playwright-core;
# - tinyproxy: the forward proxy of the proxy tests (test/transport/);
# - nginx, openssl: the TLS + HTTP/2 reverse proxy and the certificates of the TLS tests;
# - iproute2: `ip netns` for the master/worker test across network namespaces (test/distributed/);
# - docker.io, busybox-static, prometheus-node-exporter: the --monitor tests (test/monitor/) start
#   their own dockerd on a unix socket (no iptables, no bridge) with a container imported from a
#   busybox root filesystem, and node_exporter on a loopback port; nothing is pulled from a registry.
# The tests start these servers themselves on 127.0.0.1; the packages' own services are not started.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v tinyproxy >/dev/null 2>&1 || missing+=(tinyproxy)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v ip >/dev/null 2>&1 || [ -x /usr/sbin/ip ] || [ -x /sbin/ip ] || missing+=(iproute2)
[ -x /usr/sbin/dockerd ] || missing+=(docker.io)
# The container's root filesystem needs a busybox with no shared libraries: the package, not just any busybox.
dpkg -s busybox-static >/dev/null 2>&1 || missing+=(busybox-static)
[ -x /usr/bin/prometheus-node-exporter ] || missing+=(prometheus-node-exporter)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "installing from Debian for the tests: ${missing[*]}" >&2
# Keep the packages' services from starting (they would take port 80 and 8888): the tests run
# their own instances with their own configs.
POLICY=/usr/sbin/policy-rc.d
ADDED_POLICY=""
if [ ! -e "$POLICY" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$POLICY" >/dev/null
  $SUDO chmod 755 "$POLICY"
  ADDED_POLICY=1
fi
cleanup() { if [ -n "$ADDED_POLICY" ]; then $SUDO rm -f "$POLICY"; fi; }
trap cleanup EXIT
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
[ -x /usr/bin/chromium ] && /usr/bin/chromium --version || true
