#!/usr/bin/env bash
# End-to-end suite for the authenticated handshake (psk-tunnel --handshake …): two namespaces,
# bin/psk-tunnel in each, identity keys in SoftHSM2 tokens, a quote from swtpm.
#
#   ns $A (initiator)                                     ns $B (responder)
#   +----------------------------------+                  +----------------------------------+
#   | psksA: 10.78.0.1/24 (TUN)        |                  | psksB: 10.78.0.2/24 (TUN)        |
#   |  end A: psk-tunnel --initiator   |   PSKH + PSK2    |  end B: psk-tunnel               |
#   |  token hs-a (SoftHSM2)           |    over UDP      |  token hs-b (SoftHSM2)           |
#   |  swtpm on 127.0.0.1 (attested)   |  51820 <-> 51820 |                                  |
#   | veth0: 192.168.78.1/24           |==================| veth1: 192.168.78.2/24           |
#   |        192.168.78.3/24 (replayer)|                  |                                  |
#   +----------------------------------+                  +----------------------------------+
#
# Usage: tests/netns/handshake.sh [--only t1,t2,...] [--keep]
#   tests: off psk signed replay flood crash rekey pincut unpinned disabled pad attested reattest tpmkey rekeyed
# Needs root, iproute2, ethtool, softhsm2, opensc (pkcs11-tool), openssl, tcpdump, python3, swtpm,
# tpm2-abrmd, dbus, libtpm2-pkcs11 (tpm2_ptool).
# Prints PASS/FAIL lines and "N passed, M failed"; exits non-zero if a test fails.
set -euo pipefail
export LC_ALL=C

only="off psk signed replay flood crash rekey pincut unpinned disabled pad attested reattest tpmkey rekeyed"
keep=0
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$(readlink -f "$0")")/lib.sh"
suite_args 19 "$@"
need_root "network namespaces, TUN"

A="psks-a-$$" B="psks-b-$$"
IP_A=192.168.78.1 IP_B=192.168.78.2 IP_EVIL=192.168.78.3 TUN_IP_A=10.78.0.1 TUN_IP_B=10.78.0.2
PORT=51820 TUN_PREFIX=psks LOG_TAIL=12
suite_init /tmp/psks-hs.XXXXXX

# --- Topology, pad, tokens --------------------------------------------------------------------
log "work dir $work"
ns_add "$A" "$B"
veth "$A" veth0 "$B" veth1
if_up "$A" veth0 $IP_A/24 $IP_EVIL/24
if_up "$B" veth1 $IP_B/24

head -c $((120 * 20000)) /dev/urandom >"$work/pad.bin"
head -c $((120 * 20000)) /dev/urandom >"$work/other-pad.bin"

tokens_init
token_add hs-a hs-b
peers "$work/peers-at-a" site-b hs-b true
peers "$work/peers-at-b" site-a hs-a true
peers "$work/peers-disabled" site-a hs-a false
peers "$work/peers-other" someone-else hs-b true
ID_A=$(cat "$work/hs-a.id")
SIGNED_A=(--handshake signed --identity "$(uri hs-a)" --peers "$work/peers-at-a")
SIGNED_B=(--handshake signed --identity "$(uri hs-b)" --peers "$work/peers-at-b")

# --- Tests ------------------------------------------------------------------------------------
if want off; then
  log "Test that --handshake off is the seed's data path: traffic flows, no handshake datagram"
  start_end b; start_end a
  if wait_ping && ! grep -q 'handshake' "$work/end-a.log" "$work/end-b.log"; then
    pass "off: ping through the tunnel, no handshake lines"
  else
    fail "off: no ping or unexpected handshake activity"
  fi
  stop_both
fi

if want psk; then
  log "Test that --handshake psk establishes and traffic flows"
  start_end b --handshake psk; start_end a --handshake psk
  if wait_log b 'handshake: established with 192\.168\.78\.1:51820' && wait_log a 'handshake: established' && wait_ping; then
    pass "psk: established on both ends, ping through the tunnel"
  else
    fail "psk: no handshake or no traffic"
  fi
  stop_both
fi

