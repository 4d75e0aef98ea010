#!/usr/bin/env bash
# swift-loopback.sh - a real one-node OpenStack Swift (tempauth proxy) plus a real
# Keystone v3 (and a Keystone-backed Swift proxy), from Debian 12 (bookworm)
# packages, bound to 127.0.0.1 only. Test backend for pulumi-drplane.
#
# Adapted from the tested swift-saio.sh in
# /work/shared/reference/swift-keystone-loopback.md (section 5.2). See
# docs/swift-backend.md for the full description.
#
#   swift-loopback.sh start    install packages if missing (apt-get update once,
#                              non-interactive), configure, start, wait until
#                              healthy, print `export DRPLANE_TEST_...=` lines.
#                              A second `start` while healthy is a fast no-op
#                              that only prints the env again.
#   swift-loopback.sh stop     stop every process this script started (data kept)
#   swift-loopback.sh restart  stop + start (configs rewritten, data kept)
#   swift-loopback.sh status   one line per process; exit 0 only if all run
#   swift-loopback.sh env      print the `export ...` lines again
#   swift-loopback.sh clean    stop, unmount the tmpfs, delete $DRPLANE_SWIFT_BASE
#
# Must run as root (apt-get, mount -t tmpfs, /etc/swift/swift.conf).
# Progress and errors go to stderr; stdout carries only the `export` lines.
#
# Knobs (environment; a changed knob makes the next `start` restart everything):
#   DRPLANE_SWIFT_BASE=/srv/drplane-swift   configs, rings, pids, logs, data
#   DRPLANE_SWIFT_LOG_DIR=$BASE/log         one log file per process
#   DRPLANE_SWIFT_PROXY_PORT=8080           tempauth proxy
#   DRPLANE_SWIFT_KS_PROXY_PORT=8081        keystone (authtoken+keystoneauth) proxy
#   DRPLANE_SWIFT_KEYSTONE_PORT=5000        keystone v3 (uwsgi, 1 process/1 thread)
#   DRPLANE_SWIFT_OBJECT_PORT=6200 DRPLANE_SWIFT_CONTAINER_PORT=6201
#   DRPLANE_SWIFT_ACCOUNT_PORT=6202 DRPLANE_SWIFT_MEMCACHED_PORT=11211
#   DRPLANE_SWIFT_PROXY_WORKERS=2
#   DRPLANE_SWIFT_SLO_SEGMENTS_PER_SEC=0    Swift's own default is 1: after the 10th
#                                           segment, segments < 1 MiB are served at
#                                           1/s on GET (SLO and DLO). 0 = no throttle.
#   DRPLANE_SWIFT_STORAGE=tmpfs|dir         object/container/account data location
#   DRPLANE_SWIFT_TMPFS_SIZE=4g
#   DRPLANE_SWIFT_REGION=RegionOne          region of the object-store endpoints
#   DRPLANE_SWIFT_KS_DOMAIN=drplane-domain  non-default domain of the test user+project
#   DRPLANE_SWIFT_KS_PROJECT=drplane-project
#   DRPLANE_SWIFT_KS_USER=drplane-tester
#   DRPLANE_SWIFT_KS_PASSWORD=drplane-secret
#   DRPLANE_SWIFT_KS_ADMIN_PASSWORD=adminpass   keystone `admin` (Default domain)
#   DRPLANE_SWIFT_KS_SERVICE_PASSWORD=swiftpass keystone `swift` service user
#   DRPLANE_SWIFT_LOCK=/run/lock/drplane-swift-loopback.lock
#   DRPLANE_SWIFT_APT_LOCK_TIMEOUT=600      seconds to wait for another apt/dpkg
set -Eeuo pipefail

BASE=${DRPLANE_SWIFT_BASE:-/srv/drplane-swift}
LOG=${DRPLANE_SWIFT_LOG_DIR:-$BASE/log}
PROXY_PORT=${DRPLANE_SWIFT_PROXY_PORT:-8080}
KS_PROXY_PORT=${DRPLANE_SWIFT_KS_PROXY_PORT:-8081}
KS_PORT=${DRPLANE_SWIFT_KEYSTONE_PORT:-5000}
OBJ_PORT=${DRPLANE_SWIFT_OBJECT_PORT:-6200}
CONT_PORT=${DRPLANE_SWIFT_CONTAINER_PORT:-6201}
ACCT_PORT=${DRPLANE_SWIFT_ACCOUNT_PORT:-6202}
MC_PORT=${DRPLANE_SWIFT_MEMCACHED_PORT:-11211}
WORKERS=${DRPLANE_SWIFT_PROXY_WORKERS:-2}
PART_POWER=8
SEG_PER_SEC=${DRPLANE_SWIFT_SLO_SEGMENTS_PER_SEC:-0}
STORAGE=${DRPLANE_SWIFT_STORAGE:-tmpfs}
TMPFS_SIZE=${DRPLANE_SWIFT_TMPFS_SIZE:-4g}
REGION=${DRPLANE_SWIFT_REGION:-RegionOne}
KS_DOMAIN=${DRPLANE_SWIFT_KS_DOMAIN:-drplane-domain}
KS_PROJECT=${DRPLANE_SWIFT_KS_PROJECT:-drplane-project}
KS_USER=${DRPLANE_SWIFT_KS_USER:-drplane-tester}
KS_TEST_PW=${DRPLANE_SWIFT_KS_PASSWORD:-drplane-secret}
KS_ADMIN_PW=${DRPLANE_SWIFT_KS_ADMIN_PASSWORD:-adminpass}
KS_SERVICE_PW=${DRPLANE_SWIFT_KS_SERVICE_PASSWORD:-swiftpass}
LOCK=${DRPLANE_SWIFT_LOCK:-/run/lock/drplane-swift-loopback.lock}
APT_LOCK_TIMEOUT=${DRPLANE_SWIFT_APT_LOCK_TIMEOUT:-600}
# tempauth test account (fixed, as in Swift's own functional test setup)
TA_USER=test:tester
TA_KEY=testing

