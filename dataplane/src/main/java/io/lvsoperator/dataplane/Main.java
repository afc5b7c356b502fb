package io.lvsoperator.dataplane;

import io.lvsoperator.dataplane.cli.RealServerCommand;
import io.lvsoperator.dataplane.cli.RunCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** lvs-dataplane: the director ({@code run}) and the real-server helper ({@code realserver}). */
@Command(
    name = "lvs-dataplane",
    mixinStandardHelpOptions = true,
    version = "lvs-dataplane 0.1.0",
    description = "User-space LVS director: ARP, routing, DR/NAT/TUN forwarding, IPVS schedulers.",
    subcommands = {RunCommand.class, RealServerCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a command: run or realserver");
  }
}