if want signed || want replay; then
  log "Test that pinned SoftHSM2 identities establish (signed) and traffic flows"
  rm -f "$work/cap.pcap"
  nsb tcpdump -i veth1 -U -w "$work/cap.pcap" udp port $PORT >/dev/null 2>&1 &
  pid[tcpdump]=$!
  sleep 1
  start_end b "${SIGNED_B[@]}"; start_end a "${SIGNED_A[@]}"
  if wait_log b "handshake: established with 192\.168\.78\.1:51820 identity $ID_A \(site-a\), mode signed" \
      && wait_log a "handshake: established with 192\.168\.78\.2:51820 identity $(cat "$work/hs-b.id") \(site-b\)" && wait_ping; then
    pass "signed: both identities verified against pins, ping through the tunnel"
  else
    fail "signed: no handshake or no traffic"
  fi
  sleep 1.5
  stop tcpdump
  if want replay; then
    log "Test that a captured HELLO, WELCOME and CONFIRM replayed from another address change nothing"
    python3 - "$work/cap.pcap" "$work" <<'PYEOF'
import struct, sys
data = open(sys.argv[1], 'rb').read()
pos, found = 24, {}
linktype = struct.unpack('<I', data[20:24])[0]
while pos + 16 <= len(data):
    _, _, incl, _ = struct.unpack('<IIII', data[pos:pos + 16]); pos += 16
    pkt = data[pos:pos + incl]; pos += incl
    off = 14 if linktype == 1 else 16
    ihl = (pkt[off] & 0x0f) * 4
    payload = pkt[off + ihl + 8:]
    if payload[:4] == b'PSKH' and payload[5] in (1, 2, 3) and payload[5] not in found:
        found[payload[5]] = payload
for t, name in ((1, 'hello'), (2, 'welcome'), (3, 'confirm')):
    # a message the capture missed is replayed as an empty datagram (dropped as malformed): the
    # test still attacks with every message it has; HELLO must be there
    if t == 1 and t not in found:
        sys.exit("no HELLO in the capture")
    open(f"{sys.argv[2]}/{name}.bin", 'wb').write(found.get(t, b''))
PYEOF
    nsa python3 - "$IP_EVIL" "$IP_B" "$IP_A" "$PORT" "$work" <<'PYEOF'
import socket, sys, time
evil, b, a, port, work = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((evil, 40000))
for _ in range(3):
    for name, dst in (('hello', b), ('confirm', b), ('welcome', a)):
        s.sendto(open(f"{work}/{name}.bin", 'rb').read(), (dst, port))
    time.sleep(0.2)
PYEOF
    sleep 1.5
    n_est=$(grep -c 'handshake: established' "$work/end-b.log" || true)
    if [ "$n_est" = 1 ] && ! grep -q 'endpoint moved' "$work/end-b.log" && ! grep -q "$IP_EVIL" "$work/end-b.log" && ping_ok; then
      stop_both
      summary=$(grep 'handshake: .* completed' "$work/end-b.log" | tail -1 | sed 's/^psk-tunnel: //')
      if [[ "$summary" == "handshake: 1 completed, bound to 192.168.78.1:51820 identity $ID_A (site-a)"* ]] \
          && [[ "$summary" == *no_matching_handshake=* ]]; then
        pass "replay: binding unchanged (192.168.78.1:51820), 1 completion, replays counted: ${summary#*drops }"
      else
        fail "replay: unexpected counters: $summary"
      fi
    else
      fail "replay: binding or completions changed ($n_est establishments)"
    fi
  fi
  stop_both
fi

if want flood; then
  log "Test that a captured HELLO replayed from 64 addresses does not keep the initiator out"
  rm -f "$work/cap2.pcap"
  nsb tcpdump -i veth1 -U -w "$work/cap2.pcap" udp port $PORT >/dev/null 2>&1 &
  pid[tcpdump]=$!
  sleep 1
  start_end b "${SIGNED_B[@]}"; start_end a "${SIGNED_A[@]}"
  wait_log b 'handshake: established' 30 || true
  sleep 0.5
  stop tcpdump
  stop a
  python3 - "$work/cap2.pcap" "$work/flood-hello.bin" <<'PYEOF'
