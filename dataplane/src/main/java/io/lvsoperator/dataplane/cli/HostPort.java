package io.lvsoperator.dataplane.cli;

import java.net.InetSocketAddress;
import picocli.CommandLine;

/** Parses HOST:PORT options. */
final class HostPort {
  private HostPort() {}

  static InetSocketAddress parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new CommandLine.TypeConversionException("\"" + text + "\" is not HOST:PORT");
    }
    try {
      int port = Integer.parseInt(text.substring(colon + 1));
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return new InetSocketAddress(text.substring(0, colon), port);
    } catch (NumberFormatException e) {
      throw new CommandLine.TypeConversionException("\"" + text + "\" has no valid port");
    }
  }
}
