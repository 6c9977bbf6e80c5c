/**
 * The tunnel runtime: a {@link dev.psk.tunnel.device.Device} (one TUN device, one UDP socket, a
 * receive and a send thread) serving the {@link dev.psk.tunnel.device.Peer}s of a
 * {@link dev.psk.tunnel.device.PeerDirectory}. Keys, sequence numbers and replay state sit behind
 * {@link PeerSession}; the PSK2 implementation is
 * {@link dev.psk.tunnel.session.Psk2Session}.
 *
 * <p>Hooks for a handshake: {@link dev.psk.tunnel.device.Device#setControlHandler} receives every
 * datagram that is not PSK2 data; {@link dev.psk.tunnel.device.Device#sendControl} sends replies;
 * {@link dev.psk.tunnel.device.Peer#allowData} gates data until the handshake succeeds;
 * {@link dev.psk.tunnel.device.Peer#rebind} moves the peer's endpoint (roaming). A hub supplies its
 * own {@code PeerDirectory} (source address or receiver index in, AllowedIPs out) and sessions.
 * See docs/tunnel-dataplane.md.
 */
package dev.psk.tunnel.device;
