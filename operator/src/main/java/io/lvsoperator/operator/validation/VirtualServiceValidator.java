package io.lvsoperator.operator.validation;

import io.lvsoperator.api.net.Ipv4;
import io.lvsoperator.api.v1alpha1.DirectorSpecValidator;
import io.lvsoperator.api.v1alpha1.ForwardingMode;
import io.lvsoperator.api.v1alpha1.PortSpec;
import io.lvsoperator.api.v1alpha1.RealServerSpec;
import io.lvsoperator.api.v1alpha1.VirtualServiceSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a VirtualService beyond what the CRD schema enforces (an API server may run without
 * it, as the mock server does). Each violation names its field, as `spec.ports[1].targetPort`.
 * Tenancy: a VIP, a NAT gateway or a static real server may be neither a special address
 * (loopback, link-local, multicast...) nor one of the cluster's own ({@link ReservedAddresses});
 * endpoints from the tenant's own Service are its pods and are not checked against pod ranges.
 */
public final class VirtualServiceValidator {
  private VirtualServiceValidator() {}

  public static List<String> validate(VirtualServiceSpec spec) {
    return validate(spec, ReservedAddresses.NONE);
  }

  public static List<String> validate(VirtualServiceSpec spec, ReservedAddresses reserved) {
    List<String> out = new ArrayList<>();
    if (spec == null) {
      out.add("spec: is required");
      return out;
    }
    if (spec.getVip() == null) {
      // the operator assigns one from a VipPool (pools.VipResolver)
    } else if (!Ipv4.isValid(spec.getVip())) {
      out.add("spec.vip: \"" + spec.getVip() + "\" is not an IPv4 address");
    } else {
      tenantAddress("spec.vip", spec.getVip(), reserved, out);
    }
    ForwardingMode mode = spec.effectiveMode();
    if (spec.getNatGateway() != null) {
      if (!Ipv4.isValid(spec.getNatGateway())) {
        out.add("spec.natGateway: \"" + spec.getNatGateway() + "\" is not an IPv4 address");
      } else if (mode != ForwardingMode.NAT) {
        out.add("spec.natGateway: only NAT real servers send their replies through the director; " + mode
            + " real servers answer clients directly");
      } else if (spec.getNatGateway().equals(spec.getVip())) {
        out.add("spec.natGateway: must differ from the VIP");
      } else {
        tenantAddress("spec.natGateway", spec.getNatGateway(), reserved, out);
      }
    }
    if (spec.getFullNatSource() != null && mode != ForwardingMode.FULLNAT) {
      out.add("spec.fullNatSource: only FULLNAT rewrites the client's address; " + mode + " real servers see the"
          + " client's own");
    }
    if (spec.getPorts() == null || spec.getPorts().isEmpty()) {
      out.add("spec.ports: at least one port is required");
    } else {
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < spec.getPorts().size(); i++) {
        PortSpec p = spec.getPorts().get(i);
        String path = "spec.ports[" + i + "]";
        if (p.port() == null || p.port() < 0 || p.port() > 65535) {
          out.add(path + ".port: " + (p.port() == null ? "is required" : p.port() + " is not within 0-65535"));
        }
        if (p.targetPort() != null) {
          if (p.targetPort() < 1 || p.targetPort() > 65535) {
            out.add(path + ".targetPort: " + p.targetPort() + " is not within 1-65535");
          } else if (!mode.translates() && !p.targetPort().equals(p.port())) {
            out.add(path + ".targetPort: " + mode + " cannot change the port; only NAT and FULLNAT can");
          }
        }
        if (!seen.add(p.port() + "/" + p.protocol())) {
          out.add(path + ": port " + p.port() + " is listed twice");
        }
      }
    }
    boolean hasService = spec.getService() != null;
    boolean hasStatic = spec.getRealServers() != null;
    if (hasService == hasStatic) {
      out.add("spec: set exactly one of service and realServers");
    }
    if (hasService && (spec.getService().name() == null || spec.getService().name().isBlank())) {
      out.add("spec.service.name: is required");
    }
    if (hasStatic) {
      for (int i = 0; i < spec.getRealServers().size(); i++) {
        RealServerSpec r = spec.getRealServers().get(i);
        String path = "spec.realServers[" + i + "]";
        if (!Ipv4.isValid(r.address())) {
          out.add(path + ".address: " + (r.address() == null ? "is required" : "\"" + r.address() + "\" is not an IPv4 address"));
        } else {
          tenantAddress(path + ".address", r.address(), reserved, out);
        }
        if (r.port() != null && (r.port() < 1 || r.port() > 65535)) {
          out.add(path + ".port: " + r.port() + " is not within 1-65535");
        }
        if (r.port() != null && !mode.translates() && changesPort(spec, r.port())) {
          // a real server on the VIP's own port is what keepalived and ipvsadm configurations write
          out.add(path + ".port: " + mode + " cannot change the port (" + vipPorts(spec) + " -> " + r.port()
              + "); only NAT and FULLNAT can");
        }
        if (r.weight() < 0 || r.weight() > 65535) {
          out.add(path + ".weight: " + r.weight() + " is not within 0-65535");
        }
      }
    }
    if (spec.getPorts() != null && spec.getPorts().size() > VirtualServiceSpec.MAX_PORTS) {
      out.add("spec.ports: " + spec.getPorts().size() + " ports, at most " + VirtualServiceSpec.MAX_PORTS);
    }
    if (hasStatic && spec.getRealServers().size() > VirtualServiceSpec.MAX_REAL_SERVERS) {
      out.add("spec.realServers: " + spec.getRealServers().size() + " real servers, at most "
          + VirtualServiceSpec.MAX_REAL_SERVERS);
    }
    if (spec.getHealthCheck() != null) {
      DirectorSpecValidator.validateHealthCheck("spec.healthCheck", spec.getHealthCheck(), out);
    }
    if (spec.getPersistence() != null && spec.getPersistence().timeoutSeconds() != null
        && (spec.getPersistence().timeoutSeconds() < 0 || spec.getPersistence().timeoutSeconds() > 2678400)) {
      out.add("spec.persistence.timeoutSeconds: must be within 0-2678400");
    }
    return out;
  }

  private static void tenantAddress(String path, String address, ReservedAddresses reserved, List<String> out) {
    if (DirectorSpecValidator.special(path, address, out)) {
      return;
    }
    String why = reserved.why(address);
    if (why != null) {
      out.add(path + ": " + address + " " + why);
    }
  }

  /** True when some port of the VirtualService differs from {@code port}. */
  private static boolean changesPort(VirtualServiceSpec spec, int port) {
    return spec.getPorts() != null && spec.getPorts().stream().anyMatch(p -> p.port() == null || p.port() != port);
  }

  private static String vipPorts(VirtualServiceSpec spec) {
    return spec.getPorts().stream().map(p -> String.valueOf(p.port())).distinct()
        .collect(java.util.stream.Collectors.joining(", "));
  }
}