import struct, sys
data = open(sys.argv[1], 'rb').read()
pos, hellos = 24, []
linktype = struct.unpack('<I', data[20:24])[0]
while pos + 16 <= len(data):
    _, _, incl, _ = struct.unpack('<IIII', data[pos:pos + 16]); pos += 16
    pkt = data[pos:pos + incl]; pos += incl
    off = 14 if linktype == 1 else 16
    payload = pkt[off + (pkt[off] & 0x0f) * 4 + 8:]
    if payload[:4] == b'PSKH' and payload[5] == 1:
        hellos.append(payload)
open(sys.argv[2], 'wb').write(hellos[-1])   # the HELLO that carried the real initiator's cookie
PYEOF
  for i in $(seq 100 163); do ip -n "$A" addr add 192.168.78.$i/24 dev veth0; done
  nsa python3 - "$IP_B" "$PORT" "$work/flood-hello.bin" <<'PYEOF' &
import socket, sys, time
b, port, hello = sys.argv[1], int(sys.argv[2]), open(sys.argv[3], 'rb').read()
socks = []
for i in range(100, 164):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind((f"192.168.78.{i}", 40000)); socks.append(s)
end = time.time() + 25
while time.time() < end:
    for s in socks:
        s.sendto(hello, (b, port))
    time.sleep(0.02)
PYEOF
  pid[flood]=$!
  sleep 1
  start_end a "${SIGNED_A[@]}"
  if wait_log a 'handshake signed, identity' 30 && ms=$(wait_log_ms a 'handshake: (established|rekeyed) with' 5000) && wait_ping; then
    stop flood
    stop_both
    summary=$(grep 'handshake: .* completed' "$work/end-b.log" | tail -1)
    cookies=$(sed -n 's/.*cookie_sent=\([0-9]*\).*/\1/p' <<<"$summary")
    if [ "${cookies:-0}" -ge 64 ] && ! grep -q '192\.168\.78\.1[0-6][0-9]' <(grep -v cookie "$work/end-b.log"); then
      pass "flood: initiator established in ${ms} ms under a replay flood from 64 addresses; responder answered ${cookies} cookies, bound nothing else"
    else
      fail "flood: unexpected responder state: $summary"
    fi
  else
    fail "flood: initiator did not establish within 5 s (${ms:-?} ms)"
  fi
  stop flood
  for i in $(seq 100 163); do ip -n "$A" addr del 192.168.78.$i/24 dev veth0 2>/dev/null || true; done
  stop_both
fi

