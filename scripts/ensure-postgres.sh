#!/usr/bin/env bash
# Prints a PostgreSQL URL the test suite may create databases on, starting a server if needed:
# ELIGO_TEST_DATABASE_URL when set; else the local server on 127.0.0.1:5432 when it answers;
# else installs Debian's postgresql, starts its cluster and makes a role for this user.
set -euo pipefail
if [ -n "${ELIGO_TEST_DATABASE_URL:-}" ]; then echo "$ELIGO_TEST_DATABASE_URL"; exit 0; fi
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
if command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432 \
   && psql -h 127.0.0.1 -U postgres -d postgres -Atc "select 1" >/dev/null 2>&1; then
  echo "postgresql://postgres@127.0.0.1:5432/postgres"; exit 0
fi
if ! command -v pg_ctlcluster >/dev/null; then
  echo "ensure-postgres: installing PostgreSQL from Debian packages" >&2
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >&2
fi
version=$(ls /etc/postgresql | sort -V | tail -n 1)
if [ -z "$version" ]; then echo "ensure-postgres: no PostgreSQL cluster found after install" >&2; exit 1; fi
$SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 2>/dev/null || true
for _ in $(seq 1 30); do pg_isready -q -h /var/run/postgresql && break; sleep 1; done
me=$(id -un)
$SUDO -u postgres psql -h /var/run/postgresql -d postgres -Atc \
  "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='$me') THEN CREATE ROLE \"$me\" SUPERUSER LOGIN; END IF; END\$\$" >&2
echo "postgresql://$me@/postgres?host=/var/run/postgresql"
