#!/usr/bin/env bash
# Demo step: a private swtpm manufactured with EK certificates by its own local CA; the AK enrolled
# by EK certificate and credential activation; a TPM 2.0 quote verified by psk-attest against the
# enrolled AK and by tpm2_checkquote; then a quote replayed against another nonce, rejected.
set -euo pipefail
cd "$PSK_ROOT"
work="$PSK_DEMO_WORK/attest"
mkdir -p "$work/tpm"
port=""
for _ in $(seq 20); do
  p=$((20000 + RANDOM % 40000))
  if ! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null && ! (exec 3<>/dev/tcp/127.0.0.1/$((p + 1))) 2>/dev/null; then
    port=$p; break
  fi
done
[ -n "$port" ] || { echo "no free port pair for swtpm" >&2; exit 1; }
cleanup() {
  if [ -f "$work/tpm/swtpm.pid" ]; then kill "$(cat "$work/tpm/swtpm.pid")" 2>/dev/null || true; fi
}
trap cleanup EXIT
# Manufacture the TPM like a real one: EK certificates signed by a local CA that lives in $work/ca
# (a private swtpm_localca configuration, never the system's /var/lib/swtpm-localca).
mkdir -p "$work/ca"
printf 'statedir = %s\nsigningkey = %s/signkey.pem\nissuercert = %s/issuercert.pem\ncertserial = %s/certserial\n' \
  "$work/ca" "$work/ca" "$work/ca" "$work/ca" > "$work/localca.conf"
printf 'create_certs_tool = /usr/bin/swtpm_localca\ncreate_certs_tool_config = %s\ncreate_certs_tool_options = /etc/swtpm-localca.options\nactive_pcr_banks = sha256\n' \
  "$work/localca.conf" > "$work/swtpm_setup.conf"
swtpm_setup --tpm2 --tpmstate "$work/tpm" --create-ek-cert --create-platform-cert --overwrite \
  --config "$work/swtpm_setup.conf" >/dev/null
swtpm socket --tpm2 --server type=tcp,port=$port,bindaddr=127.0.0.1 --ctrl type=tcp,port=$((port + 1)),bindaddr=127.0.0.1 \
  --tpmstate dir="$work/tpm" --flags not-need-init,startup-clear --pid file="$work/tpm/swtpm.pid" --daemon
tpm="swtpm:host=127.0.0.1,port=$port"
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
TPM2TOOLS_TCTI=$tpm tpm2_pcrextend "4:sha256=$(printf 'boot loader' | sha256sum | cut -d' ' -f1)"

echo "== Enrolment: EK certificate chain + credential activation, then the AK is pinned"
mkdir -p "$work/ek-roots"
cp "$work/ca/swtpm-localca-rootca-cert.pem" "$work/ca/issuercert.pem" "$work/ek-roots/"
bin/psk-attest enroll --tpm "$tpm" --ek-alg rsa --out "$work/request.json"
bin/psk-attest enroll-challenge --request "$work/request.json" --ek-roots "$work/ek-roots" \
  --state "$work/enrol-state" --out "$work/challenge.json"
bin/psk-attest enroll-respond --tpm "$tpm" --ek-alg rsa --challenge "$work/challenge.json" --out "$work/answer.json"
bin/psk-attest enroll-finish --answer "$work/answer.json" --state "$work/enrol-state" --out "$work/ak-record.json"
echo "== The same answer replayed: rejected, exit 1"
set +e
bin/psk-attest enroll-finish --answer "$work/answer.json" --state "$work/enrol-state" --out "$work/ak-record-2.json"
rc=$?
set -e
[ "$rc" -eq 1 ] || { echo "expected exit 1 for a replayed answer, got $rc" >&2; exit 1; }

nonce=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
echo "== Quote PCRs 0-7 on swtpm (port $port) over the verifier's nonce $nonce"
bin/psk-attest quote --tpm "$tpm" --nonce "$nonce" --pcrs sha256:0-7 --out "$work/q"
ls "$work/q"
echo "== psk-attest verify, against the enrolled AK"
bin/psk-attest verify --ak "$work/ak-record.json" --message "$work/q/quote.msg" --signature "$work/q/quote.sig" \
  --nonce "$nonce" --pcrs sha256:0-7 --pcr-values "$work/q/pcrs.values"
echo "== tpm2_checkquote on the same quote"
tpm2_checkquote -u "$work/q/ak.pub.pem" -m "$work/q/quote.msg" -s "$work/q/quote.sig" -f "$work/q/pcrs.tpm2" \
  -g sha256 -q "$nonce" >/dev/null && echo "tpm2_checkquote: OK"
echo "== Golden values from the TPM, then verify against them"
bin/psk-attest policy --tpm "$tpm" --pcrs sha256:4,7 --description "demo" --out "$work/golden.json"
bin/psk-attest verify --ak "$work/q/ak.pub.pem" -m "$work/q/quote.msg" -s "$work/q/quote.sig" \
  -q "$nonce" --pcrs sha256:0-7 -f "$work/q/pcrs.values" --policy "$work/golden.json"
echo "== The same quote presented for another nonce (a replay): rejected, exit 1"
other=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
set +e
bin/psk-attest verify --ak "$work/q/ak.pub.pem" -m "$work/q/quote.msg" -s "$work/q/quote.sig" \
  --nonce "$other" --pcrs sha256:0-7 --pcr-values "$work/q/pcrs.values"
rc=$?
set -e
[ "$rc" -eq 1 ] || { echo "expected exit 1 for a wrong nonce, got $rc" >&2; exit 1; }
echo "exit code $rc"
