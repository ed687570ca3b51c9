#!/usr/bin/env bash
# The application layer against real services in the lab (tests/lab/appserver.py): each protocol
# answers on a healthy pair; each way a service can fail after accepting the connection is told
# apart (silent, reset, closed, another protocol, a refused TLS handshake, too slow, too much), on
# the private and on the public path; hostile answers stay bounded; a big ClientHello behind an
# MTU black hole is the MTU's fault; it works without privileges; `check` reports it.
source "$(dirname "$0")/lib.sh"
PUB=db.public.example
noraw() { in_node setpriv --bounding-set=-net_raw -- "$VPCPROBE" "$@"; }
lab up

# expect NAME FAULT PORT EXIT STATUS LAYER PATH [jq check...]: diagnose db:PORT on both paths
expect() {
  local name=$1 fault=$2 port=$3 code=$4 status=$5 layer=$6 path=$7
  shift 7
  lab heal
  # shellcheck disable=SC2086
  [ "$fault" = - ] || lab fault $fault
  run vp diagnose --private "db.vpc.internal:$port" --public "$PUB:$port" --json
  ok "$name: exit $code" rc_is "$code"
  ok "$name: $status / $layer / $path" jq_is '.verdict | "\(.status) \(.layer) \(.path)"' "$status $layer $path"
  local check
  for check in "$@"; do ok "$name: $check" jq_is "$check" true; done
}

A=.paths.private.details.application
U=.paths.public.details.application
# Healthy: every protocol answers on both paths.
expect "postgres" - 5432 0 ok none none \
  ".paths.private.layers.application.summary | startswith(\"PostgreSQL (SSLRequest: N)\")" \
  "$A.answer == \"N\" and $A.outcome == \"answered\" and $A.first_byte_ms > 0" \
  '[.paths[].layers | .[] | .check] | all(. == "pass")'
ok "postgres: the summary says PostgreSQL answered" jq_is '.verdict.summary | contains("works (PostgreSQL (SSLRequest: N)")' true
expect "tls" - 443 0 ok none none \
  ".paths.private.layers.application.check == \"warn\"" \
  "$A.tls.version | startswith(\"TLS\")" \
  "$A.tls.subject | contains(\"CN=db.vpc.internal\")" \
  "$A.tls.sans | index(\"10.124.0.5\") != null" \
  "$A.tls.days_left > 29 and $A.tls.days_left <= 30" \
  "$A.tls.verified == false and ($A.tls.verify_error | test(\"self.signed\"))" \
  "$A.tls.sni == \"db.vpc.internal\" and $U.tls.sni == \"db.public.example\"" \
  "$A.client_hello_bytes >= 1500 and $A.client_hello_bytes <= 2048"
expect "http" - 80 0 ok none none "$A.http_status == 200 and $A.server == \"vpclab\""
expect "redis" - 6379 0 ok none none "$A.answer == \"+PONG\""
expect "mysql" - 3306 0 ok none none "$A.answer == \"8.0.36-vpclab\" and $A.mysql_protocol == 10"
run vp diagnose --private db.vpc.internal:22 --json
ok "a port no protocol is known for: the application row is skipped" jq_is '.paths.private.layers.application.check' skipped
run vp diagnose --private db.vpc.internal:5432 --app none --json
ok "--app none: skipped" jq_is '.paths.private.layers.application.check + " " + (.paths.private.details.application | tostring)' "skipped null"
run vp diagnose --private db.vpc.internal:443 --app http --json
# (OpenSSL-based servers reset a connection that sends HTTP; others answer with an alert)
ok "--app http on a TLS port: HTTP asked, not answered in HTTP" \
  jq_is "$A.asked == \"http\" and ($A.outcome == \"reset\" or $A.spoke == \"TLS\") and .verdict.layer == \"application\"" true

# Every way a service fails after accepting, on the private path; the public one still answers.
expect "silent" app-silent 5432 2 failing application private "$A.outcome == \"silent\"" "$A.total_ms > 900 and $A.total_ms < 1100" \
  '.verdict.fix | contains("ss -ltn")' "$U.outcome == \"answered\"" "$A.request_acked == true"
# its neighbour: the service would answer, but the request never reaches it (a filter passes the
# SYN and drops the data); on the private path, then on the public one
expect "data dropped" data-dropped 5432 2 failing application private \
  "$A.outcome == \"silent\" and $A.request_acked == false and $A.request_held_here == false" \
  "$A.retransmits >= 1" '.paths.private.layers.application.summary == "request never acknowledged"' \
  '.verdict.fix | contains("dropped after the handshake")'
expect "data dropped, public" "data-dropped 5432 public" 5432 1 degraded application public "$U.request_acked == false"
expect "data dropped by this host's own firewall" "data-dropped 5432 here" 5432 2 failing application private \
  "$A.request_acked == false and $A.request_held_here == true" '.verdict.fix | startswith("find the local rule that refuses the data to TCP port 5432")' \
  '.paths.private.layers.application.summary == "request held on this host"'