if want crash; then
  log "Test that kill -9 of either end during signed traffic: the restarted end handshakes, traffic resumes, no (key, nonce) twice"
  # A pad of its own (traffic erases slots and each crash restart skips 2^20 sequences). Three
  # crashes under a 100 packets/s ping: the initiator, the responder, then the responder again,
  # restarted from a copy of the state file its previous restart began with (a restored backup,
  # which docs/protocol.md forbids): its sequences repeat on the wire, harmless only because a new
  # session keys them. Each restart's time to traffic is bounded; the capture checks every packet.
  head -c $((120 * 20000)) /dev/urandom >"$work/crash-pad.bin"
  export PAD_BOTH=$work/crash-pad.bin
  rm -f "$work/crash.pcap" "$work/state-b.backup"
  # runs of datagrams leave as one UDP_SEGMENT message: cut before the veth, so tcpdump sees each
  ip netns exec "$A" ethtool -K veth0 tx-udp-segmentation off
  ip netns exec "$B" ethtool -K veth1 tx-udp-segmentation off
  ip netns exec "$B" tcpdump -i veth1 -U -B 16384 -s 160 -w "$work/crash.pcap" udp port $PORT >"$work/tcpdump-crash.log" 2>&1 &
  pid[tcpdump]=$!
  sleep 1
  start_end b "${SIGNED_B[@]}"; start_end a "${SIGNED_A[@]}"
  ok=0 times=""
  if wait_log b 'handshake: established' 30 && wait_ping; then
    ok=1
    ip netns exec "$A" ping -q -i 0.01 -w 120 $TUN_IP_B >/dev/null 2>&1 &
    pid[traffic]=$!
    for side in a b b; do
      sleep 1
      kill -9 "${pid[$side]}"; wait "${pid[$side]}" 2>/dev/null || true; unset "pid[$side]"
      if [ "$side" = b ]; then
        args=("${SIGNED_B[@]}")
        if [ -f "$work/state-b.backup" ]; then cp "$work/state-b.backup" "$work/state-b"; else cp "$work/state-b" "$work/state-b.backup"; fi
      else
        args=("${SIGNED_A[@]}")
      fi
      t0=$(now_ms)
      KEEP_STATE=1 start_end $side "${args[@]}"
      # The restarted end holds no key: data flows again only after it handshook. Bounded from the
      # moment it is up (JVM start and token login excluded: tens of seconds on a loaded machine)
      # and from its handshake. The restored end also has to send past the sequences its peer
      # accepted from the previous run (replay window): about as many packets as that run sent.
      if wait_log $side 'data waits for it' 90 && t1=$(now_ms) && wait_log $side 'handshake: established' 15 \
          && t2=$(now_ms) && wait_ping; then
        t3=$(now_ms); times="$times ${side^^}:$((t3 - t1))ms/$((t3 - t2))ms"
        log "  end ${side^^} killed (-9), restarted (up after $((t1 - t0)) ms): traffic again $((t3 - t1)) ms after it was up, $((t3 - t2)) ms after its handshake"
        [ $((t3 - t1)) -le 15000 ] && [ $((t3 - t2)) -le 10000 ] || { ok=0; log "  ... later than 15 s / 10 s"; }
      else
        ok=0; log "  end ${side^^}: not up, no handshake or no traffic after the restart"; break
      fi
    done
    sleep 1
    stop traffic
  fi
  stop_both
  unset PAD_BOTH
  ip netns exec "$A" ethtool -K veth0 tx-udp-segmentation on
  ip netns exec "$B" ethtool -K veth1 tx-udp-segmentation on
  sleep 0.5
  stop tcpdump INT
  grep -h "dropped by kernel" "$work/tcpdump-crash.log" | sed 's/^/  tcpdump: /' || true
  if [ $ok -eq 1 ] && out=$(python3 "$root/tests/netns/psk2_pcap.py" sessions "$work/crash.pcap" --port $PORT \
      --min 1000 --max-total 1500 --min-sessions 4 --min-cross 1); then
    pass "crash: kill -9 of A, B, B (restored state): each restart handshook, traffic again (after up/handshake: ${times# }); $out"
  else
    fail "crash: ${out:-traffic did not resume} (restarts:${times:-none})"
  fi
fi

if want rekey; then
  log "Test that keys change every 2 s under a 64 MiB TCP transfer: sha256 equal, few retransmissions"
  # 64 MiB spends and erases dozens of slots: a pad of its own, so that the later tests, which
  # start both ends from fresh state, still find an unused pad (a used pad without its state is refused)
  head -c $((120 * 200000)) /dev/urandom >"$work/rekey-pad.bin"
  PAD_BOTH=$work/rekey-pad.bin start_end b "${SIGNED_B[@]}" --rekey-interval 2s
  PAD_BOTH=$work/rekey-pad.bin start_end a "${SIGNED_A[@]}" --rekey-interval 2s
  if wait_log b 'handshake: established' 30 && wait_ping; then
    head -c $((64 << 20)) /dev/urandom >"$work/blob"
    want_sum=$(sha256sum "$work/blob" | cut -c1-64)
    nsb python3 - "$TUN_IP_B" "$work/recv.sha" <<'PYEOF' &
import hashlib, socket, sys
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((sys.argv[1], 5201)); srv.listen(1); srv.settimeout(60)
c, _ = srv.accept(); c.settimeout(60); h = hashlib.sha256(); n = 0
while True:
    d = c.recv(1 << 16)
    if not d: break
    h.update(d); n += len(d)
open(sys.argv[2], 'w').write(f"{h.hexdigest()} {n}\n")
PYEOF
    pid[sink]=$!
    sleep 0.5
    retrans0=$(nsa nstat -az TcpRetransSegs | awk '/TcpRetransSegs/{print $2}')
    rekeys0=$(grep -c 'handshake: rekeyed with' "$work/end-b.log" || true)
    # Paced to about 6 MB/s so that the transfer spans several rekeys on any machine.
    nsa python3 - "$TUN_IP_B" "$work/blob" <<'PYEOF'
