package io.lvsoperator.dataplane.testsupport;

import io.lvsoperator.api.net.Ipv4;
import io.lvsoperator.dataplane.codec.Arp;
import io.lvsoperator.dataplane.codec.Bytes;
import io.lvsoperator.dataplane.codec.Checksums;
import io.lvsoperator.dataplane.codec.Ethernet;
import io.lvsoperator.dataplane.codec.Ipv4Header;
import io.lvsoperator.dataplane.codec.MacAddress;
import java.util.SplittableRandom;

/**
 * Frames built with their structure, for fuzzing the engine: valid checksums (mostly), addresses
 * and ports the configuration knows (mostly), so random choices reach every stage rather than
 * stopping at the first check. ARP in all its forms, TCP/UDP to the VIP's services and back from
 * the real servers, ICMP echo and errors quoting such packets, IPv4 options, fragments, wrong
 * checksums, truncation, other protocols and Ethernet types. Deterministic for a seed.
 */
public final class FrameGenerator {
  private static final String[] CLIENTS = {"198.19.1.10", "198.19.1.11", "198.19.7.200", "198.18.0.50"};
  private static final String[] REAL_SERVERS = {"198.18.0.11", "198.18.0.12"};
  private static final int[] SERVICE_PORTS = {80, 8080, 443, 53, 22, 81};
  private static final int[] TCP_FLAGS = {0x02, 0x10, 0x18, 0x11, 0x04, 0x12, 0x01, 0x00, 0x03, 0x14};

  private final SplittableRandom random;
  /** Recent client flows to the VIP (client IP, client port, service port), so replies can match them. */
  private final String[] flowClient = new String[32];
  private final int[] flowPort = new int[32];
  private final int[] flowService = new int[32];
  private int flows;
  private final long ourMac;
  private final String vip;
  private final String dip;

  public FrameGenerator(long seed, long ourMac, String vip, String dip) {
    this.random = new SplittableRandom(seed);
    this.ourMac = ourMac;
    this.vip = vip;
    this.dip = dip;
  }

  private boolean chance(int percent) {
    return random.nextInt(100) < percent;
  }

  private <T> T pick(T[] choices) {
    return choices[random.nextInt(choices.length)];
  }

  private long unicastMac() {
    return (random.nextLong() & 0xfeff_ffff_ffffL) | 0x0200_0000_0000L;
  }

  /** The next frame. */
  public byte[] next() {
    int kind = random.nextInt(100);
    byte[] f;
    if (kind < 12) {
      f = arp();
    } else if (kind < 15) {
      f = new byte[14 + random.nextInt(60)];
      random.nextBytes(f);
      Ethernet.write(f, chance(50) ? ourMac : MacAddress.BROADCAST, unicastMac(), chance(50) ? 0x86dd : 0x88cc);
    } else {
      f = ipv4();
    }
    if (chance(3) && f.length > 15) {
      f = java.util.Arrays.copyOf(f, 1 + random.nextInt(f.length - 1)); // truncated on the wire
    }
    return f;
  }

  private byte[] arp() {
    long sender = switch (random.nextInt(10)) {
      case 0 -> MacAddress.parse("01:00:5e:00:00:01");
      case 1 -> MacAddress.NONE;
      case 2 -> ourMac;
      default -> unicastMac();
    };
    String senderIp = switch (random.nextInt(6)) {
      case 0 -> "0.0.0.0";
      case 1 -> vip;
      case 2 -> pick(REAL_SERVERS);
      case 3 -> "198.18.0.1";
      default -> "198.18." + random.nextInt(4) + "." + (1 + random.nextInt(254));
    };
    String target = switch (random.nextInt(5)) {
      case 0 -> vip;
      case 1 -> dip;
      case 2 -> senderIp;
      default -> "198.18.0." + (1 + random.nextInt(254));
    };
    int op = chance(90) ? (chance(60) ? Arp.OP_REQUEST : Arp.OP_REPLY) : random.nextInt(5);
    byte[] f = new byte[Arp.FRAME_LENGTH];
    Arp.write(f, chance(70) ? MacAddress.BROADCAST : ourMac, sender, op, sender, Ipv4.parse(senderIp),
        op == Arp.OP_REPLY ? ourMac : MacAddress.NONE, Ipv4.parse(target));
    if (chance(3)) {
      f[14 + random.nextInt(8)] ^= (byte) (1 + random.nextInt(255)); // wrong hardware/protocol fields
    }
    return f;
  }

