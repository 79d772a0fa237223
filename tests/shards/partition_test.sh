#!/usr/bin/env bash
# A remote shard behind a network that fails: xapian-tcpsrv runs in a network namespace of its
# own, reached over a veth pair, and loupe-server searches it with a local shard.
#   1. healthy: both shards answer;
#   2. partition: the namespace's replies are dropped silently (a blackhole route), so
#      connections hang rather than fail. Every request must still answer within the timeout and
#      a margin, from the local shard, and say one shard failed; /api/health says "down";
#   3. healed: the shard is back within a few probe intervals;
#   4. hung host: the shard's processes are stopped (SIGSTOP): the same as 2, then healed.
# Needs root (ip netns); exits 77 (skipped) without it. Stops all it starts.
#   tests/shards/partition_test.sh BIN_DIR
set -euo pipefail
bin=$(cd "${1:?usage: partition_test.sh BIN_DIR}" && pwd)
cd "$(dirname "$0")/../.."

if [[ $(id -u) -ne 0 ]] || ! command -v ip >/dev/null || ! command -v xapian-tcpsrv >/dev/null; then
  echo "partition_test: skipped (needs root, iproute2 and xapian-tcpsrv)"
  exit 77
fi

ns=loupe-part-$$
host_if=lp$$h
shard_if=lp$$s
# A /30 from the benchmarking range (RFC 2544), chosen by PID so that runs do not collide.
octet=$(( $$ % 250 + 1 ))
host_ip=198.18.$octet.1
shard_ip=198.18.$octet.2
port=7431
timeout_ms=1000
work=$(mktemp -d)
server_pid=
tcpsrv_pid=

cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  if [[ -n $tcpsrv_pid ]]; then
    kill -CONT -- "-$tcpsrv_pid" 2>/dev/null || true
    kill -- "-$tcpsrv_pid" 2>/dev/null || true
  fi
  ip link del "$host_if" 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "partition_test: FAIL: $*" >&2; [[ -f $work/server.log ]] && tail -20 "$work/server.log" >&2; exit 1; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }

# Documents: the seeds and enough notes that both shards hold some.
mkdir -p "$work/docs"
cp seeds/* "$work/docs/"
for i in $(seq 1 40); do echo "Partition note $i about the heron and the otter." > "$work/docs/note$i.txt"; done
"$bin/loupe-index" --db "$work/local" --shard 1/2 "$work/docs" >/dev/null 2>&1
"$bin/loupe-index" --db "$work/remote" --shard 2/2 "$work/docs" >/dev/null 2>&1

ip netns add "$ns"
ip link add "$host_if" type veth peer name "$shard_if"
ip link set "$shard_if" netns "$ns"
ip addr add "$host_ip/30" dev "$host_if"
ip link set "$host_if" up
ip -n "$ns" addr add "$shard_ip/30" dev "$shard_if"
ip -n "$ns" link set "$shard_if" up
ip -n "$ns" link set lo up

# A session of its own: xapian-tcpsrv signals its process group when it stops.
setsid ip netns exec "$ns" xapian-tcpsrv --interface "$shard_ip" --port $port "$work/remote" \
  >"$work/tcpsrv.log" 2>&1 &
tcpsrv_pid=$!
for _ in $(seq 50); do grep -q Listening "$work/tcpsrv.log" 2>/dev/null && break; sleep 0.1; done
grep -q Listening "$work/tcpsrv.log" || fail "xapian-tcpsrv did not start: $(cat "$work/tcpsrv.log")"

"$bin/loupe-server" --db "$work/local" --db "tcp://$shard_ip:$port" --port 0 \
  --shard-timeout-ms $timeout_ms --cache-mb 0 --web web 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 100); do grep -q "listening on" "$work/server.log" && break; sleep 0.1; done
url=$(grep -o 'http://[0-9.:]*' "$work/server.log" | head -1)
[[ -n $url ]] || fail "loupe-server did not start"

search() {  # query -> "total failed seconds"
  curl -s -o "$work/answer.json" -w '%{time_total}' "$url/api/search?q=$1&per_page=5" >"$work/took"
  local took; took=$(cat "$work/took")
  echo "$(json 'd["total"]' <"$work/answer.json") $(json 'd["shards"]["failed"]' <"$work/answer.json") $took"
}
health_state() { curl -s "$url/api/health" | json 'd["shards"][1]["state"]'; }

read -r all failed _ <<<"$(search otter)"
[[ $failed == 0 ]] || fail "healthy: $failed shards failed"
echo "healthy: otter in $all documents from 2 shards"

check_left_out() {  # what
  local worst=0 total failed took
  for q in otter heron partition note; do
    read -r total failed took <<<"$(search $q)"
    [[ $failed == 1 ]] || fail "$1: '$q' says $failed shards failed, not 1"
    worst=$(python3 -c "print(max($worst, $took))")
  done
  read -r total failed took <<<"$(search otter)"
  (( total < all )) || fail "$1: otter in $total documents: the remote shard's are still counted"
  python3 -c "import sys; sys.exit(0 if $worst < $timeout_ms/1000 + 0.5 else 1)" ||
    fail "$1: a request took ${worst}s, more than the ${timeout_ms} ms timeout and a margin"
  [[ $(health_state) == down ]] || fail "$1: /api/health does not say the shard is down"
  echo "$1: answers from the local shard ($total documents), slowest request ${worst}s, shard down"
}

wait_back() {  # what
  for _ in $(seq 100); do
    [[ $(health_state) == up ]] && break
    sleep 0.1
  done
  [[ $(health_state) == up ]] || fail "$1: the shard did not come back within 10 s"
  read -r total failed _ <<<"$(search otter)"
  [[ $failed == 0 && $total == "$all" ]] || fail "$1: after healing, otter in $total ($failed failed)"
  echo "$1: healed, the shard is back ($total documents)"
}

# 2. Partition: replies from the namespace to this host vanish.
ip -n "$ns" route add blackhole "$host_ip/32"
check_left_out partition
ip -n "$ns" route del blackhole "$host_ip/32"
wait_back partition

# 4. Hung host: every xapian-tcpsrv process stopped.
kill -STOP -- "-$tcpsrv_pid"
check_left_out "hung host"
kill -CONT -- "-$tcpsrv_pid"
wait_back "hung host"

kill "$server_pid" && wait "$server_pid" 2>/dev/null || true
server_pid=
echo "partition_test: PASS"