# Random loss (30 % into db's VPC NIC), six runs: silence or a failed connection there is the loss,
# never a failing service; the verdict names loss or what loss makes fail, not the application.
lab heal
lab fault loss-private 30
app_named=0
for _ in 1 2 3 4 5 6; do
  run vp diagnose --private db.vpc.internal:5432 --json
  [ "$(jq -r .verdict.layer <<<"$out")" = application ] && app_named=$((app_named + 1))
done
ok "30 % loss, six runs: the application layer is never named" test "$app_named" = 0
expect "reset" app-reset 5432 2 failing application private "$A.outcome == \"reset\""
expect "close" app-close 5432 2 failing application private "$A.outcome == \"closed\" and $A.bytes_received == 0"
expect "speaks HTTP" app-speak-http 5432 2 failing application private "$A.outcome == \"other_protocol\" and $A.spoke == \"HTTP\"" \
  '.paths.private.layers.application.summary == "speaks HTTP, not PostgreSQL"'
expect "SSH banner" "app-ssh 5432" 5432 2 failing application private "$A.spoke == \"SSH\""
expect "TLS refused" "app-tls-sni 443" 443 2 failing application private "$A.outcome == \"handshake_failed\"" \
  "$A.tls_error | contains(\"unrecognized name\")" '.verdict.fix | contains("openssl s_client -connect 10.124.0.5:443 -servername db.vpc.internal")'
expect "HTTP on the TLS port" "app-speak-http 443" 443 2 failing application private "$A.spoke == \"HTTP\""
expect "PostgreSQL with TLS" app-postgres-tls 5432 0 ok none none "$A.answer == \"S\" and ($A.tls.version | startswith(\"TLS\"))"
expect "HTTP 503: it answers (a warning, not a failure)" "app-http-503 80" 80 0 ok none none \
  ".paths.private.layers.application.check == \"warn\" and $A.http_status == 503 and $A.error_reply == true"
expect "Redis wants a password" "app-redis-auth 6379" 6379 0 ok none none "$A.auth_required == true"
# The same faults on the public path: degraded, the private path works.
# Intermittent: every other connection fails (one backend of two behind a balancer): the failure
# is tried again, the answer shows, and the path is degraded, not failing.
expect "every other connection reset" app-flaky-reset 5432 1 degraded application private \
  "$A.tries == 2 and $A.answered_tries == 1 and $A.outcome == \"reset\" and $A.other_answer.answer == \"N\"" \
  '.paths.private.layers.application.summary == "intermittent: 1 of 2 failed"'
expect "every other connection speaks HTTP" app-flaky-speak-http 5432 1 degraded application private "$A.spoke == \"HTTP\""
expect "public: every other connection reset" "app-flaky-reset 443 public" 443 1 degraded application public "$U.tries == 2"
# A consistent fast failure is tried three times, all fail: failing
expect "reset, three times" app-reset 5432 2 failing application private "$A.tries == 3 and $A.answered_tries == 0"
expect "public silent" "app-silent 5432 public" 5432 1 degraded application public "$U.outcome == \"silent\"" "$A.outcome == \"answered\""
expect "public reset" "app-reset 443 public" 443 1 degraded application public "$U.outcome == \"reset\""

# Hostile answers are bounded: by the read limit and by the timeout.
expect "a greeting without end" "app-huge 3306" 3306 2 failing application private \
  "$A.bytes_received <= 65536" "$A.total_ms < 500"
expect "one byte a second" "app-slow 80" 80 2 failing application private "$A.outcome == \"incomplete\"" "$A.total_ms < 1100" \
  ".duration_ms < 1500"

# --verify-cert: the self-signed certificate fails; trusted through SSL_CERT_DIR it verifies.
lab heal
run vp diagnose --private db.vpc.internal:443 --verify-cert --json
ok "--verify-cert, self-signed: failing at the application layer, exit 2" \
  bash -c '[ "$0" = 2 ] && [ "$1" = "failing application" ]' "$rc" "$(jq -r '.verdict | "\(.status) \(.layer)"' <<<"$out")"
certs=$(mktemp -d)
cp "/run/$VPCLAB_PREFIX-app/cert.pem" "$certs/lab.pem"
openssl rehash "$certs" >/dev/null 2>&1
run in_node env SSL_CERT_DIR="$certs" "$VPCPROBE" diagnose --private db.vpc.internal:443 --public "$PUB:443" --verify-cert --json
ok "--verify-cert with the lab's certificate trusted: verified on both paths, exit 0" \
  bash -c '[ "$0" = 0 ] && [ "$1" = "true true" ]' "$rc" "$(jq -r '[.paths[].details.application.tls.verified] | join(" ")' <<<"$out")"
run in_node env SSL_CERT_DIR="$certs" "$VPCPROBE" diagnose --private 10.124.0.5:443 --sni wrong.example --verify-cert --json
ok "--sni a name the certificate does not hold: the name check fails" \
  jq_is "$A.tls.sni + \" \" + $A.tls.verify_error + \" \" + .verdict.status" "wrong.example hostname mismatch failing"
rm -rf "$certs"

