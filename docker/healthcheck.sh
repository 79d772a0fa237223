#!/bin/bash
# loupe-healthcheck: exit 0 when loupe-server answers GET /api/health with 200 and "status":"ok".
# Plain bash (/dev/tcp) so the image needs no curl. /api/health never needs the API key.
port=${LOUPE_PORT:-8080}
host=${LOUPE_HEALTH_HOST:-127.0.0.1}
exec 3<>"/dev/tcp/$host/$port" 2>/dev/null || { echo "unhealthy: nothing listens on $host:$port"; exit 1; }
printf 'GET /api/health HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\n\r\n' "$host" "$port" >&3
response=$(timeout 4 cat <&3)
exec 3<&-
status=${response%%$'\r'*}
case $status in
  "HTTP/1."[01]" 200"*) ;;
  *) echo "unhealthy: ${status:-no answer}"; exit 1 ;;
esac
if printf '%s' "$response" | grep -Eq '"status" *: *"ok"'; then
  printf '%s\n' "${response##*$'\r\n\r\n'}"
  exit 0
fi
echo "unhealthy: ${response##*$'\r\n\r\n'}"
exit 1