import socket, sys, time
s = socket.create_connection((sys.argv[1], 5201), timeout=60)
data = open(sys.argv[2], 'rb').read(); t0 = time.time(); chunk = 1 << 18
for i in range(0, len(data), chunk):
    s.sendall(data[i:i + chunk])
    ahead = (i + chunk) / 6e6 - (time.time() - t0)
    if ahead > 0: time.sleep(ahead)
s.close()
PYEOF
    wait "${pid[sink]}" 2>/dev/null || true; unset "pid[sink]"
    retrans=$(( $(nsa nstat -az TcpRetransSegs | awk '/TcpRetransSegs/{print $2}') - retrans0 ))
    rekeys=$(( $(grep -c 'handshake: rekeyed with' "$work/end-b.log" || true) - rekeys0 ))
    got=$(cut -c1-64 "$work/recv.sha" 2>/dev/null || echo none)
    if [ "$got" = "$want_sum" ] && [ "$rekeys" -ge 3 ] && [ "$retrans" -lt 200 ]; then
      pass "rekey: 64 MiB sha256 equal across $rekeys rekeys, $retrans TCP retransmissions"
    else
      fail "rekey: sha256 ${got:0:16} vs ${want_sum:0:16}, $rekeys rekeys, $retrans retransmissions"
    fi
  else
    fail "rekey: no handshake"
  fi
  stop_both
fi

if want pincut; then
  log "Test that disabling the initiator's pin in the watched peers file cuts its data within 1 s"
  cp "$work/peers-at-b" "$work/peers-live"
  start_end b --handshake signed --identity "$(uri hs-b)" --peers "$work/peers-live"; start_end a "${SIGNED_A[@]}"
  if wait_log b 'handshake: established' 30 && wait_ping; then
    peers "$work/peers-live.new" site-a hs-a false
    mv "$work/peers-live.new" "$work/peers-live"
    if ms=$(wait_log_ms b 'is now disabled in .*data stopped' 1000) && ! ping_ok \
        && wait_log a 'refused us: identity is pinned but disabled' 15; then
      pass "pincut: gate closed within 1 s of the edit (seen after ${ms} ms of polling); the initiator was told why"
    else
      fail "pincut: not cut within 1 s (${ms:-?} ms)"
    fi
  else
    fail "pincut: no handshake"
  fi
  stop_both
fi

if want unpinned; then
  log "Test that an identity that is not pinned is refused, with the reason in both logs"
  start_end b --handshake signed --identity "$(uri hs-b)" --peers "$work/peers-other"; start_end a "${SIGNED_A[@]}"
  if wait_log b "refused 192\.168\.78\.1:51820 identity $ID_A: identity is not pinned" \
      && wait_log a 'peer 192\.168\.78\.2:51820 refused us: identity is not pinned' && ! ping_ok; then
    pass "unpinned: refused on both ends, no traffic"
  else
    fail "unpinned: not refused as expected"
  fi
  stop_both
fi

if want disabled; then
  log "Test that a pinned but disabled identity is refused"
  start_end b --handshake signed --identity "$(uri hs-b)" --peers "$work/peers-disabled"; start_end a "${SIGNED_A[@]}"
  if wait_log b "refused 192\.168\.78\.1:51820 identity $ID_A \(site-a\): identity is pinned but disabled" \
      && wait_log a 'refused us: identity is pinned but disabled' && ! ping_ok; then
    pass "disabled: refused on both ends, no traffic"
  else
    fail "disabled: not refused as expected"
  fi
  stop_both
fi

if want pad; then
  log "Test that a peer with a different pad is named as such on both ends"
  PAD_A=$work/other-pad.bin start_end a --handshake psk
  start_end b --handshake psk
  if wait_log b 'peer 192\.168\.78\.1:51820 uses a different pad' && wait_log a 'peer 192\.168\.78\.2:51820 uses a different pad' \
      && ! grep -q 'established' "$work/end-b.log"; then
    pass "pad: 'uses a different pad' in both logs, nothing established"
  else
    fail "pad: mismatch not named on both ends"
  fi
  stop_both
fi

