#!/usr/bin/env python3
"""Hostile peer for the lab. Runs inside a lab namespace (the db), watches the probes that arrive
on an interface and answers each one with packets that must NOT count as answers: wrong ids,
sequences never sent, wrong payloads, ICMP errors quoting other packets, SYN-ACKs and RSTs with a
wrong ack. The real answers are blocked by the test (nft), so every probe should end unanswered and
every forgery should be counted as ignored.

usage: inject.py IFACE icmp|tcp|arp|flood [SECONDS]
  arp:   answers ARP requests for addresses nobody holds with replies for another IP, lying
         hlen/plen, VLAN framing, and replies addressed to another host
  flood: sends unrelated ICMP echo replies to 10.124.0.2 as fast as it can (raw sockets see all)
Prints one line per forged packet sent ("sent KIND"), and stops after SECONDS (default 10)."""
import select
import socket
import struct
import sys
import time

ETH_P_IP = 0x0800


def csum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def icmp(type_, code, rest: bytes, body: bytes) -> bytes:
    hdr = struct.pack("!BBH", type_, code, 0) + rest
    c = csum(hdr + body)
    return struct.pack("!BBH", type_, code, c) + rest + body


def ipv4(src: bytes, dst: bytes, proto: int, payload: bytes, options: bytes = b"") -> bytes:
    ihl = 5 + len(options) // 4
    hdr = struct.pack("!BBHHHBBH4s4s", (4 << 4) | ihl, 0, ihl * 4 + len(payload), 0x1234, 0, 64, proto, 0, src, dst)
    hdr += options
    c = csum(hdr)
    return hdr[:10] + struct.pack("!H", c) + hdr[12:] + payload


def tcp(src: bytes, dst: bytes, sport, dport, seq, ack, flags) -> bytes:
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 1024, 0, 0)
    pseudo = src + dst + struct.pack("!BBH", 0, 6, len(hdr))
    c = csum(pseudo + hdr)
    return hdr[:16] + struct.pack("!H", c) + hdr[18:]


def arp_frame(dst_mac, src_mac, op, sha, spa, tha, tpa, hlen=6, plen=4, vlan=None):
    eth = dst_mac + src_mac
    if vlan is not None:
        eth += struct.pack("!HH", 0x8100, vlan)
    eth += struct.pack("!H", 0x0806)
    body = struct.pack("!HHBBH", 1, 0x0800, hlen, plen, op) + sha + spa + tha + tpa
    frame = eth + body
    return frame + bytes(max(0, 60 - len(frame)))


def arp_mode(iface, deadline):
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0806))
    sock.bind((iface, 0))
    my_mac = sock.getsockname()[4]
    sent = 0
    while time.monotonic() < deadline:
        r, _, _ = select.select([sock], [], [], 0.1)
        if not r:
            continue
        frame, addr = sock.recvfrom(65535)
        if addr[2] == socket.PACKET_OUTGOING or len(frame) < 42:
            continue
        op, sha, spa, tpa = struct.unpack("!H", frame[20:22])[0], frame[22:28], frame[28:32], frame[38:42]
        if op != 1 or socket.inet_ntoa(tpa) not in ("10.124.0.99",):
            continue
        other_ip = socket.inet_aton("10.124.0.98")
        other_mac = b"\x02\x00\x00\x00\x0b\x0b"
        forged = {
            "reply-for-another-ip": arp_frame(sha, my_mac, 2, my_mac, other_ip, sha, spa),
            "reply-lying-hlen": arp_frame(sha, my_mac, 2, my_mac, tpa, sha, spa, hlen=16),
            "reply-lying-plen": arp_frame(sha, my_mac, 2, my_mac, tpa, sha, spa, plen=16),
            "reply-vlan-tagged": arp_frame(sha, my_mac, 2, my_mac, tpa, sha, spa, vlan=42),
            "reply-to-another-host": arp_frame(b"\xff" * 6, my_mac, 2, my_mac, tpa, other_mac, spa),
            "reply-to-another-ip": arp_frame(sha, my_mac, 2, my_mac, tpa, sha, socket.inet_aton("10.124.0.77")),
            "request-not-reply": arp_frame(sha, my_mac, 1, my_mac, tpa, sha, spa),
        }
        for kind, f in forged.items():
            sock.send(f)
            sent += 1
            print("sent", kind, flush=True)
    print("total", sent, flush=True)


def flood_mode(deadline):
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    sent = 0
    seq = 0
    while time.monotonic() < deadline:
        for _ in range(200):
            seq = (seq + 1) & 0xFFFF
            sock.sendto(icmp(0, 0, struct.pack("!HH", (seq * 7919) & 0xFFFF, seq), bytes(56)), ("10.124.0.2", 0))
            sent += 1
    print("total", sent, flush=True)


