# Sourced by test.sh: starts a throwaway PostgreSQL on a free loopback port and exports
# PK_TEST_POSTGRES (an Npgsql connection string). The server and its folder go away on exit.

pg_bin_dir() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

pg_as_owner() {
  # initdb refuses to run as root; CI and sessions run as root, so use the postgres user there.
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Below the kernel's ephemeral range (32768 and up by default), where outgoing connections take
# their local ports: one of those could hold the port between this check and PostgreSQL's bind.
free_port() {
  local port low
  low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  # An unusual range with no room below it: below Linux's default floor, inside that range then.
  [ "$low" -gt 11000 ] 2>/dev/null || low=32768
  # (bash's RANDOM stops at 32767: with a floor above 42768 the ports stay under 42768.)
  for _ in $(seq 1 50); do
    port=$(( 10000 + RANDOM % (low - 10000) ))
    if ! (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  return 1
}

start_test_postgres() {
  local bin
  bin=$(pg_bin_dir)
  if [ -z "$bin" ]; then
    echo "test.sh: PostgreSQL not found; installing Debian's postgresql package..."
    if [ "$(id -u)" != "0" ]; then echo "test.sh: run as root or install postgresql first" >&2; return 1; fi
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    bin=$(pg_bin_dir)
  fi
  PK_PG_DIR=$(mktemp -d /tmp/pk-test-pg.XXXXXX)
  chmod 755 "$PK_PG_DIR"
  if [ "$(id -u)" = "0" ]; then chown postgres "$PK_PG_DIR"; fi
  PK_PG_PORT=$(free_port)
  pg_as_owner "$bin/initdb" -D "$PK_PG_DIR/data" -A trust -U postgres --no-sync >"$PK_PG_DIR/initdb.log" 2>&1 \
    || { cat "$PK_PG_DIR/initdb.log" >&2; return 1; }
  pg_as_owner "$bin/pg_ctl" -D "$PK_PG_DIR/data" -l "$PK_PG_DIR/server.log" -w -t 60 \
    -o "-p $PK_PG_PORT -k $PK_PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >/dev/null \
    || { cat "$PK_PG_DIR/server.log" >&2; return 1; }
  PK_PG_BIN=$bin
  export PK_TEST_POSTGRES="Host=127.0.0.1;Port=$PK_PG_PORT;Username=postgres;Database=postgres"
  echo "test.sh: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$PK_PG_PORT ($PK_PG_DIR)"
}

stop_test_postgres() {
  if [ -n "${PK_PG_DIR:-}" ] && [ -d "$PK_PG_DIR/data" ]; then
    pg_as_owner "$PK_PG_BIN/pg_ctl" -D "$PK_PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$PK_PG_DIR"
  fi
}