if want attested || want reattest; then
  if command -v swtpm >/dev/null; then
    log "Test that a swtpm quote satisfying the policy lets traffic flow, and one that does not is refused"
    mkdir -p "$work/tpm"
    nsa swtpm socket --tpm2 --server type=tcp,port=2321,bindaddr=127.0.0.1 --ctrl type=tcp,port=2322,bindaddr=127.0.0.1 \
      --tpmstate dir="$work/tpm" --flags not-need-init,startup-clear --pid file="$work/tpm/swtpm.pid" --daemon
    pid[swtpm]=$(cat "$work/tpm/swtpm.pid")
    TPM=swtpm:host=127.0.0.1,port=2321
    nsa "$root/bin/psk-attest" quote --tpm $TPM --nonce 00 --pcrs sha256:0-7 --out "$work/q" >/dev/null
    nsa "$root/bin/psk-attest" policy --tpm $TPM --pcrs sha256:0-7 --out "$work/policy.json" >/dev/null
    python3 - "$work/policy.json" "$work/policy-bad.json" <<'PYEOF'
import json, sys
p = json.load(open(sys.argv[1]))
p["pcrs"]["sha256"]["7"] = "ff" * 32
json.dump(p, open(sys.argv[2], "w"))
PYEOF
    ATT_A=(--handshake attested --identity "$(uri hs-a)" --peers "$work/peers-at-a" --attest $TPM)
    start_end b --handshake attested --identity "$(uri hs-b)" --peers "$work/peers-at-b" --policy "$work/policy.json" --peer-ak "$work/q/ak.pub.pem"
    start_end a "${ATT_A[@]}"
    if wait_log b 'established with 192\.168\.78\.1:51820 .*mode attested' 30 && wait_ping; then
      pass "attested: quote accepted against pinned AK and policy, ping through the tunnel"
    else
      fail "attested: good quote not accepted"
    fi
    stop_both
    start_end b --handshake attested --identity "$(uri hs-b)" --peers "$work/peers-at-b" --policy "$work/policy-bad.json" --peer-ak "$work/q/ak.pub.pem"
    start_end a "${ATT_A[@]}"
    if wait_log b 'refused 192\.168\.78\.1:51820 .*TPM quote does not satisfy the policy' 30 \
        && wait_log a 'refused us: TPM quote does not satisfy the policy' && ! ping_ok \
        && ! grep -q 'handshake: established' "$work/end-a.log"; then
      pass "attested: quote against a policy it does not satisfy is refused on both ends, the quoting end never says established"
    else
      fail "attested: bad policy not refused"
    fi
    stop_both
    if want reattest; then
      log "Test that a re-attestation failing after a PCR extend closes the gate within 1 s of the verdict"
      start_end b --handshake attested --identity "$(uri hs-b)" --peers "$work/peers-at-b" --policy "$work/policy.json" \
        --peer-ak "$work/q/ak.pub.pem" --rekey-interval 3s
      start_end a "${ATT_A[@]}" --rekey-interval 3s
      if wait_log b 'established with 192\.168\.78\.1:51820 .*mode attested' 30 && wait_ping; then
        nsa env TPM2TOOLS_TCTI=swtpm:host=127.0.0.1,port=2321 tpm2_pcrextend \
          7:sha256=0000000000000000000000000000000000000000000000000000000000000001 >/dev/null
        if wait_log b 'refused 192\.168\.78\.1:51820 .*TPM quote does not satisfy the policy' 20 \
            && ms=$(wait_log_ms b 'the bound peer was refused .*data stopped' 1000) && ! ping_ok \
            && wait_log a 'refused us: TPM quote does not satisfy the policy' 5; then
          pass "reattest: PCR 7 extended, the next quote was refused and data stopped (${ms} ms after the verdict line)"
        else
          fail "reattest: failing re-attestation did not stop data"
        fi
      else
        fail "reattest: no attested handshake"
      fi
      stop_both
    fi
  else
    fail "attested: swtpm not installed"
  fi
fi