def main():
    iface, mode = sys.argv[1], sys.argv[2]
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 10.0
    if mode == "arp":
        return arp_mode(iface, time.monotonic() + seconds)
    if mode == "flood":
        return flood_mode(time.monotonic() + seconds)
    sniff = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_IP))
    sniff.bind((iface, 0))
    raw_icmp = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    raw_tcp = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
    deadline = time.monotonic() + seconds
    sent = 0

    def send(sock, packet, dst, kind):
        nonlocal sent
        sock.sendto(packet, (socket.inet_ntoa(dst), 0))
        sent += 1
        print("sent", kind, flush=True)

    while time.monotonic() < deadline:
        r, _, _ = select.select([sniff], [], [], 0.1)
        if not r:
            continue
        pkt, addr = sniff.recvfrom(65535)
        if addr[2] == socket.PACKET_OUTGOING or len(pkt) < 20:
            continue
        ihl = (pkt[0] & 0x0F) * 4
        proto, src, dst = pkt[9], pkt[12:16], pkt[16:20]
        l4 = pkt[ihl:]
        if mode == "icmp" and proto == 1 and len(l4) >= 8 and l4[0] == 8:
            ident, seq = struct.unpack("!HH", l4[4:8])
            payload = l4[8:]
            request = pkt[:ihl] + l4  # the echo as it arrived: what an honest error would quote
            other_dst = ipv4(src, socket.inet_aton("10.124.0.99"), 1, l4)
            never_sent = ipv4(src, dst, 1, icmp(8, 0, struct.pack("!HH", ident, (seq + 1000) & 0xFFFF), payload))
            send(raw_icmp, icmp(0, 0, struct.pack("!HH", ident ^ 0x5555, seq), payload), src, "reply-foreign-id")
            send(raw_icmp, icmp(0, 0, struct.pack("!HH", ident, (seq + 1000) & 0xFFFF), payload), src, "reply-unsent-seq")
            send(raw_icmp, icmp(0, 0, struct.pack("!HH", ident, (seq + 1) & 0xFFFF), payload), src, "reply-next-seq")
            send(raw_icmp, icmp(0, 0, struct.pack("!HH", ident, seq), bytes(len(payload))), src, "reply-wrong-payload")
            send(raw_icmp, icmp(3, 1, b"\0\0\0\0", never_sent[:28]), src, "unreach-quoting-unsent-seq")
            send(raw_icmp, icmp(3, 1, b"\0\0\0\0", other_dst[:28]), src, "unreach-quoting-other-dst")
            send(raw_icmp, icmp(3, 1, b"\0\0\0\0", request[:20]), src, "unreach-truncated-quote")
            opts = ipv4(src, dst, 1, icmp(8, 0, struct.pack("!HH", ident, (seq + 7) & 0xFFFF), payload), b"\x01\x01\x01\x00")
            send(raw_icmp, icmp(3, 13, b"\0\0\0\0", opts[:32]), src, "unreach-options-quote-unsent-seq")
            lying = bytearray(request[:28])
            lying[0] = 0x4F  # IHL 15: claims 60 header bytes, quote has 28
            send(raw_icmp, icmp(3, 1, b"\0\0\0\0", bytes(lying)), src, "unreach-lying-ihl")
            send(raw_icmp, b"\x00\x00", src, "runt")
        elif mode == "tcp" and proto == 6 and len(l4) >= 20 and (l4[13] & 0x12) == 0x02:  # SYN without ACK
            sport, dport, seq = struct.unpack("!HHI", l4[:8])
            send(raw_tcp, tcp(dst, src, dport, sport, 1000, (seq + 2) & 0xFFFFFFFF, 0x12), src, "synack-wrong-ack")
            send(raw_tcp, tcp(dst, src, dport, sport, 0, (seq + 12345) & 0xFFFFFFFF, 0x14), src, "rst-wrong-ack")
            send(raw_tcp, tcp(dst, src, dport, sport, 0, 0, 0x04), src, "rst-without-ack")
            send(raw_tcp, tcp(dst, src, dport, (sport + 1) & 0xFFFF, 1000, (seq + 1) & 0xFFFFFFFF, 0x12), src, "synack-other-port")
            other_port = ipv4(src, dst, 6, struct.pack("!HHI", sport, dport + 1, seq))
            send(raw_icmp, icmp(3, 13, b"\0\0\0\0", other_port), src, "unreach-quoting-other-port")
            other_seq = ipv4(src, dst, 6, struct.pack("!HHI", sport, dport, (seq + 1) & 0xFFFFFFFF))
            send(raw_icmp, icmp(3, 13, b"\0\0\0\0", other_seq), src, "unreach-quoting-other-seq")
    print("total", sent, flush=True)


if __name__ == "__main__":
    main()
