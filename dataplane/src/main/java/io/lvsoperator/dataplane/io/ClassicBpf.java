package io.lvsoperator.dataplane.io;

import com.sun.jna.Memory;

/**
 * A classic BPF program for SO_ATTACH_FILTER, so that the kernel copies only the frames we want to
 * a packet socket. Built from instructions here rather than compiled by libpcap: the programs we
 * need are a few instructions long.
 */
public final class ClassicBpf {
  // opcodes (linux/filter.h)
  private static final int LD_H_ABS = 0x28;
  private static final int LD_B_ABS = 0x30;
  private static final int JEQ_K = 0x15;
  private static final int RET_K = 0x06;
  private static final int ACCEPT = 0x40000;
  private static final int INSTRUCTION_SIZE = 8;

  private final int[][] program;

  private ClassicBpf(int[][] program) {
    this.program = program;
  }

  /** IPv4 frames (untagged Ethernet) carrying IP protocol {@code protocol}, such as 4 for IP-in-IP. */
  public static ClassicBpf ipv4Protocol(int protocol) {
    return new ClassicBpf(new int[][] {
        {LD_H_ABS, 0, 0, 12}, // EtherType
        {JEQ_K, 0, 3, 0x0800},
        {LD_B_ABS, 0, 0, 23}, // IPv4 protocol
        {JEQ_K, 0, 1, protocol},
        {RET_K, 0, 0, ACCEPT},
        {RET_K, 0, 0, 0}});
  }

  int length() {
    return program.length;
  }

  /** The instructions as struct sock_filter {u16 code; u8 jt; u8 jf; u32 k}. */
  Memory instructions() {
    Memory m = new Memory((long) program.length * INSTRUCTION_SIZE);
    for (int i = 0; i < program.length; i++) {
      long at = (long) i * INSTRUCTION_SIZE;
      m.setShort(at, (short) program[i][0]);
      m.setByte(at + 2, (byte) program[i][1]);
      m.setByte(at + 3, (byte) program[i][2]);
      m.setInt(at + 4, program[i][3]);
    }
    return m;
  }
}