if want tpmkey; then
  log "Test that an identity key inside a TPM (tpm2-pkcs11 over swtpm, tpm2-abrmd) signs the handshake"
  TPM2_MODULE=/usr/lib/x86_64-linux-gnu/pkcs11/libtpm2_pkcs11.so
  mkdir -p "$work/tpm2" "$work/tpm2store"
  nsa swtpm socket --tpm2 --server type=tcp,port=2331,bindaddr=127.0.0.1 --ctrl type=tcp,port=2332,bindaddr=127.0.0.1 \
    --tpmstate dir="$work/tpm2" --flags not-need-init,startup-clear --pid file="$work/tpm2/swtpm.pid" --daemon
  pid[swtpm2]=$(cat "$work/tpm2/swtpm.pid")
  pid[dbus]=$(nsa dbus-daemon --config-file=/usr/share/dbus-1/session.conf --address=unix:path="$work/bus" --fork --print-pid)
  TPMENV=(DBUS_SESSION_BUS_ADDRESS=unix:path=$work/bus TPM2_PKCS11_TCTI=tabrmd:bus_type=session
          TPM2TOOLS_TCTI=tabrmd:bus_type=session TPM2_PKCS11_STORE=$work/tpm2store TPM2_PKCS11_LOG_LEVEL=0)
  nsa env "${TPMENV[@]}" tpm2-abrmd --session --allow-root --flush-all --tcti=swtpm:host=127.0.0.1,port=2331 \
    >"$work/abrmd.log" 2>&1 &
  pid[abrmd]=$!
  sleep 1
  if nsa env "${TPMENV[@]}" tpm2_ptool init >/dev/null \
      && nsa env "${TPMENV[@]}" tpm2_ptool addtoken --pid=1 --label=hs-tpm --sopin=87654321 --userpin=4321 >/dev/null \
      && nsa env "${TPMENV[@]}" tpm2_ptool addkey --label=hs-tpm --key-label=identity --userpin=4321 --algorithm=ecc256 >/dev/null \
      && nsa env "${TPMENV[@]}" pkcs11-tool --module $TPM2_MODULE --token-label hs-tpm --read-object --type pubkey \
           --label identity -o "$work/hs-tpm.der" >/dev/null 2>&1; then
    openssl pkey -pubin -inform DER -in "$work/hs-tpm.der" -out "$work/hs-tpm.pem"
    sha256sum "$work/hs-tpm.der" | cut -c1-16 >"$work/hs-tpm.id"
    peers "$work/peers-tpm" site-a-tpm hs-tpm true
    start_end b --handshake signed --identity "$(uri hs-b)" --peers "$work/peers-tpm"
    TPM_URI="pkcs11:token=hs-tpm;object=identity?module-path=$TPM2_MODULE&pin-source=file:$work/pin"
    # End A reaches its key through tpm2-abrmd (TPMENV), and continues from its state file.
    END_ENV=("${TPMENV[@]}")
    PAD_A=$work/pad.bin KEEP_STATE=1 start_end a --handshake signed --identity "$TPM_URI" --peers "$work/peers-at-a"
    END_ENV=()
    if wait_log b "established with 192\.168\.78\.1:51820 identity $(cat "$work/hs-tpm.id") \(site-a-tpm\), mode signed" 40 \
        && wait_ping; then
      pass "tpmkey: the TPM-held key (tpm2-pkcs11) signed, the pinned peer verified it, ping through the tunnel"
    else
      fail "tpmkey: handshake with the TPM-held key failed"
    fi
    stop_both
  else
    fail "tpmkey: could not provision a key in tpm2-pkcs11 over swtpm"
    tail -5 "$work/abrmd.log"
  fi
  kill "${pid[abrmd]}" "${pid[swtpm2]}" "${pid[dbus]}" 2>/dev/null || true
  wait "${pid[abrmd]}" 2>/dev/null || true
  unset "pid[abrmd]" "pid[swtpm2]" "pid[dbus]"
fi

if want rekeyed; then
  log "Test that a different key generated under the same token label is refused"
  make_key hs-a
  start_end b "${SIGNED_B[@]}"; start_end a "${SIGNED_A[@]}"
  if wait_log b "refused 192\.168\.78\.1:51820 identity $(cat "$work/hs-a.id"): identity is not pinned" \
      && wait_log a 'refused us: identity is not pinned' && ! ping_ok; then
    pass "rekeyed: new key under label 'identity' is not the pinned one: refused on both ends"
  else
    fail "rekeyed: not refused"
  fi
  stop_both
fi

log "$passes passed, $failures failed"
[ $failures -eq 0 ]
