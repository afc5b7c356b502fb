package io.lvsoperator.dataplane.testsupport;

import io.lvsoperator.dataplane.io.ClassicBpf;

/**
 * Runs a classic BPF program over a frame as the kernel's interpreter would, for the instructions
 * our programs use (absolute loads, equality jumps, unconditional jumps, returns). Out-of-range
 * loads end the program with 0, as in the kernel.
 */
public final class BpfMachine {
  private BpfMachine() {}

  /** The program's return value for the frame: 0 drops it. */
  public static int run(ClassicBpf program, byte[] frame) {
    int a = 0;
    int pc = 0;
    for (int steps = 0; steps <= program.length(); steps++) {
      int[] in = program.instruction(pc);
      int code = in[0];
      int jt = in[1];
      int jf = in[2];
      int k = in[3];
      switch (code) {
        case 0x20, 0x28, 0x30 -> {
          int size = code == 0x20 ? 4 : code == 0x28 ? 2 : 1;
          if (k < 0 || k + size > frame.length) {
            return 0;
          }
          a = 0;
          for (int i = 0; i < size; i++) {
            a = (a << 8) | (frame[k + i] & 0xff);
          }
          pc++;
        }
        case 0x15 -> pc += 1 + (a == k ? jt : jf);
        case 0x05 -> pc += 1 + k;
        case 0x06 -> {
          return k;
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
