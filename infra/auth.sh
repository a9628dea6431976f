#!/usr/bin/env bash
# Creates, once, the local installation's credentials under $SEPTUM_RUN/auth (directory 0700, files 0600):
#   signing-key.pem / signing-key.pub.pem  RSA key pair; the services verify bearer tokens with the public key
#   cli.token                              septum-admin token that ./septum sends (renewed when older than 25 days)
# Enforcer tokens (role enforcer, one node) are minted by the lab when it starts an enforcer (nodes/<node>.token);
# `./septum auth token --role R …` mints one for anybody else. Idempotent: an existing key is kept, so tokens
# signed with it stay valid.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

command -v openssl >/dev/null || die "openssl is needed to create the signing key; apt-get install openssl"
dir="$SEPTUM_RUN/auth"
umask 077
mkdir -p "$dir"
chmod 700 "$dir"

if [ ! -f "$dir/signing-key.pem" ]; then
  say "creating the token signing key in $dir"
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$dir/.signing-key.pem.tmp" 2>/dev/null
  openssl pkey -in "$dir/.signing-key.pem.tmp" -pubout -out "$dir/signing-key.pub.pem"
  mv "$dir/.signing-key.pem.tmp" "$dir/signing-key.pem"
fi

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }

# mint_admin_token SUBJECT DAYS: an RS256 JWT as io.septum.auth.token.TokenMinter makes it.
mint_admin_token() {
  local subject=$1 days=$2 now header payload input signature
  now=$(date +%s)
  header=$(printf '%s' '{"alg":"RS256","typ":"JWT"}' | b64url)
  payload=$(printf '{"iss":"septum-local","aud":"septum","sub":"%s","upn":"%s","iat":%d,"exp":%d,"jti":"%s","groups":["septum-admin"]}' \
    "$subject" "$subject" "$now" "$((now + days * 86400))" "$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')" | b64url)
  input="$header.$payload"
  signature=$(printf '%s' "$input" | openssl dgst -sha256 -sign "$dir/signing-key.pem" -binary | b64url)
  printf '%s.%s\n' "$input" "$signature"
}

if [ ! -s "$dir/cli.token" ] || [ -n "$(find "$dir/cli.token" -mtime +25 -print)" ] || [ "$dir/signing-key.pem" -nt "$dir/cli.token" ]; then
  say "minting the CLI's token ($dir/cli.token, septum-admin, 30 days)"
  mint_admin_token septum-cli 30 >"$dir/.cli.token.tmp"
  mv "$dir/.cli.token.tmp" "$dir/cli.token"
fi

# --- NATS users and their per-subject permissions (nats-server config, included by infra/nats.sh) ------------
# One user per writer, so that the server itself refuses what a client may not do:
#   identity-service  writes the identities and ipcache buckets, nothing of the others
#   policy-service    writes the policies bucket, reads every node's status
#   key-service       writes the keys bucket
#   flow-service      reads every node's flows
#   enforcer-node-N   publishes only status.node-N and flows.node-N, reads the buckets it watches
#   admin             everything (the CLI, tests, operators)
# Passwords are random, made once, in nats/<user>.password (0600); the clients read them from there.
nats_dir="$dir/nats"
mkdir -p "$nats_dir"
chmod 700 "$nats_dir"
enforcer_nodes=${SEPTUM_NATS_ENFORCER_NODES:-16} # the lab's nodes are node-0 … node-(N-1)

password_of() {
  local file="$nats_dir/$1.password"
  [ -s "$file" ] || od -An -N18 -tx1 /dev/urandom | tr -d ' \n' >"$file"
  cat "$file"
}

