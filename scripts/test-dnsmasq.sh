# Sourced by test.sh: the KMS discovery tests start their own dnsmasq (a real DNS server on
# loopback); this only makes sure the binary exists. dnsmasq-base is the binary alone, without
# the system service the 'dnsmasq' package would enable.

ensure_dnsmasq() {
  if command -v dnsmasq >/dev/null 2>&1 || [ -x /usr/sbin/dnsmasq ]; then return 0; fi
  echo "test.sh: dnsmasq not found; installing Debian's dnsmasq-base package..."
  if [ "$(id -u)" != "0" ]; then echo "test.sh: run as root or install dnsmasq-base first" >&2; return 1; fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dnsmasq-base >/dev/null
}
