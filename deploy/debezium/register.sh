#!/bin/sh
# One-shot: registers (or updates) one Debezium connector per outboxed database, once Connect is up.
# PUT /connectors/<name>/config is idempotent: running this again changes nothing.
set -eu
CONNECT="${CONNECT_URL:-http://connect:8083}"
until curl -fsS "$CONNECT/connectors" >/dev/null; do echo "waiting for $CONNECT"; sleep 2; done
for file in /deploy/debezium/*.json; do
  name="$(basename "$file" .json)"
  echo "registering $name"
  curl -fsS -X PUT -H 'Content-Type: application/json' --data @"$file" "$CONNECT/connectors/$name/config"
  echo
done
curl -fsS "$CONNECT/connectors?expand=status"
echo
