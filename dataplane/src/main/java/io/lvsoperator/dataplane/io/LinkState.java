package io.lvsoperator.dataplane.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether an interface can carry frames now: administratively up and its link not down (sysfs). */
public final class LinkState {
  private static final int IFF_UP = 0x1;

  private LinkState() {}

  /** Null when {@code name} is up, else why not ("down", "lowerlayerdown", "missing"). */
  public static String problem(String name) {
    Path sys = Path.of("/sys/class/net", name);
    try {
      int flags = Integer.decode(Files.readString(sys.resolve("flags")).trim());
      if ((flags & IFF_UP) == 0) {
        return "interface " + name + " is administratively down";
      }
      String oper = Files.readString(sys.resolve("operstate")).trim();
      // "unknown": drivers that do not report it (tun, some virtual devices) while working
      return oper.equals("up") || oper.equals("unknown") ? null : "interface " + name + " link is " + oper;
    } catch (IOException | NumberFormatException e) {
      return "interface " + name + " is missing";
    }
  }
}