ETC=$BASE/etc; RUN=$BASE/run; DEV=$BASE/srv/node; KSD=$BASE/keystone
KS_URL=http://127.0.0.1:$KS_PORT
PY=/usr/bin/python3 # Debian's python owns the swift/keystone modules (not pyenv's)
SERVICES=(memcached account container object updater proxy keystone proxy-keystone)

T0=$SECONDS
log() { echo "[swift-loopback +$((SECONDS - T0))s] $*" >&2; }
die() {
  echo "swift-loopback: ERROR: $*" >&2
  exit 1
}
show_log() { # name... : tail of $LOG/<name>.log on stderr
  local n
  for n in "$@"; do
    [ -s "$LOG/$n.log" ] || continue
    echo "----- tail -n 30 $LOG/$n.log -----" >&2
    tail -n 30 "$LOG/$n.log" >&2
  done
  echo "----- (all logs: $LOG) -----" >&2
}
trap 'echo "swift-loopback: ERROR: command failed (rc=$?): $BASH_COMMAND (logs: $LOG)" >&2' ERR

# ---------------------------------------------------------------- packages

SWIFT_PKGS=(swift swift-proxy swift-account swift-container swift-object
  python3-swiftclient memcached curl)
KS_PKGS=(python3-keystone python3-keystonemiddleware uwsgi-core uwsgi-plugin-python3)
OWN_POLICY=0
cleanup_policy() { if [ "$OWN_POLICY" = 1 ]; then rm -f /usr/sbin/policy-rc.d; OWN_POLICY=0; fi; }

install_pkgs() {
  local need=() p
  for p in "${SWIFT_PKGS[@]}" "${KS_PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
  done
  [ ${#need[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 ||
    die "apt-get not found, and these Debian packages are missing: ${need[*]}. This script needs Debian 12 (bookworm) with apt; otherwise point the tests at an existing Swift (see docs/swift-backend.md)."
  if ! grep -qs '^12\.' /etc/debian_version; then
    log "WARNING: not Debian 12 (bookworm); package names/versions may differ"
  fi
  log "apt-get install ${need[*]}"
  # Keep maintainer scripts from starting the packaged swift/memcached services
  # (they would run under uwsgi/systemd on our ports).
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    OWN_POLICY=1
    trap cleanup_policy EXIT
  fi
  export DEBIAN_FRONTEND=noninteractive DEBCONF_NONINTERACTIVE_SEEN=true NEEDRESTART_MODE=a
  local aptopts=(-o "DPkg::Lock::Timeout=$APT_LOCK_TIMEOUT" -o Dpkg::Options::=--force-confdef
    -o Dpkg::Options::=--force-confold)
  apt-get "${aptopts[@]}" update -qq </dev/null >"$BASE/apt.log" 2>&1 ||
    { tail -n 30 "$BASE/apt.log" >&2; die "apt-get update failed (full output: $BASE/apt.log)"; }
  apt-get "${aptopts[@]}" install -y -qq --no-install-recommends "${need[@]}" </dev/null >>"$BASE/apt.log" 2>&1 ||
    { tail -n 30 "$BASE/apt.log" >&2; die "apt-get install failed (full output: $BASE/apt.log)"; }
  cleanup_policy
  if [ -d /run/systemd/system ]; then # systemd hosts may still have started them
    systemctl stop memcached swift-proxy swift-account swift-container swift-object 2>/dev/null || true
  fi
}

# ---------------------------------------------------------------- configs

write_if_changed() { # path ; content on stdin
  local tmp
  tmp=$(mktemp)
  cat >"$tmp"
  if [ -f "$1" ] && cmp -s "$tmp" "$1"; then rm -f "$tmp"; else
    mv "$tmp" "$1"
    chmod 644 "$1"
  fi
}

write_configs() {
  mkdir -p "$ETC" "$RUN" "$LOG" "$DEV/d1" "$BASE/cache" "$KSD/fernet-keys" "$KSD/credential-keys"
  # Swift reads /etc/swift/swift.conf from a hard-coded path (no override).
  mkdir -p /etc/swift
  write_if_changed /etc/swift/swift.conf <<EOF
[swift-hash]
swift_hash_path_prefix = saio-prefix
swift_hash_path_suffix = saio-suffix

[storage-policy:0]
name = gold
aliases = Policy-0
default = yes

[storage-policy:1]
name = silver

[swift-constraints]
EOF
  local common="devices = $DEV
mount_check = false
disable_fallocate = true
bind_ip = 127.0.0.1
user = root
swift_dir = $ETC
workers = 1
recon_cache_path = $BASE/cache
log_level = INFO"
  local t port extra
  for t in account container object; do
    case $t in
      account)
        port=$ACCT_PORT
        extra="[account-replicator]
[account-auditor]
[account-reaper]"
        ;;
      container)
        port=$CONT_PORT
        extra="[container-replicator]
[container-updater]
# account stats converge ~2 s after object changes; WARNING: no log line per sweep
interval = 2
log_level = WARNING
[container-auditor]
[container-sync]
[container-sharder]"
        ;;
      object)
        port=$OBJ_PORT
        extra="[object-replicator]