# The handshake is complete for the server too (TLS 1.3: the client's Finished goes out before
# the close): OpenSSL's own server counts it as an accept that finished, not an error in its log.
lab heal
slog=$(mktemp)
"$LAB" exec db timeout 10 openssl s_server -accept 9443 -cert "/run/$VPCLAB_PREFIX-app/cert.pem" -key "/run/$VPCLAB_PREFIX-app/key.pem" \
  -naccept 1 -www </dev/null >"$slog" 2>&1 &
server=$!
for _ in $(seq 100); do "$LAB" exec db ss -Hltn "sport = :9443" | grep -q . && break; sleep 0.05; done
run vp diagnose --private db.vpc.internal:9443 --app tls --json
wait "$server"
ok "openssl s_server: the handshake completed on its side too" bash -c 'grep -q "1 server accepts that finished" "$0"' "$slog"
ok "openssl s_server: TLS facts on ours" jq_is "$A.tls.version | startswith(\"TLSv1.\")" true
rm -f "$slog"

# A big ClientHello behind a router whose link is small and whose 'fragmentation needed' errors
# are dropped: the handshake never answers, and the verdict names the MTU, not the service.
lab heal
lab fault mtu-blackhole-mid
run vp diagnose --private app.vpc.internal:443 --json
ok "TLS behind an MTU black hole: failing at the mtu layer" jq_is '.verdict | "\(.status) \(.layer)"' "failing mtu"
ok "TLS behind an MTU black hole: the application row shows the silent handshake" jq_is "$A.outcome" silent
ok "TLS behind an MTU black hole: its evidence points at the MTU" jq_is '.paths.private.layers.application.evidence[0] | contains("see the mtu row")' true
run vp diagnose --private app.vpc.internal:5432 --json
ok "PostgreSQL behind the same black hole: small packets pass, the SSLRequest is answered" jq_is "$A.answer" N

# Without privileges: the connect() series and the application check still run.
lab heal
run noraw diagnose --private db.vpc.internal:5432 --public "$PUB:5432" --json
ok "without CAP_NET_RAW: the application answers on both paths, exit 0" \
  bash -c '[ "$0" = 0 ] && [ "$1" = "pass pass" ]' "$rc" "$(jq -r '[.paths[].layers.application.check] | join(" ")' <<<"$out")"
lab fault app-reset
run noraw diagnose --private db.vpc.internal:5432 --json
ok "without CAP_NET_RAW: a reset after accept is still named" jq_is '.verdict | "\(.status) \(.layer)"' "failing application"

# Bad input: one line, exit 3.
run vp diagnose --private db.vpc.internal:5432 --app postgresql
ok "--app postgresql: exit 3, one line naming the choices" bash -c '[ "$0" = 3 ] && [ "$(wc -l <<<"$1")" = 1 ] && grep -q "auto, none, postgres" <<<"$1"' "$rc" "$err"
run vp diagnose --private db.vpc.internal:80 --http-path healthz
ok "--http-path without a slash: exit 3, one line" bash -c '[ "$0" = 3 ] && [ "$(wc -l <<<"$1")" = 1 ]' "$rc" "$err"

# check: per-target app keys, the Prometheus families.
lab heal
lab fault app-silent
dir=$(mktemp -d)
cat > "$dir/targets.toml" <<'TOML'
timeout = 1.0
[[target]]
name = "pg"
private = "db.vpc.internal:5432"
public = "db.public.example:5432"
[[target]]
name = "web"
private = "db.vpc.internal:443"
app = "tls"
sni = "db.vpc.internal"
[[target]]
name = "health"
private = "db.vpc.internal:80"
http_path = "/healthz"
TOML
run in_node "$VPCPROBE" check -f "$dir/targets.toml" -o prometheus
ok "check: exit 2 (pg's private application is silent)" rc_is 2
ok "check: application layer of pg's private path failed" has 'vpcprobe_layer_success{target="pg",path="private",layer="application"} 0'
ok "check: application layer of pg's public path passed" has 'vpcprobe_layer_success{target="pg",path="public",layer="application"} 1'
ok "check: the TLS target's earliest certificate expiry" \
  bash -c 'grep -Eq "^probe_ssl_earliest_cert_expiry\{target=\"web\",path=\"private\"\} [0-9]{10}$" <<<"$0"' "$out"
ok "check: promtool accepts the output" bash -c 'command -v promtool >/dev/null || exit 0; promtool check metrics <<<"$0" >/dev/null 2>&1 || promtool check metrics <<<"$0" 2>&1 | grep -qv "error"' "$out"
printf '[[target]]\nname = "x"\nprivate = "db.vpc.internal:5432"\napp = "pgsql"\n' > "$dir/bad.toml"
run in_node "$VPCPROBE" check -f "$dir/bad.toml"
ok "check: an unknown app in the targets file: exit 3, one line" bash -c '[ "$0" = 3 ] && [ "$(wc -l <<<"$1")" = 1 ] && grep -q "target .x.: app must be" <<<"$1"' "$rc" "$err"
rm -rf "$dir"

finish
