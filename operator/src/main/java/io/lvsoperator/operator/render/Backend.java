package io.lvsoperator.operator.render;

/** One real server resolved for a VirtualService: where, how heavy, and why. */
public record Backend(String address, Integer port, int weight, String state) {
  public static final String READY = "Ready";
  public static final String TERMINATING = "Terminating";

  public boolean ready() {
    return READY.equals(state);
  }
}