[object-reconstructor]
[object-updater]
[object-auditor]"
        ;;
    esac
    write_if_changed "$ETC/$t-server.conf" <<EOF
[DEFAULT]
$common
bind_port = $port

[pipeline:main]
pipeline = healthcheck recon $t-server

[app:$t-server]
use = egg:swift#$t

[filter:healthcheck]
use = egg:swift#healthcheck

[filter:recon]
use = egg:swift#recon

$extra
EOF
  done

  local filters="[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
allow_account_management = true

[filter:catch_errors]
use = egg:swift#catch_errors

[filter:gatekeeper]
use = egg:swift#gatekeeper

[filter:healthcheck]
use = egg:swift#healthcheck

[filter:proxy-logging]
use = egg:swift#proxy_logging

[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$MC_PORT

[filter:listing_formats]
use = egg:swift#listing_formats

[filter:bulk]
use = egg:swift#bulk

[filter:tempurl]
use = egg:swift#tempurl

[filter:ratelimit]
use = egg:swift#ratelimit

[filter:copy]
use = egg:swift#copy

[filter:container-quotas]
use = egg:swift#container_quotas

[filter:account-quotas]
use = egg:swift#account_quotas

[filter:slo]
use = egg:swift#slo
max_manifest_segments = 1000
max_manifest_size = 8388608
rate_limit_after_segment = 10
rate_limit_segments_per_sec = $SEG_PER_SEC

[filter:dlo]
use = egg:swift#dlo
rate_limit_after_segment = 10
rate_limit_segments_per_sec = $SEG_PER_SEC

[filter:versioned_writes]
use = egg:swift#versioned_writes
allow_versioned_writes = true
allow_object_versioning = true

[filter:symlink]
use = egg:swift#symlink"
  local head="catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk tempurl ratelimit"
  local tail="copy container-quotas account-quotas slo dlo versioned_writes symlink proxy-logging proxy-server"

  write_if_changed "$ETC/proxy-server.conf" <<EOF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $PROXY_PORT
user = root
swift_dir = $ETC
workers = $WORKERS
log_level = INFO

[pipeline:main]
pipeline = $head tempauth $tail

[filter:tempauth]
use = egg:swift#tempauth
user_admin_admin = admin .admin .reseller_admin
user_test_tester = $TA_KEY .admin
user_test_tester3 = testing3
user_test2_tester2 = testing2 .admin
token_life = 86400

$filters
EOF

  # Separate proxy for Keystone: chaining tempauth and keystoneauth in one
  # pipeline would send every tempauth token to Keystone (same AUTH_ prefix).
  write_if_changed "$ETC/proxy-server-keystone.conf" <<EOF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $KS_PROXY_PORT
user = root
swift_dir = $ETC
workers = $WORKERS
log_level = INFO

[pipeline:main]
pipeline = $head authtoken keystoneauth $tail

[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory
www_authenticate_uri = $KS_URL
auth_url = $KS_URL
auth_type = password
project_domain_id = default
user_domain_id = default
project_name = service
username = swift
password = $KS_SERVICE_PW
delay_auth_decision = True
memcached_servers = 127.0.0.1:$MC_PORT
include_service_catalog = False

[filter:keystoneauth]
use = egg:swift#keystoneauth
operator_roles = admin, swiftoperator
reseller_admin_role = ResellerAdmin

$filters
EOF

  write_if_changed "$KSD/keystone.conf" <<EOF
[DEFAULT]
log_file = $LOG/keystone.log
[database]
connection = sqlite:///$KSD/keystone.db
[token]
provider = fernet
expiration = 86400
[fernet_tokens]
key_repository = $KSD/fernet-keys
[fernet_receipts]
key_repository = $KSD/fernet-keys
[credential]
key_repository = $KSD/credential-keys
[identity]
# cheap bcrypt for tests (default 12 rounds makes every password auth ~0.3 s);
# must be in place before bootstrap hashes the admin password
password_hash_rounds = 4
[cache]
# without a cache every token validation runs ~200 SQL queries (~0.3 s)
enabled = true
backend = dogpile.cache.memory
EOF

  write_if_changed "$KSD/provision.py" <<'EOF'
"""Idempotently provision a bootstrapped Keystone for the drplane tests
(stdlib only): the `swift` service user, a non-default domain holding the test
project and test user, and the object-store endpoints. Prints ids as JSON."""
import json, sys, urllib.error, urllib.parse, urllib.request

(KS, ADMIN_PW, SERVICE_PW, TEST_PW, SWIFT_URL, REGION,
 DOMAIN, PROJECT, USER) = sys.argv[1:10]


def call(method, path, body=None, token=None):
    req = urllib.request.Request(
        KS + path, method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={'Content-Type': 'application/json',
                 **({'X-Auth-Token': token} if token else {})})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            data = r.read()
            return r.headers, (json.loads(data) if data else None)
    except urllib.error.HTTPError as e:
        raise SystemExit('keystone provisioning: %s %s -> %s %s'
                         % (method, path, e.code, e.read()[:300]))


h, _ = call('POST', '/v3/auth/tokens', {'auth': {
    'identity': {'methods': ['password'], 'password': {'user': {
        'name': 'admin', 'domain': {'id': 'default'}, 'password': ADMIN_PW}}},
    'scope': {'project': {'name': 'admin', 'domain': {'id': 'default'}}}}})
T = h['X-Subject-Token']


def ensure(kind, body, **query):
    plural = kind + 's'
    _, r = call('GET', '/v3/%s?%s' % (plural, urllib.parse.urlencode(query)), token=T)
    if r[plural]:
        return r[plural][0]
    return call('POST', '/v3/' + plural, {kind: body}, token=T)[1][kind]


role = {n: ensure('role', {'name': n}, name=n)['id']
        for n in ('admin', 'member', 'reader', 'swiftoperator', 'service', 'ResellerAdmin')}

# service user for keystonemiddleware (Default domain, project `service`)
p_service = ensure('project', {'name': 'service', 'domain_id': 'default'},
                   name='service', domain_id='default')['id']
u_swift = ensure('user', {'name': 'swift', 'domain_id': 'default', 'password': SERVICE_PW,
                          'default_project_id': p_service},
                 name='swift', domain_id='default')['id']

# test identity in a non-default domain: its id (random uuid) differs from its
# name, so clients that confuse domain id and name fail loudly
d = ensure('domain', {'name': DOMAIN, 'enabled': True,
                      'description': 'pulumi-drplane test domain'}, name=DOMAIN)['id']
p_test = ensure('project', {'name': PROJECT, 'domain_id': d, 'enabled': True},
                name=PROJECT, domain_id=d)['id']
u = ensure('user', {'name': USER, 'domain_id': d, 'password': TEST_PW,
                    'default_project_id': p_test, 'enabled': True},
           name=USER, domain_id=d)
u_test = u['id']
# keep the password in sync with the knob (idempotent)
call('PATCH', '/v3/users/' + u_test, {'user': {'password': TEST_PW}}, token=T)

for p, uid, r in ((p_service, u_swift, 'admin'), (p_service, u_swift, 'service'),
                  (p_test, u_test, 'member'), (p_test, u_test, 'swiftoperator')):
    call('PUT', '/v3/projects/%s/users/%s/roles/%s' % (p, uid, role[r]), token=T)

_, r = call('GET', '/v3/regions', token=T)
if REGION not in {x['id'] for x in r['regions']}:
    call('POST', '/v3/regions', {'region': {'id': REGION}}, token=T)

svc = ensure('service', {'name': 'swift', 'type': 'object-store', 'enabled': True},
             type='object-store')['id']
url = SWIFT_URL + '/v1/AUTH_%(project_id)s'
_, r = call('GET', '/v3/endpoints?service_id=' + svc, token=T)
have = {e['interface']: e for e in r['endpoints']}
for iface in ('public', 'internal', 'admin'):
    e = have.get(iface)
    if e is None:
        call('POST', '/v3/endpoints', {'endpoint': {
            'service_id': svc, 'interface': iface, 'region_id': REGION,
            'url': url, 'enabled': True}}, token=T)
    elif e['url'] != url or e.get('region_id') != REGION:
        call('PATCH', '/v3/endpoints/' + e['id'], {'endpoint': {
            'url': url, 'region_id': REGION}}, token=T)

print(json.dumps({'domain_id': d, 'project_id': p_test, 'user_id': u_test,
                  'service_project_id': p_service}))
EOF
}

# ---------------------------------------------------------------- storage, rings, keystone

prepare_storage() {
  mkdir -p "$DEV/d1"
  [ "$STORAGE" = tmpfs ] || return 0
  mountpoint -q "$DEV/d1" && return 0
  # Plain ext4 keeps all xattrs of an inode in one 4 KiB block: objects with
  # near-max metadata then fail with 503 (ENOSPC on setxattr). tmpfs (kernel
  # >= 6.6 for user xattrs) has no such limit.
  if mount -t tmpfs -o "size=$TMPFS_SIZE,mode=755" drplane-swift "$DEV/d1" 2>/dev/null; then
    if touch "$DEV/d1/.probe" &&
      "$PY" -c 'import os,sys; os.setxattr(sys.argv[1], "user.swift.probe", b"x" * 8192)' "$DEV/d1/.probe" 2>/dev/null; then
      rm -f "$DEV/d1/.probe"
      return 0
    fi
    umount "$DEV/d1"
  fi
  log "WARNING: tmpfs with user xattrs unavailable, using a plain directory (object metadata > ~3.5 KiB will fail with 503)"
}

build_rings() { # one python process instead of 12 swift-ring-builder calls (~8 s)
  "$PY" - "$ETC" "$PART_POWER" "$ACCT_PORT" "$CONT_PORT" "$OBJ_PORT" <<'EOF'
import os, sys
from swift.common.ring import RingBuilder, RingData
etc, pp, acct, cont, obj = sys.argv[1], *map(int, sys.argv[2:])
for name, port in (('account', acct), ('container', cont), ('object', obj), ('object-1', obj)):
    path = '%s/%s.ring.gz' % (etc, name)
    if os.path.exists(path):
        devs = RingData.load(path).devs
        if devs and devs[0] and devs[0]['port'] == port:
            continue
    b = RingBuilder(pp, 1, 1)  # part_power, replicas, min_part_hours
    b.add_dev({'region': 1, 'zone': 1, 'ip': '127.0.0.1', 'port': port,
               'replication_ip': '127.0.0.1', 'replication_port': port,
               'device': 'd1', 'weight': 100, 'meta': ''})
    b.rebalance()
    b.get_ring().save(path)
    b.save('%s/%s.builder' % (etc, name))
EOF
}

keystone_init() {
  [ -f "$KSD/.bootstrapped" ] && return 0
  log "initialising keystone (sqlite, fernet)"
  rm -f "$KSD/keystone.db"
  rm -rf "${KSD:?}/fernet-keys"/* "${KSD:?}/credential-keys"/*
  local K=(keystone-manage --config-file "$KSD/keystone.conf") ml=$LOG/keystone-manage.log
  # keystone-manage prints a harmless eventlet "Exception ignored" traceback at exit
  "${K[@]}" db_sync >>"$ml" 2>&1 </dev/null &
  local p1=$!
  "${K[@]}" fernet_setup --keystone-user root --keystone-group root >>"$ml" 2>&1 </dev/null &
  local p2=$!
  "${K[@]}" credential_setup --keystone-user root --keystone-group root >>"$ml" 2>&1 </dev/null &
  local p3=$!
  local ok=1
  wait $p1 || ok=0
  wait $p2 || ok=0
  wait $p3 || ok=0
  [ $ok = 1 ] || { show_log keystone-manage; die "keystone-manage db_sync/fernet_setup/credential_setup failed"; }
  "${K[@]}" bootstrap --bootstrap-password "$KS_ADMIN_PW" --bootstrap-username admin \
    --bootstrap-project-name admin --bootstrap-role-name admin \
    --bootstrap-service-name keystone --bootstrap-region-id "$REGION" \
    --bootstrap-admin-url "$KS_URL/v3" --bootstrap-public-url "$KS_URL/v3" \
    --bootstrap-internal-url "$KS_URL/v3" >>"$ml" 2>&1 </dev/null ||
    { show_log keystone-manage; die "keystone-manage bootstrap failed"; }
  touch "$KSD/.bootstrapped"
}

# ---------------------------------------------------------------- processes

running() { # pid -> exists and is not a zombie (init may reap late)
  local st
  st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$st" ] && [ "$st" != Z ]
}

alive() { # name -> running and really ours (cmdline mentions $BASE)?
  local pid
  [ -f "$RUN/$1.pid" ] || return 1
  pid=$(cat "$RUN/$1.pid")
  [ -n "$pid" ] || return 1
  running "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$BASE"
}

port_of() {
  case $1 in
    memcached) echo "$MC_PORT DRPLANE_SWIFT_MEMCACHED_PORT" ;;
    account) echo "$ACCT_PORT DRPLANE_SWIFT_ACCOUNT_PORT" ;;
    container) echo "$CONT_PORT DRPLANE_SWIFT_CONTAINER_PORT" ;;
    object) echo "$OBJ_PORT DRPLANE_SWIFT_OBJECT_PORT" ;;
    proxy) echo "$PROXY_PORT DRPLANE_SWIFT_PROXY_PORT" ;;
    keystone) echo "$KS_PORT DRPLANE_SWIFT_KEYSTONE_PORT" ;;
    proxy-keystone) echo "$KS_PROXY_PORT DRPLANE_SWIFT_KS_PROXY_PORT" ;;
    *) echo "" ;;
  esac
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

check_ports() { # refuse to start next to a foreign listener on one of our ports
  local n pp
  for n in "${SERVICES[@]}"; do
    alive "$n" && continue
    pp=$(port_of "$n")
    [ -n "$pp" ] || continue
    set -- $pp
    if port_busy "$1"; then
      die "port 127.0.0.1:$1 (for $n) is already in use by a process this script did not start ($BASE/run has no live pid for it). Stop that process, or choose another port with $2=<port>."
    fi
  done
}

start_bg() { # name cmd...  (own session => stop can signal the whole group)
  local name=$1
  shift
  alive "$name" && return 0
  # 9>&- : do not leak the flock fd into the long-running servers
  setsid "$@" >>"$LOG/$name.log" 2>&1 </dev/null 9>&- &
  echo $! >"$RUN/$name.pid"
}

start_all() {
  # memcached: -P (unused without -d) puts $BASE into argv so alive() recognises it
  start_bg memcached memcached -u memcache -l 127.0.0.1 -p "$MC_PORT" -U 0 -m 64 \
    -P "$RUN/memcached.pid.unused"
  start_bg account swift-account-server "$ETC/account-server.conf" -v
  start_bg container swift-container-server "$ETC/container-server.conf" -v
  start_bg object swift-object-server "$ETC/object-server.conf" -v
  start_bg updater swift-container-updater "$ETC/container-server.conf" -v
  start_bg proxy swift-proxy-server "$ETC/proxy-server.conf" -v
  # Keystone on sqlite: ONE process, ONE thread, or "database is locked" 500s.
  # uwsgi's --http-socket closes the connection after every response but answers
  # HTTP/1.1 without "Connection: close"; keystonemiddleware (requests) then
  # reuses the socket (discovery GET, then POST) and fails with RemoteDisconnected
  # -> a spurious 401 on the keystone proxy. Say "Connection: close" explicitly.
  start_bg keystone uwsgi_python3 --http-socket "127.0.0.1:$KS_PORT" \
    --wsgi-file /usr/bin/keystone-wsgi-public --master --processes 1 --threads 1 \
    --add-header "Connection: close" \
    --die-on-term --need-app --env "OS_KEYSTONE_CONFIG_DIR=$KSD"
  start_bg proxy-keystone swift-proxy-server "$ETC/proxy-server-keystone.conf" -v
}

stop_all() {
  local n pid pids=()
  for n in proxy-keystone proxy keystone updater object container account memcached; do
    [ -f "$RUN/$n.pid" ] || continue
    pid=$(cat "$RUN/$n.pid")
    if alive "$n"; then
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
    rm -f "$RUN/$n.pid"
  done
  rm -f "$RUN/fingerprint"
  [ ${#pids[@]} -gt 0 ] || return 0
  local i left
  for i in $(seq 1 100); do
    left=0
    for pid in "${pids[@]}"; do running "$pid" && left=1; done
    [ $left = 0 ] && return 0
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true; done
}

# ---------------------------------------------------------------- health

wait_url() { # url logname [seconds]
  local i tries=$((${3:-60} * 5))
  for i in $(seq 1 "$tries"); do
    curl -fsS --max-time 3 -o /dev/null "$1" 2>/dev/null && return 0
    if [ -n "${2:-}" ] && ! alive "$2"; then
      show_log "$2"
      die "$2 exited while waiting for $1"
    fi
    sleep 0.2
  done
  show_log "$2"
  die "not healthy after ${3:-60}s: $1"
}

ks_token() { # prints X-Subject-Token for the test user, scoped by project id
  curl -fsS --max-time 10 -D - -o /dev/null -H 'Content-Type: application/json' \
    "$KS_URL/v3/auth/tokens" -d "$("$PY" -c '
import json, sys
user, dom, pw, proj = sys.argv[1:5]
print(json.dumps({"auth": {"identity": {"methods": ["password"], "password": {"user": {
    "name": user, "domain": {"id": dom}, "password": pw}}},
    "scope": {"project": {"id": proj}}}}))' "$KS_USER" "$1" "$KS_TEST_PW" "$2")" |
    tr -d '\r' | awk 'tolower($1)=="x-subject-token:"{print $2}'
}

ids_get() { "$PY" -c 'import json,sys;print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$KSD/ids.json" "$1"; }

wait_healthy() {
  local p i tok n
  for n in account container object proxy; do
    p=$(port_of $n)
    wait_url "http://127.0.0.1:${p%% *}/healthcheck" "$n"
  done
  # tempauth keeps tokens in memcached: auth + account HEAD proves the chain
  for i in $(seq 1 50); do
    tok=$(curl -fsS --max-time 5 -D - -o /dev/null -H "X-Auth-User: $TA_USER" -H "X-Auth-Key: $TA_KEY" \
      "http://127.0.0.1:$PROXY_PORT/auth/v1.0" 2>/dev/null | tr -d '\r' |
      awk 'tolower($1)=="x-auth-token:"{print $2}') || true
    if [ -n "$tok" ] && curl -fsS --max-time 5 -o /dev/null -I -H "X-Auth-Token: $tok" \
      "http://127.0.0.1:$PROXY_PORT/v1/AUTH_test" 2>/dev/null; then
      break
    fi
    if [ "$i" = 50 ]; then
      show_log proxy memcached
      die "tempauth (test:tester) cannot authenticate/HEAD its account on :$PROXY_PORT"
    fi
    sleep 0.2
  done
  log "swift (tempauth :$PROXY_PORT) healthy"
  wait_url "$KS_URL/v3" keystone 90
  "$PY" "$KSD/provision.py" "$KS_URL" "$KS_ADMIN_PW" "$KS_SERVICE_PW" "$KS_TEST_PW" \
    "http://127.0.0.1:$KS_PROXY_PORT" "$REGION" "$KS_DOMAIN" "$KS_PROJECT" "$KS_USER" \
    >"$KSD/ids.json.tmp" 2>>"$LOG/provision.log" ||
    { show_log provision keystone keystone-uwsgi; die "keystone provisioning failed"; }
  mv "$KSD/ids.json.tmp" "$KSD/ids.json"
  wait_url "http://127.0.0.1:$KS_PROXY_PORT/healthcheck" proxy-keystone
  local pid did
  pid=$(ids_get project_id)
  did=$(ids_get domain_id)
  for i in $(seq 1 25); do
    tok=$(ks_token "$did" "$pid" 2>/dev/null) || true
    if [ -n "$tok" ] && curl -fsS --max-time 10 -o /dev/null -I -H "X-Auth-Token: $tok" \
      "http://127.0.0.1:$KS_PROXY_PORT/v1/AUTH_$pid" 2>/dev/null; then
      log "keystone v3 (:$KS_PORT) + keystone proxy (:$KS_PROXY_PORT) healthy"
      return 0
    fi
    sleep 0.4
  done
  show_log proxy-keystone keystone
  die "keystone token for $KS_USER is not accepted by the keystone proxy on :$KS_PROXY_PORT"
}

quick_healthy() { # cheap check for the idempotent fast path
  curl -fsS --max-time 3 -o /dev/null "http://127.0.0.1:$PROXY_PORT/healthcheck" 2>/dev/null &&
    curl -fsS --max-time 3 -o /dev/null "http://127.0.0.1:$KS_PROXY_PORT/healthcheck" 2>/dev/null &&
    curl -fsS --max-time 3 -o /dev/null "$KS_URL/v3" 2>/dev/null
}

all_alive() {
  local n
  for n in "${SERVICES[@]}"; do alive "$n" || return 1; done
}

fingerprint() {
  printf '%s\n' "$BASE" "$LOG" "$PROXY_PORT" "$KS_PROXY_PORT" "$KS_PORT" "$OBJ_PORT" "$CONT_PORT" \
    "$ACCT_PORT" "$MC_PORT" "$WORKERS" "$SEG_PER_SEC" "$STORAGE" "$TMPFS_SIZE" "$REGION" \
    "$KS_DOMAIN" "$KS_PROJECT" "$KS_USER" "$KS_TEST_PW" "$KS_ADMIN_PW" "$KS_SERVICE_PW" |
    md5sum | cut -c1-32
}

# ---------------------------------------------------------------- env

q() { # shell-quote a value only when needed
  if [[ $1 =~ ^[A-Za-z0-9_./:@%+,=-]*$ ]]; then printf '%s' "$1"; else
    printf "'%s'" "${1//\'/\'\\\'\'}"
  fi
}

write_env() {
  local pid did uid
  pid=$(ids_get project_id)
  did=$(ids_get domain_id)
  uid=$(ids_get user_id)
  {
    echo "# pulumi-drplane loopback Swift test backend ($BASE); generated by scripts/swift/swift-loopback.sh"
    echo "export DRPLANE_TEST_SWIFT_TEMPAUTH_URL=$(q "http://127.0.0.1:$PROXY_PORT/auth/v1.0")"
    echo "export DRPLANE_TEST_SWIFT_TEMPAUTH_USER=$(q "$TA_USER")"
    echo "export DRPLANE_TEST_SWIFT_TEMPAUTH_KEY=$(q "$TA_KEY")"
    echo "export DRPLANE_TEST_SWIFT_INFO_URL=$(q "http://127.0.0.1:$PROXY_PORT/info")"
    echo "export DRPLANE_TEST_KEYSTONE_URL=$(q "$KS_URL/v3")"
    echo "export DRPLANE_TEST_KEYSTONE_USERNAME=$(q "$KS_USER")"
    echo "export DRPLANE_TEST_KEYSTONE_USER_ID=$(q "$uid")"
    echo "export DRPLANE_TEST_KEYSTONE_PASSWORD=$(q "$KS_TEST_PW")"
    echo "export DRPLANE_TEST_KEYSTONE_USER_DOMAIN_ID=$(q "$did")"
    echo "export DRPLANE_TEST_KEYSTONE_USER_DOMAIN_NAME=$(q "$KS_DOMAIN")"
    echo "export DRPLANE_TEST_KEYSTONE_PROJECT_ID=$(q "$pid")"
    echo "export DRPLANE_TEST_KEYSTONE_PROJECT_NAME=$(q "$KS_PROJECT")"
    echo "export DRPLANE_TEST_KEYSTONE_PROJECT_DOMAIN_ID=$(q "$did")"
    echo "export DRPLANE_TEST_KEYSTONE_PROJECT_DOMAIN_NAME=$(q "$KS_DOMAIN")"
    echo "export DRPLANE_TEST_KEYSTONE_REGION=$(q "$REGION")"
    echo "export DRPLANE_TEST_SWIFT_LOG_DIR=$(q "$LOG")"
  } >"$BASE/env.tmp"
  mv "$BASE/env.tmp" "$BASE/env"
}

# ---------------------------------------------------------------- commands

need_root() {
  [ "$(id -u)" = 0 ] ||
    die "must run as root (apt-get, mount -t tmpfs, /etc/swift/swift.conf); e.g. sudo bash $0 ${CMD}. Or point the tests at an existing Swift instead (DRPLANE_TEST_* variables, see docs/swift-backend.md)."
}

take_lock() { # serialise start/stop/clean between concurrent callers (e.g. parallel test files)
  local dir
  dir=$(dirname "$LOCK")
  [ -d "$dir" ] || LOCK=/tmp/$(basename "$LOCK")
  exec 9>"$LOCK"
  if ! flock -n 9; then
    log "waiting for another swift-loopback.sh (lock $LOCK)"
    flock -w 1800 9 || die "timed out waiting for lock $LOCK"
  fi
}

do_start() {
  mkdir -p "$BASE" "$RUN" "$LOG"
  local fp
  fp=$(fingerprint)
  if all_alive && [ -f "$BASE/env" ] && [ "$(cat "$RUN/fingerprint" 2>/dev/null)" = "$fp" ] && quick_healthy; then
    log "already running and healthy (no-op); env file: $BASE/env"
    cat "$BASE/env"
    return 0
  fi
  if [ -f "$RUN/fingerprint" ] && [ "$(cat "$RUN/fingerprint")" != "$fp" ]; then
    log "settings changed since the last start: restarting all processes"
    stop_all
  fi
  rm -f "$BASE/env" # written again only once everything is healthy
  install_pkgs
  log "packages ready"
  write_configs
  prepare_storage
  build_rings
  keystone_init
  log "configured (base $BASE, logs $LOG)"
  check_ports
  start_all
  echo "$fp" >"$RUN/fingerprint" # the settings the running processes were started with
  wait_healthy
  write_env
  log "healthy; env file: $BASE/env"
  cat "$BASE/env"
}

do_status() {
  local n rc=0 pp
  for n in "${SERVICES[@]}"; do
    pp=$(port_of "$n")
    if alive "$n"; then
      echo "$n running (pid $(cat "$RUN/$n.pid")${pp:+, 127.0.0.1:${pp%% *}})"
    else
      echo "$n stopped"
      rc=3
    fi
  done
  echo "base $BASE, logs $LOG"
  return $rc
}

CMD=${1:-start}
case "$CMD" in
  start)
    need_root
    take_lock
    do_start
    ;;
  stop)
    need_root
    take_lock
    stop_all
    log "stopped (data kept in $BASE)"
    ;;
  restart)
    need_root
    take_lock
    stop_all
    do_start
    ;;
  status)
    rc=0
    do_status || rc=$?
    exit $rc
    ;;
  env)
    [ -f "$BASE/env" ] || die "no env file at $BASE/env: run '$0 start' first"
    cat "$BASE/env"
    ;;
  clean)
    need_root
    take_lock
    stop_all
    if mountpoint -q "$DEV/d1" 2>/dev/null; then umount "$DEV/d1"; fi
    rm -rf "$BASE"
    [ "$LOG" = "$BASE/log" ] || log "custom log dir $LOG left in place"
    log "removed $BASE (packages and /etc/swift/swift.conf are left in place)"
    ;;
  -h | --help | help) sed -n '2,50p' "$0" | sed -n '/^#/!q;s/^# \{0,1\}//p' ;;
  *)
    echo "usage: $0 {start|stop|restart|status|env|clean}" >&2
    exit 2
    ;;
esac
