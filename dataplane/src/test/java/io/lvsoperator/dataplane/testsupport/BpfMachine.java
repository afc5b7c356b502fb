package io.lvsoperator.dataplane.testsupport;

import io.lvsoperator.dataplane.io.ClassicBpf;

/**
 * Runs a classic BPF program over a frame as the kernel's interpreter would, for the instructions
 * our programs use (absolute and indirect loads, the IPv4 header length, constants, scratch
 * memory, shift, multiply, xor, equality and bit jumps, returns). Out-of-range loads end the
 * program with 0, as in the kernel.
 */
public final class BpfMachine {
  private static final int ETHERNET = 14;

  private BpfMachine() {}

  /** The program's return value for the frame, read from its Ethernet header on (a socket filter): 0 drops it. */
  public static int run(ClassicBpf program, byte[] frame) {
    return run(program, frame, 0);
  }

  /**
   * As the kernel runs a fanout program (packet_rcv_fanout): its data starts at the network
   * header, and the EtherType is the ancillary protocol word. The return value, unsigned,
   * modulo the number of sockets, is the socket the frame goes to.
   */
  public static int runFromNetworkHeader(ClassicBpf program, byte[] frame) {
    return run(program, frame, ETHERNET);
  }

  private static int run(ClassicBpf program, byte[] frame, int base) {
    int a = 0;
    int x = 0;
    int[] memory = new int[ClassicBpf.MEMORY_WORDS];
    int pc = 0;
    for (int steps = 0; steps <= program.length(); steps++) {
      int[] in = program.instruction(pc);
      int code = in[0];
      int jt = in[1];
      int jf = in[2];
      int k = in[3];
      switch (code) {
        case 0x20, 0x28, 0x30, 0x40, 0x48, 0x50 -> {
          int size = (code & 0x18) == 0x00 ? 4 : (code & 0x18) == 0x08 ? 2 : 1;
          boolean indirect = (code & 0xe0) == 0x40;
          if (!indirect && k == ClassicBpf.ANCILLARY_PROTOCOL) {
            a = ((frame[12] & 0xff) << 8) | (frame[13] & 0xff);
          } else {
            long at = (long) base + (indirect ? (x & 0xffffffffL) + k : k);
            if (k < 0 || at + size > frame.length) {
              return 0;
            }
            a = 0;
            for (int i = 0; i < size; i++) {
              a = (a << 8) | (frame[(int) at + i] & 0xff);
            }
          }
          pc++;
        }
        case 0xb1 -> {
          if (k < 0 || base + k >= frame.length) {
            return 0;
          }
          x = 4 * (frame[base + k] & 0x0f);
          pc++;
        }
        case 0x00 -> {
          a = k;
          pc++;
        }
        case 0x60 -> {
          a = memory[k];
          pc++;
        }
        case 0x02 -> {
          memory[k] = a;
          pc++;
        }
        case 0x07 -> {
          x = a;
          pc++;
        }
        case 0x74 -> {
          a >>>= k;
          pc++;
        }
        case 0x24 -> {
          a *= k;
          pc++;
        }
        case 0xac -> {
          a ^= x;
          pc++;
        }
        case 0x15 -> pc += 1 + (a == k ? jt : jf);
        case 0x45 -> pc += 1 + ((a & k) != 0 ? jt : jf);
        case 0x05 -> {
          if (k < 0) {
            throw new IllegalStateException("a jump back at " + pc + ": the kernel refuses the program");
          }
          pc += 1 + k;
        }
        case 0x06 -> {
          return k;
        }
        case 0x16 -> {
          return a;
        }
        default -> throw new IllegalArgumentException("instruction not modelled: " + code);
      }
      if (pc < 0 || pc >= program.length()) {
        throw new IllegalStateException("jumped out of the program to " + pc);
      }
    }
    throw new IllegalStateException("a loop: classic BPF only jumps forward");
  }
}