# Subjects of the KV buckets: writes are publishes to $KV.<bucket>.<key>; changing a bucket is a
# $JS.API.STREAM.<op>.KV_<bucket> request (create, update, delete, purge, and MSG.DELETE). Its INFO and
# consumers are how a client reads it (a service watches the buckets of others), so they stay allowed.
bucket_writes() { local b; for b in "$@"; do printf '"$KV.%s.>", ' "$b"; done; }
bucket_admin() {
  local b op
  for b in "$@"; do
    for op in CREATE UPDATE DELETE PURGE MSG.DELETE; do printf '"$JS.API.STREAM.%s.KV_%s", ' "$op" "$b"; done
  done
}
# A service may do anything but change the buckets (and node subjects) it does not own; it reads them all.
service_user() {
  local user=$1; shift
  printf '    {user: "%s", password: "%s", permissions: {\n' "$user" "$(password_of "$user")"
  printf '      publish: {allow: [">"], deny: [%s%s"status.>", "flows.>"]}\n' "$(bucket_writes "$@")" "$(bucket_admin "$@")"
  printf '      subscribe: {allow: [">"]}}}\n'
}
# Reading a bucket: its info, consumers (watches) of its stream, direct gets (by sequence: how the traced enforcer
# reads an entry's headers; by subject), acks and flow control. A wildcard is a whole subject token in NATS
# ("KV_*" would be literal), so each bucket is named.
bucket_reads() {
  local b
  for b in "$@"; do
    printf '"$JS.API.STREAM.INFO.KV_%s", "$JS.API.STREAM.MSG.GET.KV_%s", "$JS.API.DIRECT.GET.KV_%s", "$JS.API.DIRECT.GET.KV_%s.>", ' \
      "$b" "$b" "$b" "$b"
    printf '"$JS.API.CONSUMER.CREATE.KV_%s", "$JS.API.CONSUMER.CREATE.KV_%s.>", "$JS.API.CONSUMER.DELETE.KV_%s.>", ' "$b" "$b" "$b"
    printf '"$JS.API.CONSUMER.INFO.KV_%s.>", "$JS.ACK.KV_%s.>", ' "$b" "$b"
  done
}
# What an enforcer's jnats client needs to watch the buckets and publish its status over JetStream, and no more.
enforcer_user() {
  local node=$1
  printf '    {user: "enforcer-%s", password: "%s", permissions: {\n' "$node" "$(password_of "enforcer-$node")"
  printf '      publish: {allow: ["status.%s", "flows.%s", "$JS.API.INFO", "$JS.API.STREAM.NAMES", "$JS.API.STREAM.LIST",\n' "$node" "$node"
  printf '        "$JS.API.STREAM.INFO.SEPTUM_STATUS", "$JS.API.STREAM.CREATE.SEPTUM_STATUS", %s"$JS.FC.>"]}\n' \
    "$(bucket_reads identities ipcache policies keys)"
  printf '      subscribe: {allow: ["_INBOX.>"]}}}\n'
}

{
  echo "# Generated by infra/auth.sh: NATS users and permissions. Do not edit; edit infra/auth.sh."
  echo "authorization {"
  # Seconds a new connection has to authenticate (server default 2): a hundred clients connecting at once on a busy
  # 2-core machine (bench-policy-propagation) took longer and were refused with "Authentication Timeout".
  echo "  timeout: 10"
  echo "  users: ["
  printf '    {user: "admin", password: "%s"}\n' "$(password_of admin)"
  service_user identity-service policies keys
  service_user policy-service identities ipcache keys
  service_user key-service identities ipcache policies
  service_user flow-service identities ipcache policies keys
  for ((i = 0; i < enforcer_nodes; i++)); do enforcer_user "node-$i"; done
  echo "  ]"
  echo "}"
} >"$nats_dir/.users.conf.tmp"
# Replaced only when it changed, so that infra/nats.sh can restart a running server on a change and only then.
if cmp -s "$nats_dir/.users.conf.tmp" "$nats_dir/users.conf"; then
  rm "$nats_dir/.users.conf.tmp"
else
  mv "$nats_dir/.users.conf.tmp" "$nats_dir/users.conf"
fi