  private byte[] ipv4() {
    int fromServer = random.nextInt(10);
    String src;
    String dst;
    if (fromServer < 3) {
      src = pick(REAL_SERVERS); // replies of NAT real servers, or their own traffic
      dst = chance(80) ? pick(CLIENTS) : dip;
    } else {
      src = chance(90) ? pick(CLIENTS) : "198.19." + random.nextInt(256) + "." + random.nextInt(256);
      dst = switch (random.nextInt(10)) {
        case 0 -> dip;
        case 1 -> pick(REAL_SERVERS);
        case 2 -> "198.18.9." + random.nextInt(256);
        default -> vip;
      };
    }
    int protocolKind = random.nextInt(100);
    byte[] l4;
    int protocol;
    if (protocolKind < 65) {
      protocol = protocolKind < 40 ? Ipv4Header.PROTO_TCP : Ipv4Header.PROTO_UDP;
      if (fromServer < 3 && flows > 0 && chance(60)) {
        // a reply to a flow a client opened: the NAT real server's port is 80 for 8080, else the same
        int k = random.nextInt(Math.min(flows, flowClient.length));
        dst = flowClient[k];
        l4 = transport(protocol, flowService[k] == 8080 ? 80 : flowService[k], flowPort[k]);
      } else {
        l4 = transport(protocol, fromServer < 3);
        if (fromServer >= 3 && dst.equals(vip)) {
          int k = flows++ % flowClient.length;
          flowClient[k] = src;
          flowPort[k] = Bytes.u16(l4, 0);
          flowService[k] = Bytes.u16(l4, 2);
        }
      }
    } else if (protocolKind < 92) {
      protocol = Ipv4Header.PROTO_ICMP;
      l4 = icmp(fromServer < 3, src, dst);
    } else {
      protocol = pick(new Integer[] {Ipv4Header.PROTO_IPIP, 47, 132, 0});
      l4 = new byte[random.nextInt(64)];
      random.nextBytes(l4);
    }
    int options = chance(10) ? 4 * (1 + random.nextInt(10)) : 0;
    int ihl = 20 + options;
    byte[] f = new byte[14 + ihl + l4.length];
    Ethernet.write(f, chance(95) ? ourMac : unicastMac(), chance(80) ? MacAddress.parse("02:00:00:00:00:fe")
        : MacAddress.parse("02:00:00:00:00:11"), Ethernet.TYPE_IPV4);
    int flags = chance(50) ? Ipv4Header.FLAG_DF : 0;
    if (chance(12)) {
      flags = chance(50) ? Ipv4Header.FLAG_MF : (chance(50) ? Ipv4Header.FLAG_MF : 0) | (1 + random.nextInt(200));
    }
    int ttl = chance(fromServer < 3 ? 15 : 5) ? random.nextInt(2) : 64;
    Ipv4Header.write(f, 14, 0, ihl + l4.length, random.nextInt(8), flags, ttl, protocol, Ipv4.parse(src),
        Ipv4.parse(dst));
    if (options > 0) {
      f[14] = (byte) (0x40 | (ihl / 4));
      for (int i = 0; i < options; i++) {
        f[34 + i] = 1; // NOP
      }
    }
    System.arraycopy(l4, 0, f, 14 + ihl, l4.length);
    Bytes.put16(f, 24, 0);
    Bytes.put16(f, 24, Checksums.compute(f, 14, ihl));
    if (protocol == Ipv4Header.PROTO_TCP || protocol == Ipv4Header.PROTO_UDP) {
      transportChecksum(f, 14, ihl, protocol, l4.length);
    }
    if (chance(4)) {
      f[14 + random.nextInt(f.length - 14)] ^= (byte) (1 + random.nextInt(255)); // a bit flipped on the way
    }
    if (chance(2)) {
      Bytes.put16(f, 16, ihl + l4.length + 1 + random.nextInt(100)); // claims more than it holds
    }
    return f;
  }

