#!/bin/sh
# Publish one notification to alice. Usage: HERALD_API_KEY=... ./publish.sh "Title" [severity]
set -eu
curl -fsS -X POST "${HERALD_URL:-http://127.0.0.1:8080}/v1/notifications" \
  -H "Authorization: Bearer ${HERALD_API_KEY}" \
  -H "Content-Type: application/json" \
  -d "{\"recipients\":[\"alice\"],\"title\":\"${1:-Hello}\",\"severity\":\"${2:-info}\"}"
echo
