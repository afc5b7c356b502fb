package io.lvsoperator.dataplane.io;

import com.sun.jna.Memory;
import java.util.ArrayList;
import java.util.List;

/**
 * A classic BPF program for SO_ATTACH_FILTER, so that the kernel copies only the frames we want to
 * a packet socket. Built from instructions here rather than compiled by libpcap: the programs we
 * need are a few kinds of instruction, and membership in a list of addresses is a chain of
 * comparisons ({@link Builder#anyOf}).
 */
public final class ClassicBpf {
  // opcodes (linux/filter.h)
  static final int LD_W_ABS = 0x20;
  static final int LD_H_ABS = 0x28;
  static final int LD_B_ABS = 0x30;
  static final int LD_H_IND = 0x48;
  static final int LD_IMM = 0x00;
  static final int LD_MEM = 0x60;
  /** X = 4 * (P[k] & 0xf): an IPv4 header's length. */
  static final int LDX_B_MSH = 0xb1;
  static final int ST = 0x02;
  static final int ALU_RSH_K = 0x74;
  static final int ALU_MUL_K = 0x24;
  static final int ALU_XOR_X = 0xac;
  static final int TAX = 0x07;
  static final int JA = 0x05;
  static final int JEQ_K = 0x15;
  static final int JSET_K = 0x45;
  static final int RET_K = 0x06;
  static final int RET_A = 0x16;
  /** Loads at this offset and above read the skb's ancillary data (linux/filter.h, SKF_AD_OFF). */
  static final int ANCILLARY = -0x1000;
  /** The frame's EtherType as the kernel took it (SKF_AD_PROTOCOL), wherever the data starts. */
  public static final int ANCILLARY_PROTOCOL = ANCILLARY;
  /** Scratch memory words (BPF_MEMWORDS). */
  public static final int MEMORY_WORDS = 16;
  /** The kernel's limit (BPF_MAXINSNS). */
  public static final int MAX_INSTRUCTIONS = 4096;
  /** Returned to accept a frame: bytes to keep, more than any frame. */
  static final int ACCEPT = 0x40000;
  private static final int INSTRUCTION_SIZE = 8;
  /** Comparisons per chain before a long jump: a conditional jump reaches 255 instructions ahead. */
  private static final int CHAIN = 200;

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

  public int length() {
    return program.length;
  }

  /** Instruction {@code i} as {code, jt, jf, k} (a copy), for tests that run the program. */
  public int[] instruction(int i) {
    return program[i].clone();
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

  /** A program with labels: jumps are resolved when it is built. */
  public static final class Builder {
    /** A place in the program, bound once. */
    public static final class Label {
      private int at = -1;
    }

    private final List<int[]> code = new ArrayList<>();
    private final List<Label> targets = new ArrayList<>();

    private Builder emit(int op, int jt, int jf, int k, Label target) {
      code.add(new int[] {op, jt, jf, k});
      targets.add(target);
      return this;
    }

    public Builder loadWord(int offset) {
      return emit(LD_W_ABS, 0, 0, offset, null);
    }

    public Builder loadHalf(int offset) {
      return emit(LD_H_ABS, 0, 0, offset, null);
    }

    public Builder loadByte(int offset) {
      return emit(LD_B_ABS, 0, 0, offset, null);
    }

    /** A = the half-word at X + {@code offset}. */
    public Builder loadHalfAfterHeader(int offset) {
      return emit(LD_H_IND, 0, 0, offset, null);
    }

    /** X = the length of the IPv4 header at {@code offset} (4 times its IHL). */
    public Builder loadHeaderLength(int offset) {
      return emit(LDX_B_MSH, 0, 0, offset, null);
    }

    public Builder loadConstant(int k) {
      return emit(LD_IMM, 0, 0, k, null);
    }

    /** A = scratch word {@code slot}. */
    public Builder loadScratch(int slot) {
      checkSlot(slot);
      return emit(LD_MEM, 0, 0, slot, null);
    }

    /** Scratch word {@code slot} = A. */
    public Builder store(int slot) {
      checkSlot(slot);
      return emit(ST, 0, 0, slot, null);
    }

    private static void checkSlot(int slot) {
      if (slot < 0 || slot >= MEMORY_WORDS) {
        throw new IllegalArgumentException("no scratch word " + slot);
      }
    }

    /** X = A. */
    public Builder copyToX() {
      return emit(TAX, 0, 0, 0, null);
    }

    /** A = A >>> {@code bits}. */
    public Builder shiftRight(int bits) {
      return emit(ALU_RSH_K, 0, 0, bits, null);
    }

    /** A = A * {@code k}, modulo 2^32. */
    public Builder multiply(int k) {
      return emit(ALU_MUL_K, 0, 0, k, null);
    }

    /** A = A ^ X. */
    public Builder xorX() {
      return emit(ALU_XOR_X, 0, 0, 0, null);
    }

    /** Jumps to {@code target} when A has any bit of {@code mask} set, else goes on. */
    public Builder whenAnyBit(int mask, Label target) {
      emit(JSET_K, 0, 1, mask, null);
      return jump(target);
    }

    /** Goes on when the accumulator equals {@code k}, else jumps to {@code otherwise}. */
    public Builder unless(int k, Label otherwise) {
      emit(JEQ_K, 1, 0, k, null);
      return jump(otherwise);
    }

    /** Jumps to {@code target} when the accumulator is one of {@code values}, else goes on. */
    public Builder anyOf(int[] values, Label target) {
      for (int from = 0; from < values.length; from += CHAIN) {
        int n = Math.min(CHAIN, values.length - from);
        for (int j = 0; j < n; j++) {
          // equal: to the long jump after this chain (n - j instructions ahead)
          emit(JEQ_K, n - j, 0, values[from + j], null);
        }
        emit(JA, 0, 0, 1, null); // none equal: over the long jump
        jump(target);
      }
      return this;
    }

    public Builder jump(Label target) {
      return emit(JA, 0, 0, 0, target);
    }

    public Builder accept() {
      return emit(RET_K, 0, 0, ACCEPT, null);
    }

    public Builder drop() {
      return emit(RET_K, 0, 0, 0, null);
    }

    /** Ends with {@code k} (a fanout program: the socket, modulo the group's size). */
    public Builder returnValue(int k) {
      return emit(RET_K, 0, 0, k, null);
    }

    /** Ends with A. */
    public Builder returnA() {
      return emit(RET_A, 0, 0, 0, null);
    }

    public Builder bind(Label label) {
      label.at = code.size();
      return this;
    }

    public int length() {
      return code.size();
    }

    public ClassicBpf build() {
      int[][] program = new int[code.size()][];
      for (int i = 0; i < program.length; i++) {
        program[i] = code.get(i).clone();
        Label target = targets.get(i);
        if (target != null) {
          if (target.at < 0) {
            throw new IllegalStateException("a jump to a label never bound");
          }
          if (target.at <= i) {
            // the kernel takes the offset unsigned: a huge forward jump, refused (EINVAL)
            throw new IllegalStateException("a jump back from instruction " + i + " to " + target.at
                + ": classic BPF jumps only forward");
          }
          program[i][3] = target.at - i - 1;
        }
      }
      return new ClassicBpf(program);
    }
  }
}
