#!/usr/bin/env bash
# Demo step: a hardware-style identity in a throw-away SoftHSM2 token — token init, a non-exportable
# P-256 key, sign and verify, pin the peer, and the salted serial identity. Self-contained: its own
# SoftHSM2 config and PIN files in a temp directory, removed on exit.
set -euo pipefail
cd "$PSK_ROOT"
d=$(mktemp -d "${PSK_DEMO_WORK:-/tmp}/identity.XXXXXX")
trap 'rm -rf "$d"' EXIT
mkdir "$d/tokens" "$d/out"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$d/tokens" > "$d/softhsm2.conf"
export SOFTHSM2_CONF="$d/softhsm2.conf"
( umask 077; head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$d/so.pin"
  head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$d/user.pin" )
M=/usr/lib/softhsm/libsofthsm2.so
T="pkcs11:token=demo-device?module-path=$M"

echo "== A token (SoftHSM2 standing in for a TPM or secure element), PINs from files"
bin/psk-provision token init --module "$M" --label demo-device --so-pin-file "$d/so.pin" --pin-file "$d/user.pin"

echo "== A non-exportable EC P-256 identity key, attributes read back, public key exported"
bin/psk-provision identity create --token "$T" --pin-file "$d/user.pin" --label site-a --out "$d/out"
id=$(sed -n 's/.*"identity_id" : "\([0-9a-f]*\)".*/\1/p' "$d/out/site-a.identity.json")
echo "identity_id recomputed with openssl: $(openssl pkey -pubin -in "$d/out/site-a.pub.pem" -outform DER | sha256sum | cut -c1-16)"
bin/psk-provision identity list --token "$T" --pin-file "$d/user.pin"

echo "== Sign through the token; verify with the exported key and against the pinned peer"
printf 'handshake transcript\n' > "$d/msg"
key_uri=$(sed -n 's/.*"key_uri" : "\(.*\)".*/\1/p' "$d/out/site-a.identity.json")
bin/psk-provision identity sign --key "$key_uri" --pin-file "$d/user.pin" --in "$d/msg" --out "$d/msg.sig"
bin/psk-provision identity verify --pub "$d/out/site-a.pub.pem" --in "$d/msg" --sig "$d/msg.sig"
bin/psk-provision pin add --peers "$d/peers.conf" --identity-file "$d/out/site-a.identity.json" --id "$id"
bin/psk-provision pin list --peers "$d/peers.conf"
bin/psk-provision identity verify --peers "$d/peers.conf" --id "$id" --in "$d/msg" --sig "$d/msg.sig"
printf 'tampered\n' > "$d/msg"
if bin/psk-provision identity verify --peers "$d/peers.conf" --id "$id" --in "$d/msg" --sig "$d/msg.sig"; then
  echo "a tampered message verified: demo FAILED" >&2; exit 1
fi

echo "== Salted serial identity (a sample board serial under a demo root; on a device: no --root)"
mkdir -p "$d/root/sys/class/dmi/id"
echo "4c4c4544-0042-3510-8052-b2c04f4d3732" > "$d/root/sys/class/dmi/id/product_uuid"
bin/psk-provision serial-id --salt 6a1f0c55e2d94b7a --length 16 --root "$d/root"