  private byte[] transport(int protocol, boolean fromServer) {
    int service = SERVICE_PORTS[random.nextInt(SERVICE_PORTS.length)];
    int client = 30000 + random.nextInt(chance(80) ? 64 : 30000);
    return transport(protocol, fromServer ? (chance(50) ? 80 : service) : client, fromServer ? client : service);
  }

  private byte[] transport(int protocol, int sport, int dport) {
    int payload = chance(60) ? random.nextInt(64) : random.nextInt(1400);
    boolean tcp = protocol == Ipv4Header.PROTO_TCP;
    int header = tcp ? 20 : 8;
    byte[] l4 = new byte[header + payload];
    Bytes.put16(l4, 0, sport);
    Bytes.put16(l4, 2, dport);
    if (tcp) {
      Bytes.put32(l4, 4, random.nextInt());
      Bytes.put32(l4, 8, random.nextInt());
      l4[12] = (byte) (chance(95) ? 0x50 : random.nextInt(256));
      l4[13] = (byte) (chance(90) ? TCP_FLAGS[random.nextInt(TCP_FLAGS.length)] : random.nextInt(256));
      Bytes.put16(l4, 14, 64240);
    } else {
      Bytes.put16(l4, 4, l4.length);
    }
    for (int i = header; i < l4.length; i++) {
      l4[i] = (byte) i;
    }
    return l4;
  }

  private byte[] icmp(boolean fromServer, String src, String dst) {
    if (chance(35)) {
      byte[] echo = new byte[8 + random.nextInt(56)];
      echo[0] = (byte) (chance(90) ? 8 : random.nextInt(20));
      Bytes.put16(echo, 4, random.nextInt(65536));
      Bytes.put16(echo, 2, Checksums.compute(echo, 0, echo.length));
      return echo;
    }
    // an error quoting a packet: from the VIP to a client (to a VIP), or from a client to a real server
    int protocol = chance(60) ? Ipv4Header.PROTO_TCP : Ipv4Header.PROTO_UDP;
    byte[] quotedL4 = transport(protocol, !fromServer);
    int quotedL4Bytes = Math.min(quotedL4.length, chance(70) ? 8 : random.nextInt(quotedL4.length + 1));
    byte[] quoted = new byte[20 + quotedL4Bytes];
    String qsrc = fromServer ? dst : vip;
    String qdst = fromServer ? src : pick(CLIENTS);
    Ipv4Header.write(quoted, 0, 0, 20 + quotedL4.length, random.nextInt(65536), Ipv4Header.FLAG_DF, 60, protocol,
        Ipv4.parse(qsrc), Ipv4.parse(qdst));
    System.arraycopy(quotedL4, 0, quoted, 20, quotedL4Bytes);
    byte[] icmp = new byte[8 + quoted.length];
    icmp[0] = (byte) (int) pick(new Integer[] {3, 3, 3, 11, 12, 4, 5});
    icmp[1] = (byte) (icmp[0] == 3 ? (int) pick(new Integer[] {4, 3, 1, 13}) : 0);
    Bytes.put16(icmp, 6, icmp[1] == 4 ? 1200 + random.nextInt(300) : 0);
    System.arraycopy(quoted, 0, icmp, 8, quoted.length);
    Bytes.put16(icmp, 2, Checksums.compute(icmp, 0, icmp.length));
    return icmp;
  }

  private static void transportChecksum(byte[] f, int l3, int ihl, int protocol, int length) {
    int l4 = l3 + ihl;
    int at = l4 + (protocol == Ipv4Header.PROTO_TCP ? 16 : 6);
    Bytes.put16(f, at, 0);
    long sum = Checksums.sum(f, l3 + 12, 8) + protocol + length + Checksums.sum(f, l4, length);
    int cs = Checksums.finish(sum);
    Bytes.put16(f, at, protocol == Ipv4Header.PROTO_UDP && cs == 0 ? 0xffff : cs);
  }
}
